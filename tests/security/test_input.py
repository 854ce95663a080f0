"""Input the database could choke on (overlong after case folding, NUL and other control
characters, huge emails) and where to go after login (`next` into HX-Redirect): every one a
clear answer, never a 500, and nothing half-written. On PostgreSQL (CI's second run) these
are the probes that found real 500s."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from support import flashes, texts_of_class

from flicklist.tables import login_sessions, movies


async def stored_titles(app) -> list[tuple[str, str]]:
    async with app.state.db.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(select(movies.c.title, movies.c.title_key))]


@pytest.mark.parametrize("title", ["ß" * 150, "ﬃ" * 70, "İ" * 101, "x" * 201, "🎬" * 201])
async def test_a_title_too_long_once_case_folded_is_refused_and_nothing_stored(user, app, title):
    response = await user.add(title)
    assert response.status_code == 303
    assert flashes((await user.get("/")).text) == ["A title can be at most 200 characters long."]
    assert await stored_titles(app) == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Heat\x00", "Heat"),
        ("\x00", None),
        ("Al\x07ien\x1b[31m", "Alien[31m"),
        ("Blade\tRunner\r\n2049", "Blade Runner 2049"),
        ("Zodiac\u202e\u2066", "Zodiac"),
        ("Ame\u0301lie", "Amélie"),  # NFD typed, NFC stored: one title, one key
        ("\x7fMemento\x85", "Memento"),
    ],
)
async def test_control_characters_are_stripped_from_titles(user, app, typed, stored):
    response = await user.add(typed, htmx=True)
    assert response.status_code in (200, 422)
    rows = await stored_titles(app)
    if stored is None:
        assert rows == [] and response.status_code == 422
        return
    assert rows == [(stored, stored.casefold())]
    assert texts_of_class((await user.get("/")).text, "title") == [stored]


async def test_the_same_title_typed_composed_or_decomposed_is_one_movie(user, app):
    await user.add("Amélie")
    await user.add("Ame\u0301lie")
    assert flashes((await user.get("/")).text)[-1] == "'Amélie' is already on your watchlist."
    assert len(await stored_titles(app)) == 1


@pytest.mark.parametrize(
    "email",
    ["a" * 500 + "@example.com", "ann\x00@example.com", "\x00", "ann@exa\x00mple.com", "é" * 400, "ann@" + "x" * 300],
)
@pytest.mark.parametrize("htmx", [False, True])
async def test_odd_emails_at_login_and_sign_up_get_a_message_not_a_500(visitor, email, htmx):
    login = await visitor.login(email, htmx=htmx)
    assert login.status_code in (303, 422)
    register = await visitor.register(email, htmx=htmx)
    assert register.status_code in (303, 422)
    page = (await visitor.get("/register")).text if not htmx else register.text
    assert "That does not look like an email address." in flashes(page)


@pytest.mark.parametrize(
    ("target", "redirect"),
    [
        ("/€", "/%E2%82%AC"),
        ("/watched?q=ü ö", "/watched?q=%C3%BC%20%C3%B6"),
        ("/\x7fwatched", "/"),
        ("/watched\u202e", "/"),
        ("/\x00", "/"),
        ("/" + "a" * 5000, "/"),
    ],
)
async def test_an_htmx_login_sends_the_browser_on_to_a_safe_encoded_next(user, app, target, redirect):
    await user.logout()
    response = await user.login("ann@example.com", htmx=True, next=quote(target, safe=""))
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == redirect
    async with app.state.db.engine.connect() as connection:
        sessions = (await connection.execute(select(func.count()).select_from(login_sessions))).scalar_one()
    assert sessions == 1, "the one session this login made, no orphan"
    assert (await user.get("/")).status_code == 200


@pytest.mark.parametrize("target", ["/\r\nX:1", "/\r\nSet-Cookie: x=1", "/\x7f", "/\x00", "/\x1bx", "/\x85"])
async def test_control_characters_in_next_reach_the_server_and_are_refused(user, target):
    """Sent once-encoded, so the server really sees the control character (not %0d%0a as text)."""
    await user.logout()
    response = await user.login("ann@example.com", next=quote(target, safe="/"))
    assert response.headers["location"] == "/"
