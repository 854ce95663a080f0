"""A person in a real browser (headless Chromium) against a live server: the HTMX journey
without page reloads, the same journey with JavaScript off, and nothing leaving the site."""

import re

from browser_support import assert_no_reload, emails, log_out, mark_window, open_page, register
from playwright.async_api import expect
from support import PASSWORD


async def test_the_whole_journey_with_htmx_never_reloads_the_page(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    email = next(emails)
    await register(page, email)
    await expect(page).to_have_url(f"{live_server.url}/")

    await mark_window(page)
    await page.get_by_label("Movie title").fill("Heat")
    await page.get_by_role("button", name="Add to watchlist").click()
    await expect(page.locator("#watchlist")).to_contain_text("Heat")
    await expect(page.locator("#flash")).to_contain_text("Added 'Heat' to your watchlist.")
    await expect(page.get_by_label("Movie title")).to_have_value("")
    await page.get_by_label("Movie title").fill("Alien")
    await page.get_by_label("Movie title").press("Enter")
    await expect(page.locator("#watchlist")).to_contain_text("Alien")

    await page.get_by_role("button", name="I watched it! (Heat)").click()
    await expect(page.locator("#watchlist li.movie", has_text="Heat")).to_have_count(0)
    await expect(page.locator("#flash")).to_contain_text("Crossed off 'Heat'")
    await page.get_by_role("button", name="Delete Alien").click()
    await expect(page.locator("#watchlist li.movie", has_text="Alien")).to_have_count(0)
    await expect(page.locator("#flash")).to_contain_text("Deleted 'Alien'.")
    await expect(page.locator("#watchlist .empty")).to_be_visible()
    await assert_no_reload(page)
    await expect(page).to_have_url(f"{live_server.url}/")  # the rows' boosted posts leave the address alone

    await page.get_by_role("link", name="Watched").click()
    await expect(page).to_have_url(f"{live_server.url}/watched")  # the mark is on the new page, not the old
    await mark_window(page)
    await expect(page.locator("#list").get_by_text("Not rated")).to_be_visible()
    await page.locator("label[for$='-8']").click()
    await expect(page.locator("#flash")).to_contain_text("Rated 'Heat' 4 out of 5.")
    await expect(page.locator("input[name=rating][value='4']")).to_be_checked()
    await expect(page.locator("#list").get_by_text("Not rated")).to_be_hidden()
    await assert_no_reload(page)
    await expect(page).to_have_url(f"{live_server.url}/watched")
    await page.reload()
    await expect(page.locator("input[name=rating][value='4']")).to_be_checked()
    await page.get_by_role("radio", name="4 stars").focus()
    await page.keyboard.press("ArrowRight")  # half a star more
    await expect(page.locator("#flash")).to_contain_text("Rated 'Heat' 4.5 out of 5.")
    await expect(page.get_by_role("radio", name="4.5 stars")).to_be_checked()

    await log_out(page)
    await expect(page).to_have_url(f"{live_server.url}/login")
    await expect(page.locator("#flash")).to_contain_text("You have been logged out.")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator("#flash")).to_contain_text(f"Welcome back, {email}!")

    assert watcher.console_errors == []
    assert watcher.foreign_requests == []


async def test_errors_show_beside_the_field_and_in_the_banner(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await mark_window(page)
    await page.get_by_label("Movie title").fill("Gigli")
    await page.get_by_role("button", name="Add to watchlist").click()
    message = "Trust me, you don't want to add 'Gigli' to your watchlist."
    await expect(page.locator("#title-error")).to_have_text(message)
    await expect(page.locator("#flash")).to_contain_text(message)
    await expect(page.get_by_label("Movie title")).to_have_value("Gigli")
    await assert_no_reload(page)
    assert watcher.console_errors == []


async def test_the_journey_works_with_javascript_off(browser, live_server):
    page, watcher = await open_page(browser, live_server, javascript=False)
    email = next(emails)
    await register(page, email)
    await page.get_by_label("Movie title").fill("Heat")
    await page.get_by_role("button", name="Add to watchlist").click()
    await expect(page.locator("#watchlist")).to_contain_text("Heat")
    await page.get_by_role("button", name="I watched it! (Heat)").click()
    await expect(page.locator("#flash")).to_contain_text("Crossed off 'Heat'")
    await page.goto("/watched")
    await page.locator("label[for$='-10']").click()
    await page.get_by_role("button", name="Rate").click()
    await expect(page.locator("#flash")).to_contain_text("Rated 'Heat' 5 out of 5.")
    await page.get_by_role("button", name=re.compile("Delete Heat")).click()
    await expect(page.locator("#flash")).to_contain_text("Deleted 'Heat'.")
    await log_out(page)
    await expect(page.locator("#flash")).to_contain_text("You have been logged out.")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("wrong password, fifteen+")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator("#flash")).to_contain_text("Email or password is incorrect.")
    await expect(page.get_by_label("Email")).to_have_value(email)
    assert watcher.foreign_requests == []
