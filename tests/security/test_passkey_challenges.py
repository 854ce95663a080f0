"""A passkey's challenge is used once and briefly: a captured sign-in (the cookie that
POST /login/passkey/options gave, and the credential the browser then posted) sent again
logs no one in, and a registration sent again adds nothing. Passkeys come from a software
authenticator (tests/software_authenticator.py)."""

import json
import re

from software_authenticator import SoftwareAuthenticator
from sqlalchemy import func, select
from support import flashes

from flicklist.tables import webauthn_challenges

EXPIRED = "That passkey request has expired. Please try again."


async def passkey_options(visitor, url: str) -> dict:
    response = await visitor.client.post(url, headers={"X-CSRF-Token": visitor.csrf_token})
    assert response.status_code == 200
    return json.loads(response.text)


async def add_passkey(user, authenticator: SoftwareAuthenticator) -> None:
    await user.get("/account")
    credential = authenticator.create(await passkey_options(user, "/account/passkeys/options"))
    response = await user.post("/account/passkeys", {"name": "Phone", "credential": credential})
    assert "Passkey “Phone” added." in flashes(response.text)
    user.csrf_token = None  # the session was renewed


async def logged_out_with_a_passkey(user) -> SoftwareAuthenticator:
    phone = SoftwareAuthenticator()
    await add_passkey(user, phone)
    await user.logout()
    await user.get("/login")
    return phone


async def test_a_captured_passkey_sign_in_sent_again_logs_no_one_in(user, make_visitor):
    phone = await logged_out_with_a_passkey(user)
    options = await passkey_options(user, "/login/passkey/options")
    captured_cookie, captured_token = user.client.cookies["flicklist_session"], user.csrf_token
    credential = phone.get(options)

    signed_in = await user.post("/login/passkey", {"credential": credential})
    assert signed_in.headers["location"] == "/"
    assert flashes((await user.get("/")).text) == ["Welcome back, ann@example.com!"]

    attacker = await make_visitor("203.0.113.9")
    attacker.client.cookies.set("flicklist_session", captured_cookie)
    attacker.csrf_token = captured_token
    replayed = await attacker.post("/login/passkey", {"credential": credential})
    assert replayed.headers["location"] == "/login", "sent back to log in"
    after = await attacker.get("/")
    assert after.headers["location"] == "/login", "not logged in"
    assert flashes((await attacker.get("/login")).text) == [EXPIRED]


async def test_a_passkey_challenge_lasts_five_minutes(user, clock):
    phone = await logged_out_with_a_passkey(user)
    options = await passkey_options(user, "/login/passkey/options")
    clock.tick(5 * 60 + 1)
    response = await user.post("/login/passkey", {"credential": phone.get(options)})
    assert response.headers["location"] == "/login"
    assert flashes((await user.get("/login")).text) == [EXPIRED]
    assert (await user.get("/")).headers["location"] == "/login"


async def test_challenges_past_their_five_minutes_are_deleted_when_another_is_made(make_visitor, app, clock):
    for address in ("192.0.2.1", "192.0.2.2"):
        visitor = await make_visitor(address)
        await visitor.get("/login")
        await passkey_options(visitor, "/login/passkey/options")
    clock.tick(5 * 60)
    latecomer = await make_visitor("192.0.2.3")
    await latecomer.get("/login")
    await passkey_options(latecomer, "/login/passkey/options")
    async with app.state.db.engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(webauthn_challenges))).scalar() == 1


async def test_a_captured_admin_confirmation_sent_again_confirms_nothing(user, make_visitor, clock):
    await add_passkey(user, phone := SoftwareAuthenticator())
    bob = await make_visitor()
    await bob.register("bob@example.com")
    bob_id = re.search(r'action="/admin/users/(\d+)/disable"', (await user.get("/admin")).text).group(1)
    clock.tick(601)
    await user.get("/admin/confirm")
    options = await passkey_options(user, "/admin/confirm/passkey/options")
    captured_cookie, captured_token = user.client.cookies["flicklist_session"], user.csrf_token
    credential = phone.get(options)
    assert (await user.post("/admin/confirm/passkey", {"credential": credential})).headers[
        "location"
    ] == "/admin#accounts"

    clock.tick(601)
    copy = await make_visitor()
    copy.client.cookies.set("flicklist_session", captured_cookie)
    copy.csrf_token = captured_token
    assert (await copy.post("/admin/confirm/passkey", {"credential": credential})).headers[
        "location"
    ] == "/admin/confirm"
    assert flashes((await copy.get("/admin/confirm")).text)[-1] == EXPIRED
    assert (await copy.post(f"/admin/users/{bob_id}/disable")).headers["location"] == "/admin/confirm"
    assert (await bob.get("/")).status_code == 200, "Bob's account is untouched"


async def test_a_passkey_registration_sent_again_adds_nothing(user):
    phone = SoftwareAuthenticator()
    await user.get("/account")
    credential = phone.create(await passkey_options(user, "/account/passkeys/options"))
    added = await user.post("/account/passkeys", {"name": "Phone", "credential": credential})
    assert "Passkey “Phone” added." in flashes(added.text)
    user.csrf_token = None  # the session was renewed
    await user.get("/account")

    again = await user.post("/account/passkeys", {"name": "Phone again", "credential": credential})
    assert again.headers["location"] == "/account"
    page = (await user.get("/account")).text
    assert flashes(page) == [EXPIRED]
    assert "Phone again" not in page
