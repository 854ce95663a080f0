"""A keyboard user's lists (issue 37): nothing covers the control that has focus, the actions
for ticked films a few keys from a tick, Undo where the row was with focus back on the row,
focus kept on a row's control when the row comes back in its place (a like), and focus on
the message after a page's full submit."""

import pytest
from browser_support import DESKTOP, emails, open_page, register
from playwright.async_api import expect

PHONE = {"width": 390, "height": 844}

# Whether the element at the centre of the focused one is it (or inside it): not the account
# menu, not the bar for ticked films, nothing drawn over it; and which controls of its row it
# covers in turn (a link shown on focus must not hide the row's buttons).
FOCUS_SEEN = """() => {
  const focused = document.activeElement;
  const centre = (element) => {
    const box = element.getBoundingClientRect();
    return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  };
  const seen = centre(focused);
  const row = focused.closest("li");
  const hides = row ? [...row.querySelectorAll("a, button, input:not([type=hidden])")].filter((control) =>
    control !== focused && control.getClientRects().length && focused.contains(centre(control))) : [];
  const lastDelete = document.querySelector("#list li.movie:last-of-type [formaction$='/delete']");
  return {seen: !!seen && (seen === focused || focused.contains(seen)) && hides.length === 0,
          onTheLastDelete: focused === lastDelete,
          focused: focused.outerHTML.slice(0, 120), over: seen ? seen.outerHTML.slice(0, 120) : null,
          hides: hides.map((control) => control.outerHTML.slice(0, 80))};
}"""


async def add_by_request(page, titles: list[str]) -> None:
    token = await page.locator('meta[name="csrf-token"]').get_attribute("content")
    for title in titles:
        response = await page.request.post("/movies", form={"title": title, "csrf_token": token}, max_redirects=0)
        assert response.status == 303


async def test_escape_closes_the_account_menu_and_puts_focus_on_it(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    menu, summary = page.locator("details.account-menu"), page.locator(".account-menu summary")
    await summary.focus()
    await page.keyboard.press("Enter")
    await expect(menu).to_have_attribute("open", "")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Escape")
    await expect(menu).not_to_have_attribute("open", "")
    await expect(summary).to_be_focused()

    await summary.click()
    await page.get_by_role("button", name="Log out", exact=True).focus()
    await page.keyboard.press("Tab")
    await expect(menu).not_to_have_attribute("open", ""), "focus left the menu"

    await summary.click()
    await page.locator("h1").click()
    await expect(menu).not_to_have_attribute("open", ""), "a click outside closes it"
    assert watcher.console_errors == []


async def test_tabbing_through_a_list_with_films_ticked_nothing_covers_the_focused_control(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, [f"Film {n:02}" for n in range(1, 26)])
    covered = {}
    for viewport in (DESKTOP, PHONE):
        await page.set_viewport_size(viewport)
        await page.goto("/")
        await page.get_by_label("Tick Film 25").check()
        await page.get_by_label("Tick Film 12").check()
        await expect(page.locator("#bulk-form")).to_be_visible()
        # From the account menu, open, through every row to the last one's Delete.
        await page.locator(".account-menu summary").focus()
        await page.keyboard.press("Enter")
        covered[viewport["width"]] = []
        for _ in range(200):
            await page.keyboard.press("Tab")
            seen = await page.evaluate(FOCUS_SEEN)
            if not seen["seen"]:
                covered[viewport["width"]].append(seen)
            if seen["onTheLastDelete"]:
                break
        else:
            pytest.fail(f"Tab never reached the last row at {viewport['width']} px")
    assert covered == {DESKTOP["width"]: [], PHONE["width"]: []}
    assert watcher.console_errors == []


async def test_from_a_tick_mark_watched_is_a_few_keys_away_and_undo_is_in_its_place(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, [f"Film {n:02}" for n in range(1, 41)])
    await page.goto("/")
    tick = page.get_by_label("Tick Film 38")
    await tick.focus()
    await page.keyboard.press("Space")
    mark_watched = page.locator("#bulk-form").get_by_role("button", name="Mark watched")
    presses = 0
    while presses < 5 and not await mark_watched.evaluate("button => button === document.activeElement"):
        on_link = await page.evaluate("document.activeElement.matches('a[href=\"#bulk-form\"]')")
        await page.keyboard.press("Enter" if on_link else "Tab")
        presses += 1
    await expect(mark_watched).to_be_focused()
    assert presses <= 3, f"{presses} keys from the tick to Mark watched"

    await page.keyboard.press("Enter")
    await expect(page.locator("#flash")).to_contain_text("Crossed off 1 film.")
    undo_row = page.locator("#list li.undo-row")
    await expect(undo_row).to_contain_text("Crossed off 1 film.")
    await expect(undo_row.get_by_role("button", name="Undo")).to_be_focused()
    assert await page.locator("#list li:is(.movie, .undo-row)").nth(2).get_attribute("class") == "undo-row"
    await page.keyboard.press("Enter")
    await expect(page.locator("#flash")).to_contain_text("Put 1 film back on your watchlist.")
    await expect(page.get_by_label("Tick Film 38")).to_be_focused()
    await expect(undo_row).to_have_count(0)
    assert watcher.console_errors == []


async def test_crossing_off_offers_undo_in_the_rows_place_and_undo_puts_focus_on_the_row(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, ["Alien", "Brazil", "Casablanca", "Dune"])
    await page.goto("/?sort=title")
    await page.get_by_role("button", name="I watched it! (Brazil)").click()
    await expect(page.locator("#flash")).to_contain_text("Crossed off 'Brazil'.")
    await expect(page.locator("#flash").get_by_role("button", name="Undo")).to_be_visible()
    rows = page.locator("#list li:is(.movie, .undo-row)")
    await expect(rows).to_have_count(4)
    assert await rows.nth(1).get_attribute("class") == "undo-row"
    await expect(rows.nth(1)).to_contain_text("Crossed off 'Brazil'.")
    await expect(page.get_by_role("button", name="I watched it! (Casablanca)")).to_be_focused()

    undo = rows.nth(1).get_by_role("button", name="Undo")
    for _ in range(4):
        await page.keyboard.press("Shift+Tab")
        if await undo.evaluate("button => button === document.activeElement"):
            break
    await expect(undo).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#flash")).to_contain_text("Put 'Brazil' back on your watchlist.")
    await expect(page.get_by_label("Tick Brazil")).to_be_focused()
    await expect(page.locator("#list li.undo-row")).to_have_count(0)
    assert await page.locator("#list li.movie .title").all_inner_texts() == ["Alien", "Brazil", "Casablanca", "Dune"]

    await page.get_by_role("button", name="Delete Dune").click()
    await expect(page.locator("#list li.undo-row")).to_contain_text("Deleted 'Dune'.")
    await page.locator("#list li.undo-row").get_by_role("button", name="Undo").click()
    await expect(page.locator("#flash")).to_contain_text("'Dune' is back.")
    await expect(page.get_by_label("Tick Dune")).to_be_focused()
    assert watcher.console_errors == []


async def test_after_logging_a_viewing_focus_is_on_the_message(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, ["Heat"])
    await page.goto("/")
    await expect(page.locator("#flash")).to_be_focused(), "a message from the request before"
    await page.goto("/")
    await expect(page.locator("#flash")).to_be_empty()
    assert await page.evaluate("document.activeElement.id") != "flash", "no message, focus left alone"
    await page.get_by_role("link", name="Log it… (Heat)").click()
    await page.get_by_role("button", name="Log it").click()
    await expect(page.locator("#flash")).to_contain_text("Heat")
    await expect(page.locator("#flash")).to_be_focused()
    assert watcher.console_errors == []


async def test_a_like_from_the_keyboard_keeps_focus_on_that_films_heart(browser, live_server):
    page, watcher = await open_page(browser, live_server)
    await register(page, next(emails))
    await add_by_request(page, ["Alien", "Brazil", "Casablanca"])
    await page.goto("/?sort=title")
    for title in ("Alien", "Brazil", "Casablanca"):
        await page.get_by_role("button", name=f"I watched it! ({title})").click()
        await expect(page.locator("#flash")).to_contain_text(f"Crossed off '{title}'.")
    await page.goto("/watched?sort=title")
    heart = page.get_by_role("button", name="Like Brazil")
    await heart.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#flash")).to_contain_text("Liked 'Brazil'.")
    await expect(heart).to_have_attribute("aria-pressed", "true")
    await expect(heart).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#flash")).to_contain_text("Unliked 'Brazil'.")
    await expect(heart).to_have_attribute("aria-pressed", "false")
    await expect(heart).to_be_focused()
    for title in ("Alien", "Casablanca"):
        await expect(page.get_by_role("button", name=f"Like {title}")).to_have_attribute("aria-pressed", "false")
    assert watcher.console_errors == []
