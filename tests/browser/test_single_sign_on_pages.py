"""Single sign-on in Chromium: the button on the login page, the provider's own login form
(oidc-provider-mock on 127.0.0.1), and back on FlickList logged in; then linking a password
account from its page. The page's CSP lets the form lead to the provider and nowhere else."""

import pytest
from browser_support import LiveServer, Watcher, log_out, register
from oidc_provider import running_provider, set_claims
from playwright.async_api import expect
from support import live_database_url


@pytest.fixture(scope="module")
def provider():
    with running_provider() as issuer:
        yield issuer


@pytest.fixture(scope="module")
def sign_on_server(tmp_path_factory, provider):
    env = {
        "FLICKLIST_MIGRATE_ON_START": "1",
        "FLICKLIST_SIGNUPS_PER_HOUR": "0",
        "FLICKLIST_OIDC_ISSUER": provider,
        "FLICKLIST_OIDC_CLIENT_ID": "flicklist",
        "FLICKLIST_OIDC_CLIENT_SECRET": "a client secret",
        "FLICKLIST_OIDC_NAME": "Authelia",
    }
    server = LiveServer(live_database_url(tmp_path_factory, "sign_on"), extra_env=env)
    yield server
    server.stop()


async def sign_in_at_provider(page, subject: str) -> None:
    """The provider's page: its subject field and Authorize button, as a person uses them."""
    await page.get_by_placeholder("sub").fill(subject)
    await page.get_by_role("button", name="Authorize").click()


@pytest.fixture
async def page(browser, sign_on_server, provider):
    page = await (await browser.new_context(base_url=sign_on_server.url)).new_page()
    page.set_default_timeout(10_000)
    # The provider's own page asks a CDN this machine cannot reach: only FlickList's pages count.
    ours = []
    page.on("console", lambda message: message.type == "error" and on_flicklist(message, sign_on_server, ours))
    watcher = Watcher(page, sign_on_server.url)
    yield page
    assert ours == []
    assert all(url.startswith(provider) for url in watcher.foreign_requests if url.startswith("http://127.0.0.1"))


# Chromium logs every 4xx as a console error; a refused sign-in's 409 is the app's deliberate answer.
REFUSED_SIGN_IN_NOTE = "the server responded with a status of 409"


def on_flicklist(message, server, errors: list[str]) -> None:
    if message.location.get("url", "").startswith(server.url) and REFUSED_SIGN_IN_NOTE not in message.text:
        errors.append(message.text)


async def test_a_first_sign_in_through_the_provider_makes_an_account(page, provider):
    set_claims(provider, "browser-alice", email="alice.browser@example.com", email_verified=True)
    await page.goto("/login")
    await page.get_by_role("button", name="Sign in with Authelia").click()
    await sign_in_at_provider(page, "browser-alice")
    await expect(page.locator("#flash")).to_contain_text("Welcome to FlickList, alice.browser@example.com!")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your watchlist")
    await log_out(page)
    await page.get_by_role("button", name="Sign in with Authelia").click()
    await sign_in_at_provider(page, "browser-alice")
    await expect(page.locator("#flash")).to_contain_text("Welcome back, alice.browser@example.com!")


async def test_a_password_account_links_the_provider_from_its_account_page(page, provider):
    set_claims(provider, "browser-bob", email="bob.elsewhere@example.com", email_verified=True)
    await register(page, "bob.browser@example.com")
    await page.goto("/account")
    await page.get_by_role("button", name="Link Authelia").click()
    await sign_in_at_provider(page, "browser-bob")
    await expect(page.locator("#flash")).to_contain_text("Linked: you can now sign in with Authelia.")
    await log_out(page)
    await page.get_by_role("button", name="Sign in with Authelia").click()
    await sign_in_at_provider(page, "browser-bob")
    await expect(page.locator("#flash")).to_contain_text("Welcome back, bob.browser@example.com!")


async def test_a_provider_account_with_a_matching_unverified_email_is_not_let_in(page, provider):
    await register(page, "carol.browser@example.com")
    await log_out(page)
    set_claims(provider, "browser-mallory", email="carol.browser@example.com", email_verified=False)
    await page.get_by_role("button", name="Sign in with Authelia").click()
    await sign_in_at_provider(page, "browser-mallory")
    await expect(page.locator("main")).to_contain_text(
        "A FlickList account with carol.browser@example.com exists already, and it is not linked to Authelia."
    )
    await page.goto("/")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log in to FlickList")
