"""The stats page and share links in Chromium: axe finds nothing in light or dark, the charts
fit a 360-pixel phone, and a visitor with no account reads a shared list (with JavaScript and
without) and is given no cookie."""

from pathlib import Path

import pytest
from browser_support import (
    DESKTOP,
    PHONE,
    SCHEMES,
    SCREENSHOT_DIR,
    Watcher,
    axe_violations,
    axe_violations_light_and_dark,
    emails,
    register,
)
from playwright.async_api import expect


async def a_history(page) -> None:
    """Three films, one watched twice with ratings and a review."""
    await register(page, next(emails))
    for title in ("Heat", "Alien", "The Third Man"):
        await page.get_by_label("Movie title").fill(title)
        await page.get_by_role("button", name="Add to watchlist").click()
        await expect(page.locator("#watchlist")).to_contain_text(title)
    for day, rating, review, where, link in (
        ("2025-01-06", "8", "The bank scene!", "/", "Log it… (Heat)"),
        ("2025-02-10", "9", "", "/watched", "Log again (Heat)"),
    ):
        await page.goto(where)
        await page.get_by_role("link", name=link).click()
        await page.get_by_label("Date watched").fill(day)
        await page.locator(f"label[for='rating-log-{rating}']").click()
        await page.get_by_label("Review").fill(review)
        await page.get_by_role("button", name="Log it").click()
        await expect(page.locator("#flash")).to_contain_text("Logged")


async def new_page(browser, live_server, viewport=PHONE, javascript=True):
    context = await browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        bypass_csp=True,
        java_script_enabled=javascript,
    )
    return await context.new_page()


async def test_the_stats_page_passes_axe_in_light_and_dark_and_its_charts_fit_a_phone(browser, live_server):
    page = await new_page(browser, live_server)
    watcher = Watcher(page, live_server.url)
    await a_history(page)
    await page.goto("/stats?year=2025")
    await expect(page.get_by_role("img", name="Films watched per month, 2025")).to_be_visible()
    await page.get_by_text("The numbers").first.click()
    assert await axe_violations_light_and_dark(page) == {}
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    width = await page.locator("#per-period svg").evaluate("svg => svg.getBoundingClientRect().width")
    assert 250 < width <= PHONE["width"], "the chart takes the phone's width, no more"
    if SCREENSHOT_DIR:
        for scheme in SCHEMES:
            await page.emulate_media(color_scheme=scheme)
            await page.set_viewport_size(PHONE)
            await page.screenshot(path=Path(SCREENSHOT_DIR) / f"stats-phone-{scheme}.png", full_page=True)
            await page.set_viewport_size(DESKTOP)
            await page.screenshot(path=Path(SCREENSHOT_DIR) / f"stats-desktop-{scheme}.png", full_page=True)
    assert watcher.console_errors == []


@pytest.mark.parametrize("javascript", [True, False])
async def test_a_visitor_reads_a_shared_list_and_gets_no_cookie(browser, live_server, javascript):
    owner = await new_page(browser, live_server, viewport=DESKTOP)
    await a_history(owner)
    await owner.goto("/watched")
    await owner.get_by_role("link", name="Share a link").click()
    await owner.get_by_label("Name its visitors see").fill("Ann's favourites")
    await owner.get_by_label("Include my reviews").check()
    await owner.get_by_role("button", name="Make a link").click()
    link = await owner.locator(".shown-once code").inner_text()
    assert await axe_violations(owner) == []

    visitor = await new_page(browser, live_server, javascript=javascript)
    watcher = Watcher(visitor, live_server.url)
    await visitor.goto(link)
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("Ann's favourites")
    await expect(visitor.locator(".shared-list")).to_contain_text("Heat")
    await expect(visitor.locator(".shared-list")).to_contain_text("The bank scene!")
    assert await visitor.context.cookies() == [], "a visitor is given no cookie"
    if javascript:  # axe is itself a script
        assert await axe_violations(visitor) == []
    assert await visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if SCREENSHOT_DIR and javascript:
        await visitor.screenshot(path=Path(SCREENSHOT_DIR) / "shared-phone-light.png", full_page=True)
    assert watcher.console_errors == [] and watcher.foreign_requests == []
