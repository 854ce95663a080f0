"""Sessions end when they should: logout, password change, "log out everywhere", lifetimes.
What the cookie shows: tests/security/test_session_cookie.py."""

import asyncio
import re

from sqlalchemy import select, update
from support import PASSWORD, csrf_token_in, flashes

from flicklist.tables import login_sessions, movies, users

NEW_PASSWORD = "a brand new passphrase for ann"


async def second_browser(make_visitor, email="ann@example.com"):
    other = await make_visitor()
    assert (await other.login(email)).headers["location"] == "/"
    return other


async def test_logged_in_pages_are_never_cached(user):
    response = await user.get("/")
    assert response.headers["cache-control"] == "no-store"


async def test_logout_clears_the_browsers_cache_and_storage(user):
    response = await user.logout()
    assert response.headers["clear-site-data"] == '"cache", "storage"'


async def test_login_replaces_a_planted_session_so_the_victim_is_not_logged_in_as_the_attacker(make_visitor):
    mallory = await make_visitor()
    await mallory.register("mallory@example.com")
    await mallory.add("Planted")
    victim = await make_visitor()
    victim.client.cookies.update(mallory.client.cookies)  # Mallory's logged-in cookie, planted
    assert (await victim.login("ann@example.com")).headers["location"] == "/login", "no account yet"
    planted_token = csrf_token_in((await mallory.get("/")).text)
    await victim.register("ann@example.com")
    page = (await victim.get("/")).text
    assert csrf_token_in(page) != planted_token, "nothing of the planted session carries over, its CSRF token included"
    assert "ann@example.com" in page and "Planted" not in page and "mallory@" not in page
    assert victim.client.cookies["flicklist_session"] != mallory.client.cookies["flicklist_session"]
    mallorys = (await mallory.get("/")).text
    assert "mallory@example.com" in mallorys and "ann@example.com" not in mallorys, "the planted copy is not Ann's"
    await victim.logout()
    await victim.login("ann@example.com")
    assert "ann@example.com" in (await victim.get("/")).text


async def test_changing_the_password_makes_a_copy_of_this_browsers_cookie_worthless(user, make_visitor, app):
    copy = await make_visitor()
    copy.client.cookies.update(user.client.cookies)  # taken before the change
    assert (await copy.get("/")).status_code == 200
    await user.get("/account")
    response = await user.post(
        "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "verify": NEW_PASSWORD}, htmx=True
    )
    assert response.headers["hx-redirect"] == "/account", "the page reloads with the new session's token"
    assert (await copy.get("/")).headers["location"] == "/login"
    page = await user.get("/account")
    assert page.status_code == 200, "this browser stays logged in, on a new session"
    assert (await user.add("Heat")).headers["location"] == "/", "and its forms work with the new token"
    async with app.state.db.engine.connect() as connection:
        assert len((await connection.execute(select(login_sessions.c.token_hash))).all()) == 1


async def test_the_session_cookie_stays_under_what_a_browser_keeps(user):
    largest = 0
    for n in range(40):  # plain-form adds, no page read in between: the flashes pile up
        response = await user.add(f"{n} " + "Ж" * 190)
        largest = max(largest, len(response.headers["set-cookie"]))
    refused = await user.add("é" * 5000)
    largest = max(largest, len(refused.headers["set-cookie"]))
    assert largest < 4096, largest
    page = (await user.get("/")).text
    shown = flashes(page)
    assert shown[-1] == "A title can be at most 200 characters long.", "the newest flash is kept"
    assert 1 <= len(shown) <= 5
    typed = re.search(r'name="title"[^>]*value="([^"]*)"', page)
    assert typed and typed.group(1).startswith("é" * 50), "what was typed comes back, cut short"


async def test_changing_the_password_logs_out_every_other_session(user, make_visitor):
    other = await second_browser(make_visitor)
    await user.get("/account")
    response = await user.post(
        "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "verify": NEW_PASSWORD}
    )
    assert response.headers["location"] == "/account"
    assert flashes((await user.get("/account")).text) == [
        "Password changed. Every other browser you were logged in on has been logged out."
    ]
    assert (await other.get("/")).headers["location"] == "/login"
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/login"
    assert (await user.login("ann@example.com", password=NEW_PASSWORD)).headers["location"] == "/"


async def test_changing_the_password_needs_the_current_one_and_keeps_it_otherwise(user):
    await user.get("/account")
    response = await user.post(
        "/account/password",
        {"current": "not my password at all", "password": NEW_PASSWORD, "verify": NEW_PASSWORD},
        htmx=True,
    )
    assert response.status_code == 422
    assert '<p class="field-error" id="current-error">That is not your current password.</p>' in response.text
    await user.logout()
    assert (await user.login("ann@example.com")).headers["location"] == "/"


async def test_log_out_everywhere_else_keeps_this_browser(user, make_visitor):
    other = await second_browser(make_visitor)
    await user.get("/account")
    await user.post("/account/logout-others")
    assert (await other.get("/")).headers["location"] == "/login"
    assert (await user.get("/")).status_code == 200


async def test_deleting_the_account_takes_its_movies_and_sessions(user, make_visitor, app):
    other = await second_browser(make_visitor)
    await user.add("Heat")
    await user.get("/account")
    refused = await user.post("/account/delete", {"confirm": "wrong password here"})
    assert refused.headers["location"] == "/account"
    response = await user.post("/account/delete", {"confirm": PASSWORD})
    assert response.headers["location"] == "/register"
    assert flashes((await user.get("/register")).text) == ["Your account and its 1 movie are deleted. Goodbye!"]
    assert (await other.get("/")).headers["location"] == "/login"
    async with app.state.db.engine.connect() as connection:
        for table in (users, movies, login_sessions):
            assert (await connection.execute(select(table))).all() == []


async def test_an_idle_session_ends(user, app):
    idle = app.state.settings.session_idle_seconds
    async with app.state.db.engine.begin() as connection:
        await connection.execute(update(login_sessions).values(last_seen_at=login_sessions.c.last_seen_at - idle - 5))
    assert (await user.get("/")).headers["location"] == "/login"
    async with app.state.db.engine.connect() as connection:
        assert (await connection.execute(select(login_sessions.c.token_hash))).all() == [], "deleted on the server"


async def test_a_session_in_use_stays_alive_through_a_burst_of_requests(user, app):
    """Seen again within the idle limit, the session starts a new idle limit, whichever request
    of a burst writes it."""
    idle = app.state.settings.session_idle_seconds

    async def move_last_seen_back(seconds: int) -> None:
        async with app.state.db.engine.begin() as connection:
            await connection.execute(
                update(login_sessions).values(last_seen_at=login_sessions.c.last_seen_at - seconds)
            )

    await move_last_seen_back(idle - 10)
    burst = await asyncio.gather(*(user.get("/") for _ in range(8)))
    assert [response.status_code for response in burst] == [200] * 8
    await move_last_seen_back(20)  # idle + 10 seconds after the first sight, 20 after the burst
    assert (await user.get("/")).status_code == 200


async def test_a_session_ends_at_its_absolute_lifetime_however_active(user, app):
    lifetime = app.state.settings.session_absolute_seconds
    async with app.state.db.engine.begin() as connection:
        await connection.execute(update(login_sessions).values(created_at=login_sessions.c.created_at - lifetime - 5))
    assert (await user.get("/")).headers["location"] == "/login"
