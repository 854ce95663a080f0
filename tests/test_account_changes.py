"""Deleting an account, setting its password and ending its sessions, from the command line,
the admin page and the account page: the same rules whichever of them asks."""

from support import PASSWORD, flashes, text_of, texts_of_class
from test_cli import cli

NEW_PASSWORD = "a brand new passphrase for bob"


def audit_trail(admin_page: str) -> list[str]:
    """Each line of the audit trail but its time: who, what, to whom."""
    return [line.split(" ", 4)[-1] for line in texts_of_class(admin_page, "audit-line")]


async def logged_in(make_visitor, email: str, password: str = PASSWORD):
    browser = await make_visitor()
    assert (await browser.login(email, password)).headers["location"] == "/"
    return browser


def users_listed(settings) -> list[str]:
    return cli("users", "list", database_url=settings.database_url).stdout.splitlines()


async def test_the_last_admin_is_not_deleted_from_the_command_line_or_their_account_page(user, make_visitor, settings):
    ann = user  # the instance's first account, so its only admin
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await ann.add("Heat")

    refused = cli("users", "delete", "ann@example.com", database_url=settings.database_url)
    assert refused.returncode == 1
    assert refused.stderr == "flicklist: ann@example.com is the only admin left: make another admin first.\n"

    await ann.get("/account")
    answer = await ann.post("/account/delete", {"confirm": PASSWORD}, htmx=True)
    assert answer.status_code == 422
    assert "ann@example.com is the only admin left: make another admin first." in text_of(answer.text)
    assert "Heat" in (await ann.get("/")).text, "ann is still logged in, her films still there"
    assert users_listed(settings) == ["1\tann@example.com\tadmin", "2\tbob@example.com"]

    deleted = cli("users", "delete", "bob@example.com", database_url=settings.database_url)
    assert deleted.returncode == 0 and deleted.stdout == "Deleted bob@example.com and their 0 films.\n"
    # With no other account left, the last admin may go: the next account made is the admin.
    assert (await ann.post("/account/delete", {"confirm": PASSWORD})).headers["location"] == "/register"
    assert users_listed(settings) == []


async def test_a_password_set_from_the_command_line_logs_the_account_out_like_the_admin_page(
    user, make_visitor, settings
):
    admin = user
    bob_laptop = await make_visitor()
    await bob_laptop.register("bob@example.com")
    bob_phone = await logged_in(make_visitor, "bob@example.com")

    changed = cli("users", "set-password", "bob@example.com", database_url=settings.database_url, password=NEW_PASSWORD)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == "Password changed for bob@example.com; their sessions are logged out (2 ended).\n"
    for browser in (bob_laptop, bob_phone):
        assert (await browser.get("/")).headers["location"] == "/login"
    assert (await bob_phone.login("bob@example.com")).headers["location"] == "/login", "the old password is gone"
    bob_phone = await logged_in(make_visitor, "bob@example.com", NEW_PASSWORD)

    ended = cli("users", "end-sessions", "bob@example.com", database_url=settings.database_url)
    assert ended.stdout == "bob@example.com is logged out everywhere (1 sessions ended).\n"
    assert (await bob_phone.get("/")).headers["location"] == "/login"
    assert audit_trail((await admin.get("/admin")).text)[:2] == [
        "command line Ended sessions (1 ended) bob@example.com",
        "command line Set password (2 sessions ended) bob@example.com",
    ]


async def test_a_person_changing_their_own_password_stays_logged_in_here_only(user, make_visitor):
    elsewhere = await logged_in(make_visitor, "ann@example.com")
    await user.get("/account")
    fields = {"current": PASSWORD, "password": NEW_PASSWORD, "verify": NEW_PASSWORD}
    assert (await user.post("/account/password", fields)).headers["location"] == "/account"
    assert (await user.get("/")).status_code == 200
    assert (await elsewhere.get("/")).headers["location"] == "/login"
    trail = audit_trail((await user.get("/admin")).text)
    assert not any("Set password" in line for line in trail), "the owner's own change is in their security log"


async def test_ending_sessions_or_deleting_an_unknown_account_says_so_on_the_command_line(settings):
    for command in ("delete", "end-sessions", "set-password"):
        missing = cli("users", command, "nobody@example.com", database_url=settings.database_url, password=NEW_PASSWORD)
        assert missing.returncode == 1
        assert missing.stderr == "flicklist: No account for nobody@example.com.\n"


async def test_the_admin_pages_delete_writes_one_audit_line_and_the_owners_none(user, make_visitor):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await user.post("/admin/users/2/delete", {"confirm": "bob@example.com"})
    assert flashes((await user.get("/admin")).text)[-1] == "Deleted bob@example.com and their 0 films."
    carl = await make_visitor()
    await carl.register("carl@example.com")
    await carl.get("/account")
    await carl.post("/account/delete", {"confirm": PASSWORD})
    assert (
        audit_trail((await user.get("/admin")).text)[0] == "ann@example.com Deleted account (0 films) bob@example.com"
    )
