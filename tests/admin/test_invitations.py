"""Sign-up by invitation: links an admin makes, with an expiry and a number of uses, used,
used up, expired, revoked or tampered with, each with a clear message and no account."""

import re

from sqlalchemy import select
from support import PASSWORD, flashes, text_of, texts_of_class

from flicklist.admin import invitations
from flicklist.security import link_tokens
from flicklist.tables import invitations as invitations_table


async def make_link(admin, days: str = "7", uses: str = "1") -> str:
    await admin.post("/admin/invitations", {"days": days, "uses": uses})
    page = (await admin.get("/admin")).text
    match = re.search(r'<code class="secret">(http://testserver/register\?invite=([^<]+))</code>', page)
    assert match, "the new link is on the page"
    assert match.group(1) not in (await admin.get("/admin")).text, "and shown only once"
    return match.group(2)


async def sign_up(visitor, email: str, invite: str):
    page = await visitor.get(f"/register?invite={invite}")
    return page, await visitor.post(
        "/register", {"email": email, "password": PASSWORD, "verify": PASSWORD, "invite": invite}
    )


async def test_an_invitation_link_fills_in_the_form_and_makes_one_account(admin, make_visitor):
    await admin.post("/admin/registration", {"mode": "invite"})
    token = await make_link(admin)
    bob = await make_visitor()
    form, signed_up = await sign_up(bob, "bob@example.com", token)
    assert f'name="invite" type="text" value="{token}"' in form.text, "the link fills the field in"
    assert signed_up.headers["location"] == "/"
    row = texts_of_class((await admin.get("/admin")).text, "invitation")[0]
    assert "1 of 1" in row and "bob@example.com (" in row and "Used up" in row

    carl = await make_visitor()
    _, refused = await sign_up(carl, "carl@example.com", token)
    assert refused.status_code == 303
    assert flashes((await carl.get("/register")).text)[-1] == invitations.USED_UP
    assert (await carl.login("carl@example.com", htmx=True)).status_code == 422, "no account was made"


async def test_invite_mode_asks_for_an_invitation_and_refuses_a_sign_up_without_one(admin, make_visitor):
    await admin.post("/admin/registration", {"mode": "invite"})
    bob = await make_visitor()
    page = text_of((await bob.get("/register")).text)
    assert "Sign-up here is by invitation" in page and "Invitation" in page
    refused = await bob.post(
        "/register", {"email": "bob@example.com", "password": PASSWORD, "verify": PASSWORD}, htmx=True
    )
    assert refused.status_code == 422 and invitations.NEEDED in text_of(refused.text)


async def test_a_link_for_several_people_serves_that_many_and_lists_who_used_it(admin, make_visitor):
    await admin.post("/admin/registration", {"mode": "invite"})
    token = await make_link(admin, uses="2")
    for email in ("bob@example.com", "carl@example.com"):
        _, signed_up = await sign_up(await make_visitor(), email, token)
        assert signed_up.headers["location"] == "/"
    row = texts_of_class((await admin.get("/admin")).text, "invitation")[0]
    assert "2 of 2" in row and "bob@example.com" in row and "carl@example.com" in row


async def test_expired_revoked_and_tampered_invitations_make_no_account(admin, make_visitor, clock):
    await admin.post("/admin/registration", {"mode": "invite"})
    expiring, revoked = await make_link(admin, days="1"), await make_link(admin)
    revoked_id = revoked.split(".")[0]
    await admin.post(f"/admin/invitations/{revoked_id}/revoke")
    number, secret = revoked.split(".")
    tampered = f"{number}.{secret[:-2]}{'AA' if secret[-2:] != 'AA' else 'BB'}"
    clock.tick(86400 + 1)
    for token, message in (
        (expiring, invitations.EXPIRED),
        (revoked, invitations.REVOKED),
        (tampered, invitations.NOT_VALID),
        ("12345.nothing-like-it", invitations.NOT_VALID),
        ("not a token", invitations.NOT_VALID),
    ):
        visitor = await make_visitor()
        _, refused = await sign_up(visitor, "dan@example.com", token)
        assert refused.headers["location"] == "/register"
        assert flashes((await visitor.get("/register")).text)[-1] == message, token
    await admin.get("/login")  # a day later, her own session had ended too
    await admin.login("ann@example.com")
    page = await admin.get("/admin")
    assert page.status_code == 200 and "dan@example.com" not in text_of(page.text)
    assert "Revoked" in texts_of_class((await admin.get("/admin")).text, "invitation")[0]


async def test_an_invitation_holds_128_random_bits_and_only_their_hash_is_stored(admin, app):
    tokens = [await make_link(admin) for _ in range(2)]
    secrets = [token.split(".", 1)[1] for token in tokens]
    assert all(len(secret) >= 22 for secret in secrets), "16 bytes in base64url"
    assert secrets[0] != secrets[1]
    async with app.state.db.engine.connect() as connection:
        stored = (await connection.execute(select(invitations_table.c.secret_hash))).scalars().all()
    assert not any(secret in hash_ for secret in secrets for hash_ in stored)
    assert sorted(stored) == sorted(link_tokens.secret_hash(secret) for secret in secrets)


async def test_invitations_are_refused_outside_their_limits(admin):
    for days, uses in (("0", "1"), ("366", "1"), ("7", "0"), ("seven", "1"), ("7", "1001")):
        await admin.post("/admin/invitations", {"days": days, "uses": uses})
        assert flashes((await admin.get("/admin")).text)[-1].startswith("An invitation lasts 1 to 365 days")
    assert "No invitations yet." in text_of((await admin.get("/admin")).text)
