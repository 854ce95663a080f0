"""Input the database could choke on (overlong after case folding, NUL and other control
characters, huge emails, digits `int()` refuses, numbers past 64 bits, an Undo of another
kind) and where to go after login (`next` into HX-Redirect): every one a clear answer, never
a 500, and nothing half-written. On PostgreSQL (CI's second run) these
are the probes that found real 500s."""

import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from support import flashes, text_of, texts_of_class

from flicklist.tables import login_sessions, movies, trash, viewings


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


async def counts(app) -> dict[str, int]:
    async with app.state.db.engine.connect() as connection:
        return {
            table.name: (await connection.execute(select(func.count()).select_from(table))).scalar_one()
            for table in (movies, viewings, trash)
        }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/stats?year=²", "Choose a year from the list"),
        ("/stats?year=99999999999999999999", "Choose a year from the list"),
        ("/?decade=²", "That list link is broken"),
        ("/?decade=\uff11\uff19\uff19\uff10s", "That list link is broken"),
        ("/?length=²", "That list link is broken"),
        ("/pick?length=\uff19\uff10", "That list link is broken"),
        ("/?after=².5", "That “Show more” link is broken"),
        ("/?sort=year&after=1.99999999999999999999", "That “Show more” link is broken"),
        ("/?sort=year&after=99999999999999999999.1990", "That “Show more” link is broken"),
        ("/watched?sort=rating&after=1.\uff11", "That “Show more” link is broken"),
        ("/?sort=title&after=1.heat%00", "That “Show more” link is broken"),
        ("/diary?after=99999999999999999999.2024-01-01", "That “Show more” link is broken"),
        ("/diary?after=².2024-01-01", "That “Show more” link is broken"),
    ],
)
async def test_unicode_digits_and_numbers_past_64_bits_in_a_link_are_a_400_saying_which_link(user, url, message):
    response = await user.get(url)
    assert response.status_code == 400
    assert message in text_of(response.text)


@pytest.mark.parametrize("path", ["/s/%C2%B2.x", "/s/99999999999999999999.x", "/s/%EF%BC%91.x", "/s/1.x/posters/1"])
async def test_a_share_link_of_unicode_digits_or_a_huge_number_is_a_plain_404(visitor, path):
    response = await visitor.get(path)
    assert response.status_code == 404
    assert "That page does not exist." in text_of(response.text)


@pytest.mark.parametrize("path", ["/movies/2147483648", "/movies/99999999999999999/log", "/films/%C2%B2"])
async def test_an_id_in_a_path_past_what_the_database_holds_is_a_404(user, path):
    assert (await user.get(path)).status_code == 404


@pytest.mark.parametrize("film", ["²", "\uff11", "99999999999999999999", "-1", "1.0"])
async def test_adding_a_film_by_an_odd_id_says_it_is_not_in_the_catalog_and_stores_nothing(user, app, film):
    response = await user.post("/movies", {"title": "Heat", "film": film})
    assert response.status_code == 303
    assert flashes((await user.get("/")).text) == [
        "That film is not in the catalog (any more). Type its title instead."
    ]
    assert await stored_titles(app) == []


async def test_an_add_while_the_page_shows_an_odd_filter_adds_the_film_once_and_answers(user, app):
    response = await user.post(
        "/movies", {"title": "Heat"}, htmx=True, headers={"HX-Current-URL": "http://testserver/?decade=%C2%B2"}
    )
    assert response.status_code == 200
    assert flashes(response.text) == ["Added 'Heat' to your watchlist."]
    assert await stored_titles(app) == [("Heat", "heat")]


async def test_odd_ticks_on_a_bulk_form_are_a_422_and_change_nothing(user, app):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    before = await counts(app)
    response = await user.post("/movies/bulk", {"action": "delete", "movie": [str(movie_id), "²"]}, htmx=True)
    assert response.status_code == 422
    assert flashes(response.text) == ["Tick at most 500 films at a time."]
    assert await counts(app) == before


async def test_putting_back_with_an_odd_viewing_is_refused_and_the_film_stays_watched(user):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    await user.post(f"/movies/{movie_id}/watched")
    response = await user.post(f"/movies/{movie_id}/unwatched", {"viewing": "²"}, htmx=True)
    assert response.status_code == 422
    assert flashes(response.text) == ["That undo link is not valid."]
    assert await user.movie_id("Heat", page="/watched") == movie_id


def undo_token(page: str) -> str:
    return re.findall(r'<input type="hidden" name="undo" value="([^"]+)">', page)[-1]


async def test_an_undo_token_posted_to_another_kinds_undo_is_refused_and_still_works_where_it_belongs(user, app):
    """Three kinds of Undo (a movie deleted, a viewing deleted, films crossed off together),
    each signed for its kind: posted to another kind's route it brings nothing back."""
    for title in ("Heat", "Alien", "Zodiac"):
        await user.add(title)
    heat, alien, zodiac = [await user.movie_id(title) for title in ("Heat", "Alien", "Zodiac")]
    await user.post(f"/movies/{heat}/delete")
    tokens = {"/movies/restore": undo_token((await user.get("/")).text)}
    await user.post("/movies/bulk", {"action": "watched", "movie": [str(alien)]})
    tokens["/movies/bulk/undo"] = undo_token((await user.get("/")).text)
    await user.post(f"/movies/{zodiac}/log", {"watched_on": "2025-01-02", "rating": "4"})
    viewing = re.search(r'id="viewing-(\d+)"', (await user.get(f"/movies/{zodiac}")).text).group(1)
    await user.post(f"/viewings/{viewing}/delete")
    tokens["/viewings/restore"] = undo_token((await user.get("/diary")).text)
    before = await counts(app)
    for route, token in tokens.items():
        for elsewhere in tokens.keys() - {route}:
            response = await user.post(elsewhere, {"undo": token}, htmx=True)
            assert response.status_code == 422, (route, elsewhere)
            assert flashes(response.text) == ["That undo link is not valid."]
    assert await counts(app) == before
    for route, token in tokens.items():
        assert (await user.post(route, {"undo": token})).status_code == 303
    assert await counts(app) == {"movies": 3, "viewings": 1, "trash": 0}  # Alien unwatched, Zodiac logged


async def test_control_characters_are_dropped_from_a_review_and_its_lines_kept(user, app):
    """PostgreSQL cannot store NUL: a review holding one was refused there and kept on SQLite."""
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    typed = "Tense\x00 and long.\r\nThe diner scene\x07 is\u202e the best.\x1b "
    response = await user.post(f"/movies/{movie_id}/log", {"watched_on": "2025-01-02", "review": typed})
    assert response.status_code == 303
    async with app.state.db.engine.connect() as connection:
        stored = (await connection.execute(select(viewings.c.review))).scalar_one()
    assert stored == "Tense and long.\nThe diner scene is the best."
