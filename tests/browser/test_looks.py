"""How pages look in a real browser: the layout fits a phone, dark mode follows the system, the
README's screenshots are taken here, and what a new user hit on a phone: a Watched row's buttons
kept together without JavaScript, the date field like every other field, sign-in addresses
whole. Apart from test_accessibility.py so that --dist loadscope runs the two side by side."""

from pathlib import Path

from browser_support import DESKTOP, FILM_PAGE, LOG_FORM, PHONE, SCHEMES, SCREENSHOT_DIR, log_out
from playwright.async_api import expect
from support import PASSWORD
from test_accessibility import fill_a_list, new_page


async def test_pages_fit_a_360_pixel_phone_without_sideways_scrolling(browser, live_server):
    page = await new_page(browser, live_server, viewport=PHONE)
    await fill_a_list(page)
    long_title = "Supercalifragilistic" * 8  # 160 characters, no space to break at
    await page.goto("/")
    await page.get_by_label("Movie title").fill(long_title)
    await page.get_by_role("button", name="Add to watchlist").click()
    await expect(page.locator("#flash")).to_contain_text("Added 'Supercalifragilistic")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the banner"
    await page.goto("/watched")
    await page.get_by_role("link", name="Heat", exact=True).click()
    await expect(page).to_have_url(FILM_PAGE)
    film_page, log_form = page.url, await page.get_by_role("link", name="Log a viewing").get_attribute("href")
    for path in ("/", "/watched", "/diary", film_page, log_form, "/account", "/account/totp", "/pick"):
        await page.goto(path)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path


async def test_dark_mode_follows_the_system_setting(browser, live_server):
    backgrounds = {}
    page = await new_page(browser, live_server)
    for scheme in SCHEMES:
        await page.emulate_media(color_scheme=scheme)
        await page.goto("/login")
        backgrounds[scheme] = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds["light"] != backgrounds["dark"]


async def shoot(page, folder: Path, name: str) -> None:
    """The page as it stands on a phone and a desktop, light and dark: `<name>-<width>-<scheme>.png`."""
    for width_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        await page.set_viewport_size(viewport)
        for scheme in SCHEMES:
            await page.emulate_media(color_scheme=scheme)
            await page.screenshot(path=folder / f"{name}-{width_name}-{scheme}.png", full_page=True)


async def test_screenshots_of_the_main_pages(browser, live_server, tmp_path):
    """`make screenshots` sets FLICKLIST_SCREENSHOT_DIR=docs/screenshots to refresh the README's."""
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page = await new_page(browser, live_server)
    await fill_a_list(page)
    for name, path in (("watchlist", "/"), ("watched", "/watched"), ("pick", "/pick"), ("account", "/account")):
        await page.goto(path)
        await shoot(page, folder, name)
    await page.goto("/?sort=title")
    await page.get_by_label("Tick Alien").check()
    await shoot(page, folder, "sorted")
    await page.goto("/watched")
    await page.get_by_role("link", name="Heat", exact=True).click()
    await page.get_by_role("link", name="Log a viewing").click()
    await page.get_by_label("Date watched").fill("2025-11-02")
    await page.locator("label[for='rating-log-7']").click()
    await page.get_by_label("Review").fill("Better the second time.\nThe bank scene still hits hard.")
    await page.get_by_label("Tags").fill("crime, rewatch night")
    await page.get_by_role("button", name="Log it").click()
    await page.wait_for_url(FILM_PAGE)
    await shoot(page, folder, "film")
    await page.goto("/diary")
    await shoot(page, folder, "diary")
    await page.goto("/account")
    await page.get_by_label("Import a history").set_input_files(
        {
            "name": "watched.csv",
            "mimeType": "text/csv",
            "buffer": b"Date,Name,Year,Letterboxd URI\n2024-01-01,Brazil,,x",
        }
    )
    await page.get_by_role("button", name="Upload and preview").click()
    await expect(page.get_by_role("heading", name="What importing will do")).to_be_visible()
    await shoot(page, folder, "import")
    await log_out(page)
    await expect(page.locator("#flash")).to_contain_text("You have been logged out.")
    await shoot(page, folder, "login")
    await page.goto("/register")
    await page.get_by_label("Email").fill("new@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD + "?")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.locator("#password-error")).to_be_visible()
    await shoot(page, folder, "register")
    # test_combobox's, the admin test's and test_share_and_stats_pages' are taken apart.
    others = ("search-", "admin-", "stats-", "shared-")
    shots = [shot for shot in folder.glob("*.png") if not shot.name.startswith(others)]
    assert len(shots) == 40 and all(shot.stat().st_size > 5000 for shot in shots)


async def tops(locator) -> set[float]:
    return {round((await locator.nth(n).bounding_box())["y"]) for n in range(await locator.count())}


async def test_a_watched_rows_buttons_stay_on_one_line_on_a_phone_without_javascript(browser, live_server):
    page = await new_page(browser, live_server, viewport=PHONE)
    email = await fill_a_list(page)
    context = await browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    await context.add_cookies(await page.context.cookies())
    no_script = await context.new_page()
    await no_script.goto("/watched")
    row = no_script.locator("li.movie", has_text="Heat")
    await expect(row.get_by_role("button", name="Rate")).to_be_visible()
    buttons = row.locator(".row-buttons > *")
    assert await buttons.count() == 4, email
    assert len(await tops(buttons)) == 1, "Like, Log again, Put back and Delete side by side"


async def test_the_log_forms_date_field_looks_like_its_other_fields(browser, live_server):
    page = await new_page(browser, live_server, viewport=PHONE)
    await fill_a_list(page)
    await page.goto("/watched")
    await page.get_by_role("link", name="Log again (Heat)").click()
    await page.wait_for_url(LOG_FORM)  # loaded: its styles are what is compared

    def looks(selector: str):
        return page.eval_on_selector(
            selector,
            "field => { const s = getComputedStyle(field);"
            " return [s.borderTopWidth, s.borderTopColor, s.paddingLeft, s.borderRadius, field.offsetWidth]; }",
        )

    assert await looks("#watched_on") == await looks("#tags")


async def test_a_sign_in_address_is_never_broken_inside_a_number_on_a_phone(browser, live_server):
    page = await new_page(browser, live_server, viewport=PHONE)
    email = await fill_a_list(page)
    await page.context.clear_cookies()
    await page.goto("/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page.locator("#flash")).to_contain_text("Welcome back")
    await page.goto("/account")
    address = page.locator("tr.event td").last
    await expect(address).to_have_text("127.0.0.1")
    lines = await address.evaluate(
        "cell => { const range = document.createRange(); range.selectNodeContents(cell);"
        " return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size; }"
    )
    assert lines == 1
