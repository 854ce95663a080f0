"""Changing one's address: the password confirms it, a link goes to the new address and the old
one is told; nothing changes until the link is opened."""

from smtp_server import bodies, link_in, wait_for_mail
from support import PASSWORD, flashes, text_of, texts_of_class

from flicklist.security import account_links


async def ask_to_move(user, email="ann@example.net", password=PASSWORD, htmx=False):
    return await user.post("/account/email", {"new_email": email, "email_password": password}, htmx=htmx)


async def test_a_new_address_takes_effect_when_its_link_is_opened_and_the_old_one_is_told(user, make_visitor, inbox):
    asked = await ask_to_move(user)
    assert asked.headers["location"] == "/account"
    assert flashes((await user.get("/account")).text) == [
        "A link is on its way to ann@example.net: your address changes when it is opened. "
        "Until then it stays ann@example.com."
    ]
    notice = await wait_for_mail(inbox, "ann@example.com")
    assert notice["Subject"] == "Your FlickList address is being changed"
    assert "ann@example.net" in bodies(notice)[0] and "change your password" in bodies(notice)[0]
    link = link_in(await wait_for_mail(inbox, "ann@example.net"))
    assert "Logged in as ann@example.com" in text_of((await user.get("/account")).text), "not moved yet"

    await user.get(link)
    page = await user.get("/email/confirm")
    assert "Make ann@example.net the address of the FlickList account ann@example.com?" in text_of(page.text)
    moved = await user.post("/email/confirm")
    assert moved.headers["location"] == "/account"
    account = await user.get("/account")
    assert flashes(account.text) == ["Your account's address is ann@example.net now."]
    assert "Logged in as ann@example.net" in text_of(account.text)
    events = texts_of_class(account.text, "event")
    assert "Address changed (from ann@example.com to ann@example.net)" in events[0]
    assert "Change of address asked (to ann@example.net)" in events[1]

    other = await make_visitor()
    assert (await other.login("ann@example.com")).headers["location"] == "/login"
    assert (await other.login("ann@example.net")).headers["location"] == "/"
    await other.get(link)
    assert account_links.REFUSED in text_of((await other.get("/email/confirm")).text), "used once"


async def test_a_change_of_address_needs_the_password_and_a_free_address(user, make_visitor, inbox):
    await (await make_visitor()).register("bob@example.com")
    wrong = await ask_to_move(user, password="not my password at all", htmx=True)
    assert wrong.status_code == 422 and "That is not your current password." in text_of(wrong.text)
    taken = await ask_to_move(user, "Bob@Example.com", htmx=True)
    assert taken.status_code == 422 and "Another account uses that address." in text_of(taken.text)
    same = await ask_to_move(user, "ann@example.com", htmx=True)
    assert "That is your address already." in text_of(same.text)
    assert inbox.messages == []


async def test_a_new_password_revokes_a_pending_change_of_address(user, inbox):
    await ask_to_move(user)
    link = link_in(await wait_for_mail(inbox, "ann@example.net"))
    new_password = "another passphrase entirely"
    changed = await user.post(
        "/account/password", {"current": PASSWORD, "password": new_password, "verify": new_password}
    )
    assert changed.headers["location"] == "/account"
    await user.get(link)
    assert account_links.REFUSED in text_of((await user.get("/email/confirm")).text)


async def test_whether_an_address_is_taken_is_told_only_with_the_password_and_a_few_times_an_hour(user, make_visitor):
    await (await make_visitor()).register("bob@example.com")
    without = await ask_to_move(user, "bob@example.com", password="not my password at all", htmx=True)
    assert "Another account uses that address." not in text_of(without.text)
    answers = [(await ask_to_move(user, f"someone{number}@example.com", htmx=True)).status_code for number in range(5)]
    tried = await ask_to_move(user, "bob@example.com", htmx=True)
    assert answers == [200] * 5 and tried.status_code == 429
