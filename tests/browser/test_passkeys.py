"""Passkeys in a real Chromium, with its virtual authenticator (CDP WebAuthn domain) standing in
for a phone or a security key: registering one, using it after the password, and signing in
with it alone. WebAuthn does not accept an IP address as the site, so the page is opened at
localhost."""

import re

import pytest_asyncio
from browser_support import Watcher, log_out, open_page, promote, register
from playwright.async_api import expect
from support import PASSWORD


@pytest_asyncio.fixture(loop_scope="session")  # the loop of the worker's Chromium
async def page_with_authenticator(browser, live_server):
    origin = live_server.url.replace("127.0.0.1", "localhost")
    page = await (await browser.new_context(base_url=origin)).new_page()
    page.set_default_timeout(10_000)
    watcher = Watcher(page, origin)
    await page.goto("/login")
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    added = await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield page, cdp, added["authenticatorId"]
    assert watcher.console_errors == [] and watcher.foreign_requests == []


async def add_passkey(page, name: str) -> list[str]:
    await page.goto("/account")
    await page.get_by_label("Name for this passkey").fill(name)
    await page.get_by_role("button", name="Add a passkey").click()
    await expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    await expect(page.locator("#flash")).to_contain_text(f"Passkey “{name}” added.")
    return await page.locator(".recovery-codes code").all_inner_texts()


async def test_a_passkey_is_added_then_asked_for_after_the_password(page_with_authenticator):
    page, cdp, authenticator = page_with_authenticator
    await register(page, "passkey.after.password@example.com")
    codes = await add_passkey(page, "Laptop")
    assert len(codes) == 10
    credentials = (await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator}))["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"], "a discoverable credential"
    await page.goto("/account")
    await expect(page.locator(".factor-name")).to_have_text(["Laptop"])
    await expect(page.locator(".factors")).to_contain_text("not used yet")

    await log_out(page)
    await page.get_by_label("Email").fill("passkey.after.password@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    await page.get_by_role("button", name="Use your passkey").click()
    await expect(page.locator("#flash")).to_contain_text("Welcome back, passkey.after.password@example.com!")
    await expect(page).to_have_url(re.compile(r"/$"))
    await page.goto("/account")
    await expect(page.locator(".factors")).to_contain_text("last used")
    await expect(page.locator(".events")).to_contain_text("Login (password and passkey “Laptop”)")


async def test_a_passkey_signs_in_on_its_own_and_is_removed_with_the_password(page_with_authenticator):
    page, _, _ = page_with_authenticator
    await register(page, "passkey.alone@example.com")
    await add_passkey(page, "Phone")
    await page.goto("/")
    await log_out(page)

    await page.get_by_role("button", name="Sign in with a passkey").click()
    await expect(page.locator("#flash")).to_contain_text("Welcome back, passkey.alone@example.com!")
    await page.goto("/account")
    await expect(page.locator(".events")).to_contain_text("Login (passkey “Phone”)")

    await page.get_by_label("Password to remove “Phone”").fill("not my password")
    await page.get_by_role("button", name="Remove").click()
    await expect(page.locator("#flash")).to_contain_text("That is not your current password.")
    await expect(page.locator(".factor-name")).to_have_text(["Phone"])
    await page.get_by_label("Password to remove “Phone”").fill(PASSWORD)
    await page.get_by_role("button", name="Remove").click()
    await expect(page.locator("#flash")).to_contain_text("Removed passkey “Phone”.")
    await expect(page.locator(".factor-name")).to_have_count(0)

    await page.goto("/")
    await log_out(page)
    await page.get_by_role("button", name="Sign in with a passkey").click()
    await expect(page.locator("#flash")).to_contain_text("That passkey is not registered with FlickList")
    await expect(page).to_have_url(re.compile(r"/login$"))


async def test_without_javascript_the_passkey_buttons_stay_hidden(browser, live_server):
    page, _ = await open_page(browser, live_server, javascript=False)
    await page.goto("/login")
    await expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_hidden()
    await expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()


async def test_an_admin_confirms_it_is_them_with_a_passkey(page_with_authenticator, live_server):
    page, _, _ = page_with_authenticator
    await register(page, "passkey.admin@example.com")
    await add_passkey(page, "Security key")
    promote(live_server, "passkey.admin@example.com")
    await page.goto("/admin/confirm")
    await page.get_by_role("button", name="Confirm with a passkey").click()
    await expect(page.locator("#flash")).to_contain_text("Thank you. For 10 minutes you can change accounts.")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Admin")
