"""Lists of one's own in a real browser: made and filled through the page, reordered by
dragging a row, by the keyboard's Up and Down, and without JavaScript by a row's place; and
both pages pass axe-core."""

import re

from browser_support import axe_violations, emails, open_page, register
from playwright.async_api import expect


async def a_list_of(page, name: str, titles: list[str]) -> None:
    await page.goto("/lists")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Ranked").check()
    await page.get_by_role("button", name="Make the list").click()
    await expect(page.get_by_role("heading", name=name)).to_be_visible()
    for title in titles:
        await page.get_by_label("Movie title").fill(title)
        await page.get_by_role("button", name="Add to this list").click()
        await expect(page.locator(".list-entry .title").last).to_have_text(title)


def titles(page):
    return page.locator(".list-entry .title")


async def test_a_row_dragged_onto_another_takes_its_place_and_keeps_it(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await a_list_of(page, "Top three", ["Heat", "Alien", "Brazil"])
    await page.locator(".list-entry").nth(2).drag_to(page.locator(".list-entry").nth(0))
    await expect(titles(page)).to_have_text(["Brazil", "Heat", "Alien"])
    await expect(page.locator(".list-entry .rank")).to_have_text(["1", "2", "3"])
    await expect(page.locator("#reorder-status")).to_have_text("Moved 'Brazil' to place 1.")
    await expect(page.get_by_role("button", name="Up (Brazil)")).to_be_disabled()
    await page.reload()
    await expect(titles(page)).to_have_text(["Brazil", "Heat", "Alien"])
    assert watcher.console_errors == [] and watcher.foreign_requests == []


async def test_the_keyboard_moves_a_film_down_with_its_row_in_view(browser, live_server):
    page, _ = await open_page(browser, live_server)
    await register(page, next(emails))
    await a_list_of(page, "Keys", ["Heat", "Alien", "Brazil"])
    await page.get_by_role("button", name="Down (Heat)").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#flash")).to_contain_text("Moved 'Heat' to place 2.")
    await expect(titles(page)).to_have_text(["Alien", "Heat", "Brazil"])
    assert re.search(r"#entry-\d+$", page.url), "the page opens at the row moved"


async def test_without_javascript_a_film_moves_to_the_place_typed(browser, live_server):
    page, _ = await open_page(browser, live_server, javascript=False)
    await register(page, next(emails))
    await a_list_of(page, "No script", ["Heat", "Alien", "Brazil"])
    await page.get_by_label("Place of Brazil").fill("1")
    await page.get_by_role("button", name="Move Brazil", exact=True).click()
    await expect(titles(page)).to_have_text(["Brazil", "Heat", "Alien"])
    await expect(page.locator("#flash")).to_contain_text("Moved 'Brazil' to place 1.")


async def test_the_lists_pages_pass_axe_core(browser, live_server):
    context = await browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = await context.new_page()
    await register(page, next(emails))
    await a_list_of(page, "Checked", ["Heat", "Alien"])
    await page.get_by_text("Add a note").first.click()
    found = {"a list": await axe_violations(page)}
    await page.goto("/lists")
    found["the lists"] = await axe_violations(page)
    assert found == {"a list": [], "the lists": []}


async def test_without_javascript_a_long_list_pages_by_its_show_more_link(browser, live_server):
    page, _ = await open_page(browser, live_server, javascript=False)
    await register(page, next(emails))
    await a_list_of(page, "Long", ["Film 000"])
    token = await page.locator('meta[name="csrf-token"]').get_attribute("content")
    list_url = page.url.split("#")[0]
    for number in range(1, 105):
        added = await page.request.post(f"{list_url}/films", form={"title": f"Film {number:03}", "csrf_token": token})
        assert added.ok
    await page.goto(list_url)
    await expect(titles(page)).to_have_count(100)
    await page.get_by_role("link", name="Show more").click()
    await expect(titles(page)).to_have_text([f"Film {number:03}" for number in range(100, 105)])
    await expect(page.locator(".list-entry .rank").first).to_have_text("101")
    await page.get_by_role("link", name="Back to the top of the list").click()
    await expect(titles(page).first).to_have_text("Film 000")
