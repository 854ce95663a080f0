"""Single sign-on in Chromium: the button on the login page, the provider's own login form
(oidc-provider-mock on 127.0.0.1), and back on FlickList logged in; linking a password
account from its page; and what must be refused (a matching unverified email, sign-up closed,
a tampered state, a replayed code, a wrong nonce). The page's CSP lets the form lead to the
provider and nowhere else."""

import pytest
import pytest_asyncio
from browser_support import LiveServer, Watcher, log_out, register
from oidc_provider import running_provider, set_claims, with_query
from playwright.async_api import expect
from support import live_database_url


@pytest.fixture(scope="module")
def provider():
    with running_provider() as issuer:
        yield issuer


def server_signing_on_with(provider: str, database_url: str, **settings: str) -> LiveServer:
    env = {
        "FLICKLIST_MIGRATE_ON_START": "1",
        "FLICKLIST_SIGNUPS_PER_HOUR": "0",
        "FLICKLIST_OIDC_ISSUER": provider,
        "FLICKLIST_OIDC_CLIENT_ID": "flicklist",
        "FLICKLIST_OIDC_CLIENT_SECRET": "a client secret",
        "FLICKLIST_OIDC_NAME": "Authelia",
        **settings,
    }
    return LiveServer(database_url, extra_env=env)


@pytest.fixture(scope="module")
def sign_on_server(tmp_path_factory, provider):
    server = server_signing_on_with(provider, live_database_url(tmp_path_factory, "sign_on"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory, provider):
    database_url = live_database_url(tmp_path_factory, "sign_on_closed")
    server = server_signing_on_with(provider, database_url, FLICKLIST_REGISTRATION="closed")
    yield server
    server.stop()


async def sign_in_at_provider(page, subject: str) -> None:
    """The provider's page: its subject field and Authorize button, as a person uses them."""
    await page.get_by_placeholder("sub").fill(subject)
    await page.get_by_role("button", name="Authorize").click()


async def sign_in_with_authelia(page, subject: str) -> None:
    """From FlickList's login page: its button, then the provider's page as `subject`."""
    await page.get_by_role("button", name="Sign in with Authelia").click()
    await sign_in_at_provider(page, subject)


async def assert_logged_out(page) -> None:
    await page.goto("/")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log in to FlickList")


async def watched_page(browser, server, provider):
    page = await (await browser.new_context(base_url=server.url)).new_page()
    page.set_default_timeout(10_000)
    # The provider's own page asks a CDN this machine cannot reach: only FlickList's pages count.
    ours = []
    page.on("console", lambda message: message.type == "error" and on_flicklist(message, server, ours))
    watcher = Watcher(page, server.url)
    yield page
    assert ours == []
    assert all(url.startswith(provider) for url in watcher.foreign_requests if url.startswith("http://127.0.0.1"))


@pytest_asyncio.fixture(loop_scope="session")  # the loop of the worker's Chromium
async def page(browser, sign_on_server, provider):
    async for page in watched_page(browser, sign_on_server, provider):
        yield page


@pytest_asyncio.fixture(loop_scope="session")  # the loop of the worker's Chromium
async def page_on_closed(browser, closed_server, provider):
    async for page in watched_page(browser, closed_server, provider):
        yield page


# Chromium logs every 4xx as a console error; a refused sign-in's is the app's deliberate answer.
REFUSED_SIGN_IN_NOTES = tuple(f"the server responded with a status of {status}" for status in (400, 403, 409))


def on_flicklist(message, server, errors: list[str]) -> None:
    refused = any(note in message.text for note in REFUSED_SIGN_IN_NOTES)
    if message.location.get("url", "").startswith(server.url) and not refused:
        errors.append(message.text)


async def test_a_first_sign_in_through_the_provider_makes_an_account(page, provider):
    set_claims(provider, "browser-alice", email="alice.browser@example.com", email_verified=True)
    await page.goto("/login")
    await sign_in_with_authelia(page, "browser-alice")
    await expect(page.locator("#flash")).to_contain_text("Welcome to FlickList, alice.browser@example.com!")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your watchlist")
    await log_out(page)
    await sign_in_with_authelia(page, "browser-alice")
    await expect(page.locator("#flash")).to_contain_text("Welcome back, alice.browser@example.com!")


async def test_a_password_account_links_the_provider_from_its_account_page(page, provider):
    set_claims(provider, "browser-bob", email="bob.elsewhere@example.com", email_verified=True)
    await register(page, "bob.browser@example.com")
    await page.goto("/account")
    await page.get_by_role("button", name="Link Authelia").click()
    await sign_in_at_provider(page, "browser-bob")
    await expect(page.locator("#flash")).to_contain_text("Linked: you can now sign in with Authelia.")
    await log_out(page)
    await sign_in_with_authelia(page, "browser-bob")
    await expect(page.locator("#flash")).to_contain_text("Welcome back, bob.browser@example.com!")


async def test_a_provider_account_with_a_matching_unverified_email_is_not_let_in(page, provider):
    await register(page, "carol.browser@example.com")
    await log_out(page)
    set_claims(provider, "browser-mallory", email="carol.browser@example.com", email_verified=False)
    await sign_in_with_authelia(page, "browser-mallory")
    await expect(page.locator("main")).to_contain_text(
        "A FlickList account with carol.browser@example.com exists already, and it is not linked to Authelia."
    )
    await assert_logged_out(page)


async def test_closed_sign_up_refuses_a_first_sign_in(page_on_closed, provider):
    set_claims(provider, "browser-newcomer", email="newcomer.browser@example.com", email_verified=True)
    await page_on_closed.goto("/login")
    await sign_in_with_authelia(page_on_closed, "browser-newcomer")
    await expect(page_on_closed.locator("main")).to_contain_text("sign-up is closed here")
    await assert_logged_out(page_on_closed)


@pytest.mark.parametrize("tampering", ["state", "nonce"])
async def test_a_tampered_state_or_nonce_logs_nobody_in(page, provider, tampering):
    """The address the sign-in button leads to, changed on its way to the provider: a state
    this browser was never given comes back, or an ID token carries a nonce it never sent."""
    set_claims(provider, f"browser-{tampering}", email=f"{tampering}.browser@example.com", email_verified=True)
    await page.goto("/login")
    token = await page.locator('meta[name="csrf-token"]').get_attribute("content")
    leaving = await page.request.post("/login/oidc", form={"csrf_token": token}, max_redirects=0)
    await page.goto(with_query(leaving.headers["location"], **{tampering: "changed-on-the-way"}))
    await sign_in_at_provider(page, f"browser-{tampering}")
    await expect(page.locator("main")).to_contain_text("Signing in with Authelia did not work")
    await assert_logged_out(page)


async def test_a_code_used_once_cannot_be_used_again(page, provider):
    set_claims(provider, "browser-replay", email="replay.browser@example.com", email_verified=True)
    callbacks = []
    page.on("request", lambda request: "/login/oidc/callback?" in request.url and callbacks.append(request.url))
    await page.goto("/login")
    await sign_in_with_authelia(page, "browser-replay")
    await expect(page.locator("#flash")).to_contain_text("Welcome to FlickList, replay.browser@example.com!")
    await log_out(page)
    await page.goto(callbacks[0])
    await expect(page.locator("main")).to_contain_text("Signing in with Authelia did not work")
    await assert_logged_out(page)
