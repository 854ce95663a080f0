"""Sign-up with an address that has an account already: under FLICKLIST_VERIFY_EMAIL it is
answered exactly as a new address is (the form must not tell who has an account, since
“Forgot your password?” does not) and the owner is mailed instead; without mail the form says
so, there being no other way to tell the person."""

import pytest
from smtp_server import bodies, link_in, wait_for_mail
from support import PASSWORD, flashes, text_of

from flicklist.auth import EMAIL_TAKEN

NOT_ANN = "a password ann never chose"
verifying = pytest.mark.settings(verify_email="true")


async def confirmed_account(make_visitor, inbox, email: str):
    owner = await make_visitor()
    await owner.register(email)
    link = link_in(await wait_for_mail(inbox, email))
    await owner.get(link)
    await owner.get("/email/confirm")
    await owner.post("/email/confirm")
    return owner


def what_a_stranger_sees(response, page, email: str):
    """The answer with the address taken out: status, where it leads, the cookies it sets, the page after it."""
    return (
        response.status_code,
        response.headers.get("location"),
        response.headers.get("hx-redirect"),
        sorted(response.cookies.keys()),
        sorted(name for name in response.headers if name not in ("date", "set-cookie", "content-length")),
        response.text,
        page.status_code,
        text_of(page.text).replace(email, "EMAIL"),
    )


@verifying
@pytest.mark.parametrize("htmx", [False, True])
async def test_a_taken_address_gets_the_answer_a_new_one_gets(make_visitor, inbox, htmx):
    await confirmed_account(make_visitor, inbox, "ann@example.com")
    answers = []
    for email in ("ann@example.com", "newcomer@example.com"):
        stranger = await make_visitor()
        response = await stranger.register(email, NOT_ANN, htmx=htmx)
        answers.append(what_a_stranger_sees(response, await stranger.get("/email/unverified"), email))
    assert answers[0] == answers[1]
    assert "A link is on its way to EMAIL. Open it to finish making your account." in answers[0][-1]
    assert EMAIL_TAKEN not in answers[0][-1]


@verifying
async def test_the_owner_of_a_taken_address_is_told_and_pointed_to_a_new_password(make_visitor, inbox):
    await confirmed_account(make_visitor, inbox, "ann@example.com")
    stranger = await make_visitor()
    await stranger.register("ann@example.com", NOT_ANN)

    notice = await wait_for_mail(inbox, "ann@example.com", count=2)
    assert notice["Subject"] == "Someone tried to make a FlickList account with your address"
    plain, html = bodies(notice)
    assert "No new account was made, and yours is unchanged." in plain
    assert "http://testserver/password/forgot" in plain and 'href="http://testserver/password/forgot"' in html
    assert "http://testserver/login" in plain
    assert (await stranger.login("ann@example.com", NOT_ANN)).headers["location"] == "/login", "nothing changed"
    assert flashes((await stranger.get("/login")).text) == ["Email or password is incorrect."]


@verifying
async def test_the_notices_are_limited_and_leave_the_owner_free_to_reset(make_visitor, inbox):
    await confirmed_account(make_visitor, inbox, "ann@example.com")
    for _ in range(5):
        stranger = await make_visitor()
        await stranger.register("ann@example.com", NOT_ANN)
        await stranger.post("/email/resend")  # sends nothing: ann's address awaits nothing
    await wait_for_mail(inbox, "ann@example.com", count=1 + 3)

    owner = await make_visitor()
    await owner.post("/password/forgot", {"email": "ann@example.com"})
    reset = await wait_for_mail(inbox, "ann@example.com", count=1 + 3 + 1)
    assert reset["Subject"] == "Set a new FlickList password", "three notices at most, and the reset still comes"
    subjects = [message["Subject"] for message in inbox.to("ann@example.com")]
    assert subjects.count("Someone tried to make a FlickList account with your address") == 3


@verifying
async def test_signing_up_again_before_confirming_mails_the_notice_not_a_confirmation(make_visitor, inbox):
    """The first sign-up may have been a squatter's: confirming it would hand them the address."""
    await (await make_visitor()).register("bea@example.com", NOT_ANN)
    await wait_for_mail(inbox, "bea@example.com")
    bea = await make_visitor()
    answer = await bea.register("bea@example.com")
    assert answer.headers["location"] == "/email/unverified"
    second = await wait_for_mail(inbox, "bea@example.com", count=2)
    assert second["Subject"] == "Someone tried to make a FlickList account with your address"
    assert "/email/confirm/" not in bodies(second)[0]

    resent = await bea.post("/email/resend")
    assert resent.headers["location"] == "/email/unverified", "answered as any resend"
    await bea.post("/password/forgot", {"email": "bea@example.com"})
    third = await wait_for_mail(inbox, "bea@example.com", count=3)
    assert third["Subject"] == "Set a new FlickList password", "the resend sent no link (the outbox keeps order)"
    await bea.get(link_in(third))
    await bea.get("/password/reset")
    await bea.post("/password/reset", {"password": PASSWORD, "verify": PASSWORD})
    assert (await (await make_visitor()).login("bea@example.com")).headers["location"] == "/", (
        "a reset proves the address and shuts the squatter out"
    )


async def test_without_verification_the_form_says_the_address_has_an_account(user, make_visitor):
    stranger = await make_visitor()
    refused = await stranger.register("ann@example.com", NOT_ANN)
    assert refused.headers["location"] == "/register"
    assert EMAIL_TAKEN in text_of((await stranger.get("/register")).text)
