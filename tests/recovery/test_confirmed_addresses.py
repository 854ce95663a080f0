"""Proved addresses: under FLICKLIST_VERIFY_EMAIL a new account opens the link mailed to it
before its first login (and can have another sent), and is removed if it never does; a change
of address takes the password, happens when the new address's link is opened, and is told to
the old address."""

import pytest
from smtp_server import link_in, wait_for_mail
from support import flashes, text_of

from flicklist.housekeeping import remove_expired
from flicklist.security import account_links

pytestmark = pytest.mark.settings(verify_email="true", unverified_days="3")


async def confirm(visitor, link: str):
    opened = await visitor.get(link)
    assert opened.status_code == 303 and opened.headers["location"] == "/email/confirm"
    page = await visitor.get("/email/confirm")
    return page, await visitor.post("/email/confirm")


async def test_a_new_account_logs_in_only_once_its_address_is_confirmed(visitor, make_visitor, inbox):
    signed_up = await visitor.register("bea@example.com")
    assert signed_up.headers["location"] == "/email/unverified"
    page = await visitor.get("/email/unverified")
    assert flashes(page.text) == [
        "Welcome to FlickList! A link is on its way to bea@example.com. Open it to finish making your account."
    ]
    assert "An account whose address is not confirmed within 3 days is removed." in text_of(page.text)
    assert (await visitor.get("/")).headers["location"] == "/login", "no session before the address is confirmed"

    first_link = link_in(await wait_for_mail(inbox, "bea@example.com"))
    later = await make_visitor()
    refused = await later.login("bea@example.com")
    assert refused.headers["location"] == "/email/unverified"
    assert (await later.get("/")).headers["location"] == "/login"
    resent = await later.post("/email/resend")
    assert resent.headers["location"] == "/email/unverified"
    assert "Another link is on its way to bea@example.com." in flashes((await later.get("/email/unverified")).text)[0]
    second_link = link_in(await wait_for_mail(inbox, "bea@example.com", count=2))

    stale, _ = await confirm(await make_visitor(), first_link)
    assert stale.status_code == 400 and account_links.REFUSED in text_of(stale.text), (
        "a new link replaces the one before"
    )
    page, confirmed = await confirm(later, second_link)
    assert "Confirm that bea@example.com is yours" in text_of(page.text)
    assert confirmed.headers["location"] == "/login"
    assert flashes((await later.get("/login")).text) == ["Thank you: bea@example.com is confirmed. Log in to start."]
    assert (await later.login("bea@example.com")).headers["location"] == "/"


async def test_sending_the_link_again_is_limited(visitor):
    await visitor.register("bea@example.com")
    answers = [(await visitor.post("/email/resend")).status_code for _ in range(6)]
    assert answers == [303] * 5 + [429]


async def test_an_account_never_confirmed_is_removed_after_the_days_set(make_visitor, inbox, app, clock):
    admin = await make_visitor()
    await admin.register("ann@example.com")
    await confirm(admin, link_in(await wait_for_mail(inbox, "ann@example.com")))
    await (await make_visitor()).register("typo@exmaple.com")
    await wait_for_mail(inbox, "typo@exmaple.com")
    clock.tick(3 * 86400 - 1)
    removed = await remove_expired(app.state.db, app.state.settings)
    assert (removed.unverified_accounts, removed.links) == (0, 1), "its link expired after a day"
    clock.tick(1)
    assert (await remove_expired(app.state.db, app.state.settings)).unverified_accounts == 1

    admin = await make_visitor()  # days later: a new visit
    await admin.login("ann@example.com")
    page = text_of((await admin.get("/admin")).text)
    assert "typo@exmaple.com" not in page.split("What admins did")[0]
    assert "housekeeping Removed unverified account (address not verified within 3 days) typo@exmaple.com" in page


async def test_the_only_admin_is_kept_unconfirmed_and_can_still_confirm(make_visitor, inbox, app, clock):
    await (await make_visitor()).register("ann@example.com")  # the first account: the admin
    bea = await make_visitor()
    await bea.register("bea@example.com")
    await confirm(bea, link_in(await wait_for_mail(inbox, "bea@example.com")))
    clock.tick(3 * 86400)
    removed = await remove_expired(app.state.db, app.state.settings)
    assert removed.unverified_accounts == 0, "an instance with members is never left without an admin"

    ann = await make_visitor()
    assert (await ann.login("ann@example.com")).headers["location"] == "/email/unverified"
    await ann.post("/email/resend")
    await confirm(ann, link_in(await wait_for_mail(inbox, "ann@example.com", count=2)))
    assert (await ann.login("ann@example.com")).headers["location"] == "/"
    assert (await ann.get("/admin")).status_code == 200


async def test_the_admin_sees_whether_each_address_is_confirmed(make_visitor, inbox):
    admin = await make_visitor()
    await admin.register("ann@example.com")
    await confirm(admin, link_in(await wait_for_mail(inbox, "ann@example.com")))
    await (await make_visitor()).register("bea@example.com")
    await wait_for_mail(inbox, "bea@example.com")
    await admin.login("ann@example.com")
    rows = [text_of(row) for row in (await admin.get("/admin")).text.split('<tr class="account"')[1:]]
    assert "confirmed" in rows[0] and "not confirmed" not in rows[0]
    assert "awaiting confirmation" in rows[1]
    pending = text_of((await admin.get("/admin")).text).split("Pending account links")[1]
    assert "address check, mailed to bea@example.com bea@example.com sign-up" in pending
