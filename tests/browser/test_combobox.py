"""The add field as a combobox over the catalog, in Chromium: typing shows films, the arrow
keys move through them, Enter picks one and the add posts that film; Escape closes."""

from pathlib import Path

from browser_support import (
    DESKTOP,
    PHONE,
    SCREENSHOT_DIR,
    axe_violations,
    emails,
    register,
)
from playwright.async_api import expect


async def test_arrow_keys_and_enter_pick_a_film_and_the_add_posts_it(browser, catalog_server):
    # bypass_csp: only so the axe-core check below can be injected.
    page = await (await browser.new_context(base_url=catalog_server.url, bypass_csp=True)).new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    await register(page, next(emails))
    field = page.get_by_role("combobox", name="Movie title")
    await field.press_sequentially("dune")
    options = page.locator("#film-options").get_by_role("option")
    await expect(options).to_have_count(3)
    await expect(field).to_have_attribute("aria-expanded", "true")
    await expect(page.locator("#film-options-count")).to_have_text("3 films found. Use the arrow keys to choose.")
    await field.press("ArrowDown")
    await field.press("ArrowDown")
    second = options.nth(1)
    await expect(second).to_have_attribute("aria-selected", "true")
    await expect(field).to_have_attribute("aria-activedescendant", await second.get_attribute("id"))
    await field.press("Enter")
    await expect(field).to_have_value("Dune")
    await expect(field).to_have_attribute("aria-expanded", "false")
    await page.get_by_role("button", name="Add to watchlist").click()
    await expect(page.locator("#watchlist .film-details")).to_have_text(["1984 · 137 min · Action, Adventure, Sci-Fi"])

    await field.press_sequentially("heat")
    await expect(options).to_have_count(6)
    await field.press("ArrowDown")
    assert await axe_violations(page) == [], "the open combobox passes axe-core"
    await field.press("Escape")
    await expect(page.locator("#film-options")).to_be_hidden()
    await expect(field).to_have_attribute("aria-expanded", "false")
    await field.fill("Heat (1995)")
    await field.press("Enter")  # nothing picked: the typed title, which names one film
    await expect(page.locator("#watchlist .film-details")).to_have_count(2)
    await expect(page.locator("#watchlist .film-details").first).to_have_text("1995 · 170 min · Action, Crime, Drama")
    assert errors == []


async def test_screenshots_of_the_film_search(browser, catalog_server, tmp_path):
    """The add field's listbox over the catalog, for the README (`make screenshots`)."""
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    for width_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for scheme in ("light", "dark"):
            context = await browser.new_context(base_url=catalog_server.url, viewport=viewport, color_scheme=scheme)
            page = await context.new_page()
            await register(page, next(emails))
            await page.get_by_role("combobox", name="Movie title").press_sequentially("heat")
            await expect(page.locator("#film-options").get_by_role("option")).to_have_count(6)
            await page.screenshot(path=folder / f"search-{width_name}-{scheme}.png", full_page=True)
            await context.close()
    shots = sorted(folder.glob("search-*.png"))
    assert len(shots) == 4 and all(shot.stat().st_size > 5000 for shot in shots)
