"""The admin page, as the instance's admin and as everyone else sees it: accounts, sign-up
modes, the confirmation that changes to accounts ask for, and the audit trail."""

import re

from support import flashes, text_of, texts_of_class

from flicklist.auth import DISABLED


def audit_trail(admin_page: str) -> list[str]:
    """Each line of the audit trail but its time: who, what, to whom."""
    return [line.split(" ", 4)[-1] for line in texts_of_class(admin_page, "audit-line")]


def account_id(admin_page: str, email: str) -> int:
    match = re.search(rf'<tr class="account" id="account-(\d+)">\s*<td>{re.escape(email)}', admin_page)
    assert match, f"{email} is not listed on the admin page"
    return int(match.group(1))


async def test_the_first_account_is_the_admin_and_later_ones_are_not(admin, make_visitor):
    page = await admin.get("/admin")
    assert page.status_code == 200
    assert '<a href="/admin">Admin</a>' in (await admin.get("/")).text, "the account menu links to it"
    bob = await make_visitor()
    await bob.register("bob@example.com")
    assert (await bob.get("/admin")).status_code == 404
    assert '<a href="/admin">Admin</a>' not in (await bob.get("/")).text


async def test_every_admin_route_answers_non_admins_as_if_it_did_not_exist(app, admin, make_visitor):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await bob.get("/")
    missing = await bob.get("/no-such-page")
    admin_paths = [route for route in app.routes if getattr(route, "path", "").startswith("/admin")]
    assert len(admin_paths) >= 12
    for route in admin_paths:
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in route.methods - {"HEAD"}:
            answer = await (bob.get(path) if method == "GET" else bob.post(path, {"mode": "closed", "confirm": "x"}))
            assert answer.status_code == 404, f"{method} {path}"
            assert text_of(answer.text) == text_of(missing.text), "word for word the page of a page that is not there"
    stranger = await make_visitor()
    assert (await stranger.get("/admin")).headers["location"] == "/login?next=/admin", "as any page behind the wall"
    assert "Sign-up is now" not in text_of((await admin.get("/admin")).text), "bob changed nothing"


async def test_the_admin_page_lists_accounts_with_what_each_holds(admin, make_visitor):
    for title in ("Heat", "Alien"):
        await admin.add(title)
    bob = await make_visitor()
    await bob.register("bob@example.com")
    rows = texts_of_class((await admin.get("/admin")).text, "account")
    assert rows[0].startswith("ann@example.com") and " 2 no admin you" in rows[0]
    assert rows[1].startswith("bob@example.com") and " 0 no user Manage" in rows[1]
    counts = text_of((await admin.get("/admin")).text)
    assert "Accounts 2 Logged-in sessions 2 Films on lists 2" in counts


async def test_the_sign_up_mode_set_on_the_page_closes_and_opens_registration(admin, make_visitor):
    assert flashes((await admin.post("/admin/registration", {"mode": "closed"}) and await admin.get("/admin")).text)
    visitor = await make_visitor()
    page = text_of((await visitor.get("/register")).text)
    assert "New accounts are not being made on this FlickList. Ask its admin for one." in page
    refused = await visitor.register("bob@example.com")
    assert refused.status_code == 403
    assert (await visitor.login("bob@example.com")).status_code == 303
    assert "bob@example.com" not in text_of((await admin.get("/admin")).text), "no account was made"

    await admin.post("/admin/registration", {"mode": "open"})
    assert (await visitor.register("bob@example.com")).headers["location"] == "/"
    assert audit_trail((await admin.get("/admin")).text)[:2] == [
        "ann@example.com Set sign-up mode (open)",
        "ann@example.com Set sign-up mode (closed)",
    ]


async def test_the_environment_wins_over_the_page_and_the_page_says_so(make_settings_app, visitor_of):
    app = await make_settings_app(registration="closed")
    ann = await visitor_of(app)
    await ann.get("/register")
    assert (await ann.register("ann@example.com")).status_code == 403, "closed, even for the first account"
    from flicklist.auth import create_user

    await create_user(app.state.db, "ann@example.com", "correct horse battery staple")
    await ann.login("ann@example.com")
    page = (await ann.get("/admin")).text
    assert "FLICKLIST_REGISTRATION=closed is set in the server's environment, and wins over this page." in text_of(page)
    await ann.post("/admin/registration", {"mode": "open"})
    assert "FLICKLIST_REGISTRATION=closed is set" in flashes((await ann.get("/admin")).text)[-1]
    assert (await (await visitor_of(app)).register("bob@example.com")).status_code == 403


async def test_changing_accounts_needs_the_password_given_in_the_last_ten_minutes(admin, make_visitor, clock):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    bob_id = account_id((await admin.get("/admin")).text, "bob@example.com")
    clock.tick(601)
    asked = await admin.post(f"/admin/users/{bob_id}/disable")
    assert asked.headers["location"] == "/admin/confirm"
    assert (await bob.get("/")).status_code == 200, "nothing happened yet"
    page = await admin.get("/admin/confirm")
    assert "Changes to other people's accounts need your password or a passkey" in text_of(page.text)
    await admin.post("/admin/confirm", {"password": "not my password at all"})
    assert flashes((await admin.get("/admin/confirm")).text)[-1] == "That is not your current password."
    assert (await admin.post(f"/admin/users/{bob_id}/disable")).headers["location"] == "/admin/confirm"
    await admin.post("/admin/confirm", {"password": "correct horse battery staple"})
    assert (await admin.post(f"/admin/users/{bob_id}/disable")).headers["location"] == "/admin#accounts"
    assert flashes((await admin.get("/admin")).text)[-1] == "bob@example.com is disabled; their sessions have ended."


async def test_a_disabled_account_is_logged_out_at_once_cannot_log_in_and_keeps_its_data(admin, make_visitor):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await bob.add("Paris, Texas")
    bob_id = account_id((await admin.get("/admin")).text, "bob@example.com")
    await admin.post(f"/admin/users/{bob_id}/disable")
    assert (await bob.get("/")).headers["location"] == "/login", "the session ended at once"
    refused = await bob.login("bob@example.com")
    assert refused.status_code == 403 and DISABLED in text_of(refused.text)
    assert (await bob.get("/")).headers["location"] == "/login"
    assert "disabled" in texts_of_class((await admin.get("/admin")).text, "account")[1]

    await admin.post(f"/admin/users/{bob_id}/enable")
    assert (await bob.login("bob@example.com")).headers["location"] == "/"
    assert "Paris, Texas" in text_of((await bob.get("/")).text)
    assert audit_trail((await admin.get("/admin")).text)[:2] == [
        "ann@example.com Enabled account bob@example.com",
        "ann@example.com Disabled account bob@example.com",
    ]


async def test_ending_a_users_sessions_logs_out_every_browser_of_theirs(admin, make_visitor):
    bob_laptop, bob_phone = await make_visitor(), await make_visitor()
    await bob_laptop.register("bob@example.com")
    await bob_phone.login("bob@example.com")
    bob_id = account_id((await admin.get("/admin")).text, "bob@example.com")
    await admin.post(f"/admin/users/{bob_id}/end-sessions")
    assert (
        flashes((await admin.get("/admin")).text)[-1] == "bob@example.com is logged out everywhere (2 sessions ended)."
    )
    for browser in (bob_laptop, bob_phone):
        assert (await browser.get("/")).headers["location"] == "/login"
    assert (await admin.get("/")).status_code == 200, "the admin's own session stays"
    assert (await bob_phone.login("bob@example.com")).headers["location"] == "/", "bob may log in again"


async def test_deleting_an_account_takes_its_email_typed_exactly(admin, make_visitor):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await bob.add("Heat")
    bob_id = account_id((await admin.get("/admin")).text, "bob@example.com")
    await admin.post(f"/admin/users/{bob_id}/delete", {"confirm": "bob@example.org"})
    assert flashes((await admin.get("/admin")).text)[-1] == "To delete an account, type its email address exactly."
    assert (await bob.get("/")).status_code == 200
    await admin.post(f"/admin/users/{bob_id}/delete", {"confirm": "Bob@Example.com "})
    assert flashes((await admin.get("/admin")).text)[-1] == "Deleted bob@example.com and their 1 films."
    assert (await bob.get("/")).headers["location"] == "/login"
    assert (
        audit_trail((await admin.get("/admin")).text)[0] == "ann@example.com Deleted account (1 films) bob@example.com"
    )


async def test_promoting_shows_the_admin_page_and_demoting_hides_it_again(admin, make_visitor):
    bob = await make_visitor()
    await bob.register("bob@example.com")
    bob_id = account_id((await admin.get("/admin")).text, "bob@example.com")
    await admin.post(f"/admin/users/{bob_id}/promote")
    assert (await bob.get("/admin")).status_code == 200
    await admin.post(f"/admin/users/{bob_id}/promote")
    trail = audit_trail((await admin.get("/admin")).text)
    assert [line for line in trail if "Made admin" in line] == ["ann@example.com Made admin bob@example.com"], (
        "promoting an admin changes nothing, so the trail says nothing"
    )
    await admin.post(f"/admin/users/{bob_id}/demote")
    assert (await bob.get("/admin")).status_code == 404


async def test_an_admin_cannot_disable_demote_or_delete_their_own_account_from_the_admin_page(admin):
    own_id = 1
    for action in ("disable", "demote", "end-sessions"):
        await admin.post(f"/admin/users/{own_id}/{action}")
        assert flashes((await admin.get("/admin")).text)[-1] == (
            "That is your own account: change it from your account page."
        )
    assert (await admin.get("/admin")).status_code == 200


async def test_with_require_mfa_the_admin_page_needs_a_second_factor(make_settings_app, visitor_of):
    app = await make_settings_app(require_mfa="true")
    ann = await visitor_of(app)
    await ann.register("ann@example.com")
    assert (await ann.get("/admin")).headers["location"] == "/account"
