"""In Chromium, with JavaScript and without: signing up on an instance that confirms addresses
(FLICKLIST_VERIFY_EMAIL), the link read from a real SMTP server, then the first login; and
“Forgot your password?” from the login page to a new password."""

import pytest
from browser_support import LiveServer, emails, open_page
from playwright.async_api import expect
from smtp_server import SMTPServer, link_in, wait_for_mail
from support import PASSWORD, live_database_url

NEW_PASSWORD = "a new passphrase from the mail"


@pytest.fixture(scope="module")
def smtp_server():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def confirming_server(tmp_path_factory, smtp_server):
    """A live server that mails through `smtp_server` and confirms new accounts' addresses."""
    env = {
        "FLICKLIST_MIGRATE_ON_START": "1",
        "FLICKLIST_SIGNUPS_PER_HOUR": "0",
        "FLICKLIST_SMTP_URL": smtp_server.url,
        "FLICKLIST_MAIL_FROM": "FlickList <flicklist@example.org>",
        "FLICKLIST_VERIFY_EMAIL": "true",
        "FLICKLIST_PUBLIC_ORIGIN": "http://127.0.0.1:{port}",
    }
    server = LiveServer(live_database_url(tmp_path_factory, "addresses"), extra_env=env)
    yield server
    server.stop()


async def sign_up_and_confirm(page, confirming_server, inbox, email: str) -> None:
    await page.goto("/register")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page.locator("#flash")).to_contain_text(f"A link is on its way to {email}.")
    await expect(page).to_have_url(f"{confirming_server.url}/email/unverified")
    await expect(page.get_by_role("button", name="Send the link again")).to_be_visible()

    await page.goto(link_in(await wait_for_mail(inbox, email)))
    await expect(page).to_have_url(f"{confirming_server.url}/email/confirm")
    await page.get_by_role("button", name=f"Confirm {email}").click()
    await expect(page.locator("#flash")).to_contain_text(f"Thank you: {email} is confirmed. Log in to start.")


async def log_in(page, email: str, password: str) -> None:
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator("#flash")).to_contain_text(f"Welcome back, {email}!")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_signing_up_confirms_the_address_before_the_first_login(
    browser, confirming_server, smtp_server, javascript
):
    page, watcher = await open_page(browser, confirming_server, javascript=javascript)
    email = next(emails)
    await sign_up_and_confirm(page, confirming_server, smtp_server.inbox, email)
    await expect(page).to_have_url(f"{confirming_server.url}/login")
    await log_in(page, email, PASSWORD)
    await expect(page).to_have_url(f"{confirming_server.url}/")
    assert watcher.console_errors == []
    assert watcher.foreign_requests == []


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_a_forgotten_password_is_set_again_from_the_mailed_link(
    browser, confirming_server, smtp_server, javascript
):
    page, watcher = await open_page(browser, confirming_server, javascript=javascript)
    email = next(emails)
    await sign_up_and_confirm(page, confirming_server, smtp_server.inbox, email)
    await page.get_by_role("link", name="Forgot your password?").click()
    await expect(page).to_have_url(f"{confirming_server.url}/password/forgot")  # its Email, not the login page's
    await page.get_by_label("Email").fill(email)
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.locator("#flash")).to_contain_text("If an account uses that address, a link")
    await expect(page).to_have_url(f"{confirming_server.url}/login")

    await page.goto(link_in(await wait_for_mail(smtp_server.inbox, email, count=2)))
    await expect(page).to_have_url(f"{confirming_server.url}/password/reset")
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("New password again").fill("not the same passphrase")
    await page.get_by_role("button", name="Set my new password").click()
    await expect(page.locator("#flash")).to_contain_text("Passwords did not match.")
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("New password again").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Set my new password").click()
    await expect(page.locator("#flash")).to_contain_text("Your new password is set")
    await expect(page).to_have_url(f"{confirming_server.url}/login")
    await log_in(page, email, NEW_PASSWORD)
    assert watcher.console_errors == []
    assert watcher.foreign_requests == []
