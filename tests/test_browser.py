"""A person in a real browser (headless Chromium) against a live server: the HTMX journey
without page reloads, the same journey with JavaScript off, and nothing leaving the site."""

import re
from itertools import count

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, LiveServer, require_chromium
from playwright.async_api import Page, async_playwright, expect
from support import PASSWORD

emails = (f"viewer{number}@example.com" for number in count())


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    require_chromium()
    from conftest import POSTGRES_URL

    database_url = POSTGRES_URL or f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('live') / 'flicklist.sqlite3'}"
    server = LiveServer(database_url, extra_env={"FLICKLIST_MIGRATE_ON_START": "1"})
    yield server
    server.stop()


@pytest.fixture
async def browser():
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


# Chromium logs every 4xx answer as a console error. A 422 is the app's deliberate answer to a
# refused form (the form comes back with the error beside the field), so that one note is expected.
REFUSED_FORM_NOTE = "the server responded with a status of 422"


class Watcher:
    """Collects what a user would not want: console errors and requests to other origins."""

    def __init__(self, page: Page, origin: str) -> None:
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", lambda request: request.url.startswith(origin) or self.foreign_requests.append(request.url))

    def on_console(self, message) -> None:
        if message.type == "error" and REFUSED_FORM_NOTE not in message.text:
            self.console_errors.append(message.text)


async def open_page(browser, live_server, javascript: bool = True) -> tuple[Page, Watcher]:
    context = await browser.new_context(java_script_enabled=javascript, base_url=live_server.url)
    page = await context.new_page()
    return page, Watcher(page, live_server.url)


async def mark_window(page: Page) -> None:
    await page.evaluate("window.stillTheSamePage = true")


async def assert_no_reload(page: Page) -> None:
    assert await page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"


async def register(page: Page, email: str) -> None:
    await page.goto("/register")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page.locator("#flash")).to_contain_text("Welcome to FlickList")


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
    await expect(page.locator("#watchlist")).not_to_contain_text("Heat")
    await expect(page.locator("#flash")).to_contain_text("Crossed off 'Heat'")
    await page.get_by_role("button", name="Delete Alien").click()
    await expect(page.locator("#watchlist")).not_to_contain_text("Alien")
    await expect(page.locator("#flash")).to_contain_text("Deleted 'Alien'.")
    await expect(page.locator("#watchlist .empty")).to_be_visible()
    await assert_no_reload(page)
    await expect(page).to_have_url(f"{live_server.url}/")  # the rows' boosted posts leave the address alone

    await page.get_by_role("link", name="Watched").click()
    await mark_window(page)
    await page.locator("label[for$='-4']").click()
    await expect(page.locator("#flash")).to_contain_text("Rated 'Heat' 4 out of 5.")
    await expect(page.locator("input[name=rating][value='4']")).to_be_checked()
    await assert_no_reload(page)
    await expect(page).to_have_url(f"{live_server.url}/watched")
    await page.reload()
    await expect(page.locator("input[name=rating][value='4']")).to_be_checked()

    await page.get_by_role("button", name="Log out").click()
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
    message = "Trust me, you don't want to add 'Gigli' to your Watchlist"
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
    await page.locator("label[for$='-5']").click()
    await page.get_by_role("button", name="Rate").click()
    await expect(page.locator("#flash")).to_contain_text("Rated 'Heat' 5 out of 5.")
    await page.get_by_role("button", name=re.compile("Delete Heat")).click()
    await expect(page.locator("#flash")).to_contain_text("Deleted 'Heat'.")
    await page.get_by_role("button", name="Log out").click()
    await expect(page.locator("#flash")).to_contain_text("You have been logged out.")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("wrong password, fifteen+")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator("#flash")).to_contain_text("Email or password is incorrect.")
    await expect(page.get_by_label("Email")).to_have_value(email)
    assert watcher.foreign_requests == []
