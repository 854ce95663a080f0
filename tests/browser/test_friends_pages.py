"""Friends in Chromium: a profile name chosen, a follow asked and accepted with htmx, a film
logged as watched together, and the friend adding it to their own diary; every page on the way
passes axe, and focus stays on the page after each button."""

from browser_support import Watcher, assert_no_reload, axe_violations_light_and_dark, emails, mark_window, register
from playwright.async_api import expect


async def axe_ready_page(browser, server):
    context = await browser.new_context(base_url=server.url, bypass_csp=True)  # axe is injected
    page = await context.new_page()
    return page, Watcher(page, server.url)


async def profile_named(page, name: str) -> None:
    await page.goto("/account")
    await page.get_by_label("Profile name").fill(name)
    await page.get_by_role("button", name="Save your profile").click()
    await expect(page.locator("#flash")).to_contain_text("Saved your profile.")


async def test_two_friends_follow_watch_together_and_one_adds_it_to_their_diary(browser, catalog_server):
    ann, ann_watcher = await axe_ready_page(browser, catalog_server)
    bob, bob_watcher = await axe_ready_page(browser, catalog_server)
    ann_address, bob_address = next(emails), next(emails)
    await register(ann, ann_address)
    await register(bob, bob_address)
    await profile_named(ann, "Annie")
    await profile_named(bob, "bobby")

    await ann.goto("/friends")
    await mark_window(ann)
    await ann.get_by_label("Their email address or profile name").fill(bob_address)
    await ann.get_by_role("button", name="Ask to follow").click()
    await expect(ann.locator("#flash")).to_contain_text("Asked.")
    await expect(ann.locator("#friends")).to_contain_text(f"Waiting for an answer {bob_address}")
    assert await axe_violations_light_and_dark(ann) == {}, "/friends, a request waiting"

    await bob.goto("/friends")
    await expect(bob.locator("#friends")).to_contain_text("Asking to follow you Annie")
    await bob.get_by_role("button", name="Accept Annie").click()
    await expect(bob.locator("#friends")).to_contain_text("Follow you Annie")
    await expect(bob.locator("#friends-heading")).to_be_focused()

    await bob.goto("/people/11")
    await bob.locator(".filmography a", has_text="Blade Runner 2049").first.click()
    await bob.get_by_role("button", name="Add to watchlist").click()
    await bob.get_by_role("link", name="Log a viewing").click()
    await bob.get_by_label("Annie").check()
    await bob.get_by_label("Review").fill("Better on the big screen.")
    assert await axe_violations_light_and_dark(bob) == {}, "the log form naming a friend"
    await bob.get_by_role("button", name="Log it").click()
    await expect(bob.locator("#flash")).to_contain_text("Logged 'Blade Runner 2049'")

    await ann.reload()
    await mark_window(ann)
    await expect(ann.locator("#activity-heading + ul")).to_contain_text("bobby watched Blade Runner 2049")
    await expect(ann.locator("#friends")).to_contain_text("bobby watched Blade Runner 2049 with you")
    assert await axe_violations_light_and_dark(ann) == {}, "/friends with activity and a viewing together"
    await ann.locator("#friends label", has_text="4 stars").click()
    await ann.get_by_role("button", name="Add to my diary").click()
    await expect(ann.locator("#flash")).to_contain_text("Added 'Blade Runner 2049'")
    await expect(ann.locator("#friends")).not_to_contain_text("Watched with you")
    await assert_no_reload(ann)
    await ann.goto("/diary")
    await expect(ann.locator("main")).to_contain_text("Blade Runner 2049")
    assert ann_watcher.console_errors == [] and bob_watcher.console_errors == []
    assert ann_watcher.foreign_requests == [] and bob_watcher.foreign_requests == []


async def test_a_list_shared_with_a_friend_is_changed_by_both_and_a_night_planned_from_its_pick(browser, live_server):
    ann, ann_watcher = await axe_ready_page(browser, live_server)
    bob, bob_watcher = await axe_ready_page(browser, live_server)
    await register(ann, next(emails))
    bob_address = next(emails)
    await register(bob, bob_address)
    await profile_named(ann, "Annie")
    await profile_named(bob, "bobby")
    await ann.goto("/friends")
    await ann.get_by_label("Their email address or profile name").fill("bobby")
    await ann.get_by_role("button", name="Ask to follow").click()
    await expect(ann.locator("#flash")).to_contain_text("Asked.")
    await bob.goto("/friends")
    await bob.get_by_role("button", name="Accept Annie").click()
    await expect(bob.locator("#friends")).to_contain_text("Follow you Annie")

    await ann.goto("/lists")
    await ann.get_by_label("Name").fill("Film club")
    await ann.get_by_role("button", name="Make the list").click()
    await ann.locator("#editors summary").click()
    await ann.get_by_label("bobby").check()
    await ann.get_by_role("button", name="Save who shares it").click()
    await expect(ann.locator("#flash")).to_contain_text("'Film club' is shared with bobby.")
    assert await axe_violations_light_and_dark(ann) == {}, "a list its owner shares"

    await bob.goto("/lists")
    await bob.get_by_role("link", name="Film club").click()
    await bob.get_by_label("Movie title").fill("Heat")
    await bob.get_by_role("button", name="Add").click()
    await expect(bob.locator(".list-entries")).to_contain_text("Heat")
    await bob.get_by_role("button", name="I watched it! (Heat)").click()
    await expect(bob.locator("#flash")).to_contain_text("Crossed off 'Heat'")
    await expect(bob.locator(".list-entries")).to_contain_text("Seen")
    assert await axe_violations_light_and_dark(bob) == {}, "a list shared with an editor"

    await ann.goto(ann.url.split("#")[0])
    await expect(ann.locator(".list-changes")).to_contain_text("bobby added Heat")
    await expect(ann.locator(".list-entries")).not_to_contain_text("Seen")
    await ann.get_by_role("link", name="Pick one for tonight from this list").click()
    await expect(ann.locator("#list-pick")).to_contain_text("Heat")
    await ann.get_by_label("bobby").check()
    await ann.get_by_role("button", name="Another").click()
    await expect(ann.locator("#list-pick")).to_contain_text("Between you, you have seen every film on this list.")
    assert await axe_violations_light_and_dark(ann) == {}, "the list's pick"
    assert ann_watcher.console_errors == [] and bob_watcher.console_errors == []
