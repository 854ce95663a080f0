"""The session cookie shows nothing to whoever holds it: at each step that keeps something in
the session (a welcome naming the account, a typed email, an authenticator secret, a link
shown once, an admin's note about another account, single sign-on's state), the cookie
decoded every way a reader would try holds none of it."""

import base64
import re
from contextlib import suppress

import pytest
from httpx import ASGITransport, AsyncClient
from oidc_provider import running_provider
from support import Visitor

# Every session holds its CSRF token under this name: readable, it shows the cookie is plain JSON.
SESSION_KEY = '"csrf"'


def readable(cookie: str) -> str:
    """What a cookie shows without the server's key: itself and each dot-separated part
    base64-decoded (itsdangerous's and Starlette's formats put the data in the first)."""
    texts = [cookie]
    for part in cookie.split("."):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            with suppress(ValueError):
                texts.append(decode(part + "=" * (-len(part) % 4)).decode("utf-8", "replace"))
    return "\n".join(texts)


class CookieWatch:
    """The steps of a story after which the cookie showed something it must not."""

    def __init__(self, visitor: Visitor) -> None:
        self.visitor = visitor
        self.leaks: list[str] = []

    def check(self, step: str, *secrets: str) -> None:
        shown = readable(self.visitor.client.cookies["flicklist_session"])
        self.leaks += [f"{step}: {secret}" for secret in (SESSION_KEY, *secrets) if secret in shown]


async def test_the_cookie_shows_nothing_through_sign_up_log_in_and_second_factors(make_visitor):
    ann = await make_visitor()
    watch = CookieWatch(ann)
    await ann.register("ann@example.com")
    watch.check("welcome after sign-up", "ann@example.com")
    await ann.get("/")
    await ann.logout()
    await ann.login("ann@example.com", password="not my password")
    watch.check("email kept after a failed login", "ann@example.com")
    await ann.get("/login")
    await ann.login("ann@example.com")
    watch.check("welcome back", "ann@example.com")

    setup = (await ann.get("/account/totp")).text
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', setup).group(1)
    watch.check("authenticator app being set up", secret)
    await ann.client.post("/account/passkeys/options", headers={"X-CSRF-Token": ann.csrf_token})
    watch.check("passkey being added", "ann@example.com")
    assert watch.leaks == []


async def test_the_cookie_shows_no_link_shown_once_and_no_admins_note(user, make_visitor):
    watch = CookieWatch(user)
    bob = await make_visitor()
    await bob.register("bob@example.com")
    admin_page = (await user.get("/admin")).text
    bob_id = re.search(r'action="/admin/users/(\d+)/disable"', admin_page).group(1)
    await user.post(f"/admin/users/{bob_id}/disable")
    watch.check("admin's flash about another account", "bob@example.com")

    await user.post("/admin/invitations", {"days": "7", "uses": "1"})
    cookie = user.client.cookies["flicklist_session"]
    invitation = re.search(r"invite=([^<\s\"]+)", (await user.get("/admin")).text).group(1)
    assert invitation not in readable(cookie) and SESSION_KEY not in readable(cookie), "invitation link"

    await user.post("/share", {"list": "watchlist", "name": "Ann's films", "expires": ""})
    cookie = user.client.cookies["flicklist_session"]
    share = re.search(r"/s/([^<\s\"]+)", (await user.get("/share?list=watchlist")).text).group(1)
    assert share not in readable(cookie) and SESSION_KEY not in readable(cookie), "share link"
    assert watch.leaks == []


@pytest.fixture(scope="module")
def provider():
    with running_provider() as issuer:
        yield issuer


async def test_the_cookie_shows_nothing_of_single_sign_on_on_the_way_to_the_provider(make_settings_app, provider):
    app = await make_settings_app(oidc_issuer=provider, oidc_client_id="flicklist", oidc_client_secret="a secret")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        visitor = Visitor(client)
        await visitor.get("/login")
        leaving = await visitor.post("/login/oidc", {"next": "/diary"})
        state = re.search(r"[?&]state=([^&]+)", leaving.headers["location"]).group(1)
        shown = readable(client.cookies["flicklist_session"])
    assert state not in shown and "code_verifier" not in shown and "/diary" not in shown


async def test_a_cookie_changed_sealed_elsewhere_or_past_its_lifetime_is_no_session(
    user, make_visitor, make_settings_app, clock
):
    cookie = user.client.cookies["flicklist_session"]
    changed = cookie[:20] + ("A" if cookie[20] != "A" else "B") + cookie[21:]
    user.client.cookies.set("flicklist_session", changed)
    assert (await user.get("/")).headers["location"] == "/login", "changed by one character"

    other_instance = await make_settings_app()  # the same database, another secret key
    async with AsyncClient(transport=ASGITransport(app=other_instance), base_url="http://testserver") as client:
        client.cookies.set("flicklist_session", cookie)
        assert (await client.get("/")).headers["location"] == "/login", "sealed with another key"

    user.client.cookies.set("flicklist_session", cookie)
    assert (await user.get("/")).status_code == 200, "the cookie as sealed"

    visitor = await make_visitor()
    await visitor.get("/login")
    clock.tick(86400 + 1)  # FLICKLIST_SESSION_ABSOLUTE_SECONDS in the tests' settings
    refused = await visitor.login("ann@example.com")
    assert refused.status_code == 403, "the form's token went with the session it was kept in"
