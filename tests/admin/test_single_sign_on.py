"""Single sign-on against a real OpenID Connect provider on 127.0.0.1: accounts made by a
first login and found again by issuer and subject, linking from the account page (never by
a matching email), the sign-up mode, and answers that must be refused."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from oidc_provider import authorize, running_provider, set_claims, with_query
from support import flashes, text_of

from flicklist.auth import DISABLED

NAME = "Pocket ID"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as issuer:
        yield issuer


@pytest.fixture
async def sign_on_app(make_settings_app, provider):
    async def make(**environment: str):
        return await make_settings_app(
            oidc_issuer=provider,
            oidc_client_id="flicklist",
            oidc_client_secret="a client secret",
            oidc_name=NAME,
            **environment,
        )

    return make


@pytest.fixture
async def app_with_sign_on(sign_on_app):
    return await sign_on_app()


async def start(visitor, path: str = "/login/oidc", **fields: str) -> str:
    await visitor.get("/login")
    leaving = await visitor.post(path, fields)
    assert leaving.status_code == 303, leaving.text
    return leaving.headers["location"]


async def sign_in(visitor, subject: str, path: str = "/login/oidc", **fields: str) -> httpx.Response:
    """The whole round trip: FlickList, the provider's login form as `subject`, back again."""
    return await visitor.get(await authorize(await start(visitor, path, **fields), subject))


async def test_the_first_sign_in_makes_an_account_and_the_next_finds_it_by_subject(
    app_with_sign_on, visitor_of, provider
):
    set_claims(provider, "alice-1", email="alice@example.com", email_verified=True)
    alice = await visitor_of(app_with_sign_on)
    landed = await sign_in(alice, "alice-1")
    assert landed.headers["location"] == "/"
    assert flashes((await alice.get("/")).text)[-1].startswith("Welcome to FlickList, alice@example.com!")
    await alice.add("Heat")
    await alice.logout()

    set_claims(provider, "alice-1", email="alice@elsewhere.example", email_verified=True)
    again = await visitor_of(app_with_sign_on)
    assert (await sign_in(again, "alice-1")).headers["location"] == "/"
    page = await again.get("/")
    assert "Welcome back, alice@example.com!" in flashes(page.text) and "Heat" in text_of(page.text)
    account = text_of((await again.get("/account")).text)
    assert "You sign in with Pocket ID; this account has no password." in account
    assert "Recent sign-ins" in account and "Login (Pocket ID)" in account


async def test_the_authorization_request_carries_pkce_state_and_nonce(app_with_sign_on, visitor_of, provider):
    query = parse_qs(urlsplit(await start(await visitor_of(app_with_sign_on))).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == ["http://testserver/login/oidc/callback"]
    assert query["scope"] == ["openid email profile"] and query["client_id"] == ["flicklist"]


async def test_a_password_account_links_its_provider_account_from_its_own_page(app_with_sign_on, visitor_of, provider):
    set_claims(provider, "ann-at-idp", email="ann@idp.example", email_verified=True)
    ann = await visitor_of(app_with_sign_on)
    await ann.register("ann@example.com")
    assert "Link Pocket ID" in text_of((await ann.get("/account")).text)
    linked = await sign_in(ann, "ann-at-idp", path="/account/single-sign-on")
    assert linked.headers["location"] == "/account"
    page = text_of((await ann.get("/account")).text)
    assert "Linked: you can now sign in with Pocket ID." in page and "This account signs in with Pocket ID." in page
    await ann.logout()
    assert (await sign_in(ann, "ann-at-idp")).headers["location"] == "/"
    assert "Welcome back, ann@example.com!" in flashes((await ann.get("/")).text)

    bob = await visitor_of(app_with_sign_on)
    await bob.register("bob@example.com")
    await sign_in(bob, "ann-at-idp", path="/account/single-sign-on")
    assert flashes((await bob.get("/account")).text)[-1] == (
        "That Pocket ID account already signs in to a FlickList account."
    )

    await ann.post("/account/single-sign-on/remove")
    await ann.logout()
    await sign_in(ann, "ann-at-idp")
    welcome = flashes((await ann.get("/")).text)[-1]
    assert welcome.startswith("Welcome to FlickList, ann@idp.example!"), "unlinked, it is ann's no more"


@pytest.mark.parametrize("verified", [False, True])
async def test_a_matching_email_never_links_by_itself(app_with_sign_on, visitor_of, provider, verified):
    bob = await visitor_of(app_with_sign_on)
    await bob.register("bob@example.com")
    await bob.add("Bob's own film")
    await bob.logout()
    subject = f"mallory-{verified}"
    set_claims(provider, subject, email="bob@example.com", email_verified=verified)
    mallory = await visitor_of(app_with_sign_on)
    refused = await sign_in(mallory, subject)
    assert refused.status_code == 409
    assert "A FlickList account with bob@example.com exists already, and it is not linked to Pocket ID." in text_of(
        refused.text
    )
    assert (await mallory.get("/")).headers["location"] == "/login", "not logged in to bob's account"
    await bob.login("bob@example.com")
    assert "Bob's own film" in text_of((await bob.get("/")).text)
    assert "Link Pocket ID" in text_of((await bob.get("/account")).text), "bob's account is not linked"


async def test_closed_sign_up_refuses_a_new_account_by_single_sign_on(sign_on_app, visitor_of, provider):
    app = await sign_on_app(registration="closed")
    set_claims(provider, "newcomer", email="newcomer@example.com", email_verified=True)
    visitor = await visitor_of(app)
    refused = await sign_in(visitor, "newcomer")
    assert refused.status_code == 403 and "sign-up is closed here" in text_of(refused.text)
    assert (await visitor.get("/")).headers["location"] == "/login"


async def test_invite_sign_up_by_single_sign_on_needs_an_invitation(sign_on_app, visitor_of, provider):
    from flicklist.admin import invitations

    app = await sign_on_app(registration="invite")
    set_claims(provider, "invited", email="invited@example.com", email_verified=True)
    uninvited = await visitor_of(app)
    refused = await sign_in(uninvited, "invited")
    assert refused.status_code == 403 and invitations.NEEDED in text_of(refused.text)
    async with app.state.db.transaction() as connection:
        token = await invitations.create(connection, None, 7, 1)
    invited = await visitor_of(app)
    page = await invited.get(f"/register?invite={token}")
    assert "Sign up with Pocket ID" in text_of(page.text)
    assert (await sign_in(invited, "invited", invite=token)).headers["location"] == "/"


async def test_the_admin_group_claim_makes_an_admin(sign_on_app, visitor_of, provider):
    app = await sign_on_app(oidc_admin_group="flicklist-admins", oidc_scopes="openid email profile groups")
    await (await visitor_of(app)).register("first@example.com")
    set_claims(provider, "grace", email="grace@example.com", email_verified=True, groups=["flicklist-admins"])
    set_claims(provider, "henry", email="henry@example.com", email_verified=True, groups=["staff"])
    grace, henry = await visitor_of(app), await visitor_of(app)
    await sign_in(grace, "grace")
    await sign_in(henry, "henry")
    assert (await grace.get("/admin")).status_code == 200
    assert (await henry.get("/admin")).status_code == 404


async def test_a_tampered_state_a_replayed_code_and_a_wrong_nonce_log_nobody_in(app_with_sign_on, visitor_of, provider):
    set_claims(provider, "eve", email="eve@example.com", email_verified=True)
    tampered = await visitor_of(app_with_sign_on)
    callback = await authorize(await start(tampered), "eve")
    answer = await tampered.get(with_query(callback, state="forged-state-value"))
    assert answer.status_code == 400 and "did not work" in text_of(answer.text)
    assert (await tampered.get("/")).headers["location"] == "/login"

    first = await visitor_of(app_with_sign_on)
    callback = await authorize(await start(first), "eve")
    assert (await first.get(callback)).headers["location"] == "/"
    await first.get("/")
    await first.logout()
    for replayer in (first, await visitor_of(app_with_sign_on)):
        replayed = await replayer.get(callback)
        assert replayed.status_code == 400
        assert (await replayer.get("/")).headers["location"] == "/login"
    second_try = await visitor_of(app_with_sign_on)
    leaving = await start(second_try)
    state = parse_qs(urlsplit(leaving).query)["state"][0]
    stolen = with_query(callback, state=state)  # the used code with this browser's own state
    assert (await second_try.get(stolen)).status_code == 400

    wrong_nonce = await visitor_of(app_with_sign_on)
    leaving = with_query(await start(wrong_nonce), nonce="a-nonce-this-browser-never-sent")
    answer = await wrong_nonce.get(await authorize(leaving, "eve"))
    assert answer.status_code == 400 and "nonce" in text_of(answer.text)
    assert (await wrong_nonce.get("/")).headers["location"] == "/login"


async def test_a_disabled_account_cannot_sign_in_through_the_provider(app_with_sign_on, visitor_of, provider):
    from flicklist.admin import accounts

    set_claims(provider, "dora", email="dora@example.com", email_verified=True)
    dora = await visitor_of(app_with_sign_on)
    await (await visitor_of(app_with_sign_on)).register("admin@example.com")
    await sign_in(dora, "dora")
    async with app_with_sign_on.state.db.transaction() as connection:
        await accounts.set_disabled(connection, "test", 2, True)
    refused = await sign_in(dora, "dora")
    assert refused.status_code == 403 and DISABLED in text_of(refused.text)


async def test_single_sign_on_only_hides_and_refuses_passwords(sign_on_app, visitor_of):
    app = await sign_on_app(oidc_only="true")
    visitor = await visitor_of(app)
    login = text_of((await visitor.get("/login")).text)
    assert "Sign in with Pocket ID" in login and "Password" not in login
    register = text_of((await visitor.get("/register")).text)
    assert "Sign up with Pocket ID" in register and "Password" not in register
    assert (await visitor.login("ann@example.com")).status_code == 403
    assert (await visitor.register("ann@example.com")).status_code == 403


async def test_a_provider_that_cannot_be_reached_gets_a_clear_answer(make_settings_app, visitor_of):
    from browser_support import free_port

    app = await make_settings_app(
        oidc_issuer=f"http://127.0.0.1:{free_port()}", oidc_client_id="flicklist", oidc_name=NAME
    )
    visitor = await visitor_of(app)
    await visitor.get("/login")
    answer = await visitor.post("/login/oidc")
    assert answer.status_code == 502
    assert "Signing in with Pocket ID did not work: could not reach it" in text_of(answer.text)


async def test_the_page_allows_forms_to_lead_to_the_provider_and_nowhere_else(app_with_sign_on, visitor_of, provider):
    policy = (await (await visitor_of(app_with_sign_on)).get("/login")).headers["content-security-policy"]
    assert f"form-action 'self' {provider};" in policy


async def test_without_single_sign_on_its_routes_do_not_exist(visitor):
    await visitor.get("/login")
    assert (await visitor.post("/login/oidc")).status_code == 404
    assert (await visitor.get("/login/oidc/callback?code=x&state=y")).status_code == 404
    assert "Sign in with" not in text_of((await visitor.get("/login")).text).replace("Sign in with a passkey", "")
