"""What someone else can try with the recovery links: a request with a forged Host header must
not have the victim mailed a link to the forger's site, and a disabled account's links do
nothing."""

from smtp_server import link_in, wait_for_mail
from sqlalchemy import update
from support import text_of

from flicklist.security import account_links
from flicklist.tables import now, users


async def test_a_forged_host_header_does_not_change_the_site_a_mailed_link_leads_to(user, make_visitor, inbox):
    forger = await make_visitor()
    await forger.get("/password/forgot")
    answer = await forger.post("/password/forgot", {"email": "ann@example.com"}, headers={"host": "evil.example"})
    assert answer.status_code == 303
    plain = (await wait_for_mail(inbox, "ann@example.com")).get_body(("plain",)).get_content()
    assert "http://testserver/password/reset/" in plain, "FLICKLIST_PUBLIC_ORIGIN, not the request's Host"
    assert "evil.example" not in plain


async def test_a_reset_link_of_an_account_disabled_since_it_was_mailed_is_refused(user, make_visitor, inbox, app):
    stranger = await make_visitor()
    await stranger.post("/password/forgot", {"email": "ann@example.com"})
    link = link_in(await wait_for_mail(inbox, "ann@example.com"))
    async with app.state.db.transaction() as connection:
        await connection.execute(update(users).where(users.c.email == "ann@example.com").values(disabled_at=now()))

    await stranger.get(link)
    refused = await stranger.get("/password/reset")
    assert refused.status_code == 400 and account_links.REFUSED in text_of(refused.text)
    sent = await stranger.post(
        "/password/reset", {"password": "a passphrase for the thief", "verify": "a passphrase for the thief"}
    )
    assert sent.headers["location"] == "/password/reset", "nothing set"
