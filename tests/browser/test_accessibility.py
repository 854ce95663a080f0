"""Accessibility in a real browser: axe-core finds nothing on any page in light or dark mode,
focus lands somewhere sensible after a swap, undo works, and no focus ring goes around the whole
page when a status refreshes itself. How pages look on a phone, and the README's screenshots:
test_looks.py."""

import re
from pathlib import Path

import pyotp
from browser_support import (
    DESKTOP,
    FILM_PAGE,
    LOG_FORM,
    PHONE,
    SCHEMES,
    SCREENSHOT_DIR,
    assert_no_reload,
    axe_violations_light_and_dark,
    emails,
    log_out,
    mark_window,
    promote,
    register,
)
from playwright.async_api import expect
from support import PASSWORD


async def new_page(browser, live_server, viewport=DESKTOP, bypass_csp=False):
    context = await browser.new_context(base_url=live_server.url, viewport=viewport, bypass_csp=bypass_csp)
    return await context.new_page()


async def fill_a_list(page) -> str:
    """A user with two movies to watch and one watched, rated 4; their email."""
    email = next(emails)
    await register(page, email)
    for title in ("Heat", "Alien", "The Third Man"):
        await page.get_by_label("Movie title").fill(title)
        await page.get_by_role("button", name="Add to watchlist").click()
        await expect(page.locator("#watchlist")).to_contain_text(title)
    await page.get_by_role("button", name="I watched it! (Heat)").click()
    await expect(page.locator("#watchlist li.movie", has_text="Heat")).to_have_count(0)
    await page.goto("/watched")
    await page.locator("label[for$='-8']").click()
    await expect(page.locator("input[name=rating][value='4']")).to_be_checked()
    return email


async def turn_on_an_authenticator_app(page) -> None:
    """Scan (read the key off the page), type the code; ends on the recovery codes page."""
    await page.goto("/account/totp")
    secret = await page.locator("code.secret").inner_text()
    await page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Turn on").click()
    await expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()


async def test_every_page_passes_axe_core_in_light_and_dark(browser, live_server):
    page = await new_page(browser, live_server, bypass_csp=True)
    email = await fill_a_list(page)
    pages = {}
    paths = ("/", "/watched", "/account", "/account/media-servers", "/no-such-page", "/account/totp", "/pick")
    for path in (*paths, "/pick?genre=Western"):
        await page.goto(path)
        pages[path] = await axe_violations_light_and_dark(page)
    await page.goto("/watched?sort=title&rated=yes")
    await page.get_by_label("Tick Heat").check()
    await page.locator(".account-menu summary").click()
    pages["/watched sorted, filtered, a row ticked, the menu open"] = await axe_violations_light_and_dark(page)
    await page.goto("/watched")
    await page.get_by_role("link", name="Heat", exact=True).click()
    await page.wait_for_url(FILM_PAGE)
    pages["a film's own page"] = await axe_violations_light_and_dark(page)
    await page.get_by_role("link", name="Log a viewing").click()
    await page.wait_for_url(LOG_FORM)
    await page.locator("label[for='rating-log-7']").click()
    await page.get_by_label("Review").fill("Better the second time.\nThe bank scene!")
    pages["the log form"] = await axe_violations_light_and_dark(page)
    await page.get_by_role("button", name="Log it").click()
    await expect(page.locator(".review")).to_contain_text("The bank scene!")
    pages["a film's page with a review"] = await axe_violations_light_and_dark(page)
    await page.goto("/diary")
    pages["/diary"] = await axe_violations_light_and_dark(page)
    await page.goto("/account")
    watched = b"Date,Name,Year,Letterboxd URI\n2024-01-01,Brazil,,x\n"
    await page.get_by_label("Import a history").set_input_files(
        {"name": "watched.csv", "mimeType": "text/csv", "buffer": watched}
    )
    await page.get_by_role("button", name="Upload and preview").click()
    await expect(page.get_by_role("heading", name="What importing will do")).to_be_visible()
    pages["an import's preview"] = await axe_violations_light_and_dark(page)
    await turn_on_an_authenticator_app(page)
    pages["recovery codes"] = await axe_violations_light_and_dark(page)
    await page.goto("/account")
    pages["/account with a second factor"] = await axe_violations_light_and_dark(page)
    await page.goto("/")
    await page.get_by_label("Movie title").fill("Gigli")
    await page.get_by_role("button", name="Add to watchlist").click()
    await expect(page.locator("#title-error")).to_be_visible()
    pages["/ with an error"] = await axe_violations_light_and_dark(page)
    await log_out(page)
    await expect(page).to_have_url(f"{live_server.url}/login")
    for path in ("/login", "/register", "/password/forgot"):
        await page.goto(path)
        pages[path] = await axe_violations_light_and_dark(page)
    await page.goto("/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    pages["/login/verify"] = await axe_violations_light_and_dark(page)
    assert {path: found for path, found in pages.items() if found} == {}


async def test_focus_lands_on_the_add_field_after_adding_on_the_field_after_an_error_then_the_heading(
    browser, live_server
):
    page = await new_page(browser, live_server)
    await register(page, next(emails))
    await page.get_by_label("Movie title").fill("Heat")
    await page.get_by_label("Movie title").press("Enter")
    await expect(page.locator("#watchlist")).to_contain_text("Heat")
    await expect(page.get_by_label("Movie title")).to_be_focused()
    await page.get_by_label("Movie title").fill("Starship Troopers")
    await page.get_by_label("Movie title").press("Enter")
    await expect(page.get_by_label("Movie title")).to_be_focused()
    await expect(page.get_by_label("Movie title")).to_have_accessible_description(re.compile("Trust me"))
    await page.get_by_role("button", name="I watched it! (Heat)").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#watchlist li.movie", has_text="Heat")).to_have_count(0)
    await expect(page.get_by_role("heading", name="Your watchlist")).to_be_focused(), "the list is empty now"


async def test_undo_brings_back_a_crossed_off_or_deleted_movie_without_a_reload(browser, live_server):
    page = await new_page(browser, live_server)
    await register(page, next(emails))
    await mark_window(page)
    await page.get_by_label("Movie title").fill("Heat")
    await page.get_by_role("button", name="Add to watchlist").click()
    await page.get_by_role("button", name="I watched it! (Heat)").click()
    await expect(page.locator("#watchlist li.movie", has_text="Heat")).to_have_count(0)
    await page.locator("#flash").get_by_role("button", name="Undo").click()
    await expect(page.locator("#watchlist li.movie", has_text="Heat")).to_have_count(1)
    await expect(page.locator("#flash")).to_contain_text("Put 'Heat' back on your watchlist.")
    await page.get_by_role("button", name="Delete Heat").click()
    await expect(page.locator("#watchlist li.movie", has_text="Heat")).to_have_count(0)
    await page.locator("#flash").get_by_role("button", name="Undo").click()
    await expect(page.locator("#watchlist li.movie", has_text="Heat")).to_have_count(1)
    await expect(page.locator("#flash")).to_contain_text("'Heat' is back.")
    await assert_no_reload(page)


async def test_undoing_the_delete_of_a_watched_movie_keeps_its_rating(browser, live_server):
    page = await new_page(browser, live_server)
    await fill_a_list(page)
    await page.get_by_role("button", name="Delete Heat").click()
    await expect(page.locator("#watched li.movie", has_text="Heat")).to_have_count(0)
    await page.locator("#flash").get_by_role("button", name="Undo").click()
    # The row itself: the Undo row in its place names the film too, before Undo is done.
    await expect(page.locator("#watched li.movie", has_text="Heat")).to_have_count(1)
    await page.reload()
    await expect(page.locator("input[name=rating][value='4']")).to_be_checked()


async def test_the_admin_pages_pass_axe_core_and_fit_a_phone(browser, live_server):
    await fill_a_list(await new_page(browser, live_server))  # someone to manage
    page = await new_page(browser, live_server, viewport=PHONE, bypass_csp=True)
    promote(live_server, await fill_a_list(page))
    await page.goto("/admin")
    await page.get_by_role("button", name="Make an invitation link").click()
    await expect(page.locator(".shown-once")).to_be_visible()
    await page.locator(".account-actions summary").first.click()
    found = {"/admin": await axe_violations_light_and_dark(page)}
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "/admin"
    if SCREENSHOT_DIR:
        for scheme in SCHEMES:
            await page.emulate_media(color_scheme=scheme)
            await page.screenshot(path=Path(SCREENSHOT_DIR) / f"admin-phone-{scheme}.png", full_page=True)
    await page.goto("/admin/confirm")
    found["/admin/confirm"] = await axe_violations_light_and_dark(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "/admin/confirm"
    assert {path: violations for path, violations in found.items() if violations} == {}


LETTERBOXD_WATCHED = "Date,Name,Year,Letterboxd URI\n2024-01-05,Heat,1995,https://boxd.it/2bg8\n"


async def test_a_status_that_refreshes_itself_leaves_focus_alone(browser, live_server, tmp_path):
    page = await new_page(browser, live_server, viewport=PHONE)
    await register(page, "keyboard.user@example.com")
    export = tmp_path / "watched.csv"
    export.write_text(LETTERBOXD_WATCHED)
    await page.goto("/account")
    await page.get_by_label("Import a history").set_input_files(export)
    await page.get_by_role("button", name="Upload and preview").press("Enter")
    await expect(page.locator("#import-status")).to_contain_text("What importing will do")
    # What the running import's page does every half second: its status, fetched and swapped in.
    await page.evaluate("htmx.ajax('GET', location.pathname, {target: '#import-status', swap: 'outerHTML'})")
    await expect(page.locator("#import-status")).to_contain_text("What importing will do")
    await page.wait_for_timeout(200)  # past the settle delay after which focus would be placed
    assert await page.evaluate("document.activeElement === document.body"), "focus was not moved"
    await page.locator("#main").focus()
    assert await page.eval_on_selector("#main", "main => getComputedStyle(main).outlineStyle") == "none"
