"""Reset links handed over by an admin (the admin page, `flicklist users reset-link`): made
after a recent confirmation, shown once, revocable, and each made, used, revoked or expired
written in the audit trail."""

import re

from support import PASSWORD, flashes, text_of
from test_cli import run_main

from flicklist.housekeeping import remove_expired
from flicklist.security import account_links
from flicklist.settings import Settings

NEW_PASSWORD = "a passphrase bob can remember"


async def make_link(admin, bob_id: int, minutes: str = "60") -> str:
    made = await admin.post(f"/admin/users/{bob_id}/reset-link", {"minutes": minutes})
    assert made.headers["location"] == "/admin#links"
    page = await admin.get("/admin")
    [link] = re.findall(r'<code class="secret">http://testserver(/password/reset/[^<]+)</code>', page.text)
    assert "New password reset link" in text_of(page.text)
    assert link not in (await admin.get("/admin")).text, "shown once"
    return link


def audit_lines(page: str) -> list[str]:
    return [text_of(row) for row in page.split('<tr class="audit-line">')[1:]]


async def test_an_admin_makes_a_link_that_sets_bobs_password_once(user, make_visitor, clock):
    admin, bob = user, await make_visitor()
    await bob.register("bob@example.com")
    bob_id = int(re.search(r'id="account-(\d+)">\s*<td>bob@example.com', (await admin.get("/admin")).text).group(1))
    clock.tick(601)  # past the confirmation that logging in gave
    assert (await admin.post(f"/admin/users/{bob_id}/reset-link")).headers["location"] == "/admin/confirm"
    await admin.post("/admin/confirm", {"password": PASSWORD})
    await admin.get("/admin")
    link = await make_link(admin, bob_id)
    assert flashes((await admin.get("/admin")).text) == []
    pending = text_of((await admin.get("/admin")).text).split("Pending account links")[1].split("What admins did")[0]
    assert "password reset bob@example.com ann@example.com" in pending

    stranger = await make_visitor()
    await stranger.get(link)
    assert "For bob@example.com" in text_of((await stranger.get("/password/reset")).text)
    done = await stranger.post("/password/reset", {"password": NEW_PASSWORD, "verify": NEW_PASSWORD})
    assert done.headers["location"] == "/login"
    assert (await bob.get("/")).headers["location"] == "/login", "bob's session ended"
    assert (await (await make_visitor()).login("bob@example.com", NEW_PASSWORD)).headers["location"] == "/"

    lines = audit_lines((await admin.get("/admin")).text)
    assert lines[0].endswith("bob@example.com Used password reset link (link 1) bob@example.com")
    assert "ann@example.com Made password reset link (link 1, lasts 1 hour) bob@example.com" in lines[1]


async def test_links_can_be_revoked_and_expire_each_with_its_line(user, make_visitor, app, clock):
    admin = user
    await (await make_visitor()).register("bob@example.com")
    bob_id = 2
    assert (await admin.post(f"/admin/users/{bob_id}/reset-link", {"minutes": "9"})).headers["location"] == (
        "/admin#accounts"
    )
    assert flashes((await admin.get("/admin")).text) == ["A reset link lasts from 10 minutes to 7 days."]

    revoked = await make_link(admin, bob_id, "10")
    replacing = await make_link(admin, bob_id, "10")
    assert (await admin.post("/admin/links/2/revoke")).headers["location"] == "/admin#links"
    assert flashes((await admin.get("/admin")).text) == ["Link revoked."]
    await admin.post("/admin/links/2/revoke")
    assert flashes((await admin.get("/admin")).text) == ["That link was used, revoked or expired already."]
    expiring = await make_link(admin, bob_id, "10")
    clock.tick(600)
    assert (await remove_expired(app.state.db, app.state.settings)).links == 1

    for link in (revoked, replacing, expiring):
        visitor = await make_visitor()
        await visitor.get(link)
        assert account_links.REFUSED in text_of((await visitor.get("/password/reset")).text)
    admin = await make_visitor()
    await admin.login("ann@example.com")
    lines = audit_lines((await admin.get("/admin")).text)
    assert lines[0].endswith("housekeeping Password reset link expired (link 3, unused) bob@example.com")
    assert "ann@example.com Revoked password reset link (link 2) bob@example.com" in lines[2]
    assert "ann@example.com Revoked password reset link (link 1, replaced by a new one) bob@example.com" in lines[4]


async def test_the_command_line_prints_a_reset_link_that_works(user, visitor, settings: Settings):
    environment = {
        "FLICKLIST_DATABASE_URL": settings.database_url,
        "FLICKLIST_SECRET_KEY": settings.secret_key,
        "FLICKLIST_PUBLIC_ORIGIN": "https://films.example.org",
    }
    printed = run_main("users", "reset-link", "Ann@Example.com", "--minutes", "30", environment=environment)
    assert printed.returncode == 0, printed.stderr
    heading, link = printed.stdout.splitlines()
    assert heading == "Password reset link for ann@example.com, good once, for 30 minutes:"
    assert link.startswith("https://films.example.org/password/reset/")

    await visitor.get(link.removeprefix("https://films.example.org"))
    done = await visitor.post("/password/reset", {"password": NEW_PASSWORD, "verify": NEW_PASSWORD})
    assert done.headers["location"] == "/login"
    assert (await user.get("/")).headers["location"] == "/login"
    await user.login("ann@example.com", NEW_PASSWORD)
    assert "command line Made password reset link (link 1, lasts 30 minutes) ann@example.com" in text_of(
        (await user.get("/admin")).text
    )

    too_long = run_main("users", "reset-link", "ann@example.com", "--minutes", "10081", environment=environment)
    assert too_long.returncode == 1 and "--minutes goes from 10 to 10,080 (7 days)." in too_long.stderr


async def test_a_reset_link_ends_when_its_account_logs_in(user, make_visitor, clock):
    """Bob remembered his password after all: the link the admin made him is not needed, and
    whoever else saw it cannot use it."""
    admin, bob = user, await make_visitor()
    await bob.register("bob@example.com")
    bob_id = int(re.search(r'id="account-(\d+)">\s*<td>bob@example.com', (await admin.get("/admin")).text).group(1))
    link = await make_link(admin, bob_id)
    assert (await (await make_visitor()).login("bob@example.com", PASSWORD)).headers["location"] == "/"
    stranger = await make_visitor()
    await stranger.get(link)
    refused = await stranger.get("/password/reset")
    assert refused.status_code == 400 and account_links.REFUSED in text_of(refused.text)
    tried = await stranger.post("/password/reset", {"password": NEW_PASSWORD, "verify": NEW_PASSWORD})
    assert tried.headers["location"] == "/password/reset", "back to the refusal, nothing set"
    assert (await (await make_visitor()).login("bob@example.com", PASSWORD)).headers["location"] == "/"
    assert "Revoked password reset link (link 1, logged in)" in " ".join(audit_lines((await admin.get("/admin")).text))
