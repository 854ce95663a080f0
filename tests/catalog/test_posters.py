"""Posters: fetched from TMDB in the background (a stand-in server answering as TMDB's
documentation says, tests/tmdb_fake.py), kept in the poster folder, served by FlickList;
placeholders until then, and always without a key."""

import asyncio
import re
import time
import xml.etree.ElementTree as ElementTree
from contextlib import AsyncExitStack

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from support import Visitor, make_settings
from tmdb_fake import API_KEY, FakeTMDB, RunningTMDB, poster_image

from flicklist.posters import fetcher as fetching
from flicklist.posters.fetcher import poster_fetcher
from flicklist.posters.placeholder import placeholder_svg
from flicklist.posters.tmdb import MAX_POSTER_BYTES
from flicklist.tables import film_posters

HEAT = "tt0000101"


@pytest.fixture
def settings(database_url, tmp_path):
    """This module's apps keep posters in the test's own folder."""
    return make_settings(database_url, poster_dir=str(tmp_path / "posters"))


@pytest.fixture
def tmdb():
    fake = FakeTMDB(posters={imdb_id: poster_image(imdb_id) for imdb_id in (HEAT, "tt0000107", "tt0000108")})
    running = RunningTMDB(fake)
    yield fake
    running.stop()


def keyed(tmdb: FakeTMDB, **environment: str) -> dict[str, str]:
    return {"tmdb_api_key": API_KEY, "tmdb_api_url": f"{tmdb.url}/3", **environment}


@pytest.fixture
async def make_fetcher(app, tmdb):
    """Poster fetchers on the app's database and poster folder, as a worker with a key runs
    them, driven a step at a time by the test (the app itself has no key, so no task of its own)."""
    stack = AsyncExitStack()

    async def make(**environment: str) -> fetching.PosterFetcher:
        settings = make_settings(
            app.state.settings.database_url, poster_dir=str(app.state.settings.poster_dir), **keyed(tmdb, **environment)
        )
        return await stack.enter_async_context(poster_fetcher(app.state.db, settings))

    async with stack:
        yield make


@pytest.fixture
async def fetcher(make_fetcher) -> fetching.PosterFetcher:
    return await make_fetcher()


async def poster_state(app, film_id: int) -> tuple | None:
    async with app.state.db.engine.connect() as connection:
        found = await connection.execute(
            select(film_posters.c.state, film_posters.c.tries, film_posters.c.next_try_at).where(
                film_posters.c.film_id == film_id
            )
        )
        return found.first()


async def poster_of(visitor: Visitor, film_id: int):
    return await visitor.client.get(f"/films/{film_id}/poster")


async def poster_arriving(visitor: Visitor, film_id: int):
    """The film's poster once the background fetch has stored it (10 s at most)."""
    deadline = time.monotonic() + 10
    while (poster := await poster_of(visitor, film_id)).headers["content-type"] != "image/png":
        assert time.monotonic() < deadline, "the poster never arrived"
        await asyncio.sleep(0.05)
    return poster


def row_poster_ids(page: str) -> list[str]:
    return re.findall(r'src="/movies/(\d+)/poster"', page)


@pytest.fixture
async def make_ann(make_settings_app, settings):
    """Ann, registered on an app of this test's database and poster folder, with the settings given."""
    stack = AsyncExitStack()

    async def make(**environment: str) -> Visitor:
        app = await make_settings_app(poster_dir=str(settings.poster_dir), **environment)
        client = AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver")
        ann = Visitor(await stack.enter_async_context(client))
        await ann.register("ann@example.com")
        return ann

    async with stack:
        yield make


async def test_a_film_added_gets_its_poster_from_tmdb_which_flicklist_serves(catalog, tmdb, make_ann):
    ann = await make_ann(**keyed(tmdb))
    await ann.post("/movies", {"film": str(catalog[HEAT])})
    poster = await poster_arriving(ann, catalog[HEAT])
    page = (await ann.get("/")).text
    film_page = (await ann.get(f"/films/{catalog[HEAT]}")).text
    [movie_id] = row_poster_ids(page)
    row_poster = await ann.client.get(f"/movies/{movie_id}/poster")
    assert poster.content == row_poster.content == tmdb.posters[HEAT]
    assert f'src="/films/{catalog[HEAT]}/poster" alt="Poster: Heat"' in film_page
    assert "This product uses the TMDB API but is not endorsed or certified by TMDB." in film_page
    assert "max-age=2592000" in poster.headers["cache-control"]
    [find] = tmdb.finds()
    assert find.path == f"/3/find/{HEAT}" and find.query == {"external_source": "imdb_id", "api_key": API_KEY}
    assert tmdb.url not in page and "tmdb" not in page.lower(), "the browser is never sent to TMDB"


async def test_films_shown_by_the_search_get_their_posters(catalog, tmdb, make_ann):
    ann = await make_ann(**keyed(tmdb))
    listbox = (await ann.get("/films/search?q=dune")).text
    assert f'<img class="poster" src="/films/{catalog["tt0000107"]}/poster" alt=""' in listbox
    await poster_arriving(ann, catalog["tt0000108"])
    assert {asked.path for asked in tmdb.finds()} >= {"/3/find/tt0000107", "/3/find/tt0000108"}


async def test_without_a_key_nobody_asks_tmdb_and_rows_show_placeholders(catalog, tmdb, make_ann):
    ann = await make_ann(tmdb_api_url=f"{tmdb.url}/3")  # TMDB's address alone is not enough
    await ann.post("/movies", {"film": str(catalog[HEAT])})
    await ann.add("My cousin's <wedding> video")
    film_page = (await ann.get(f"/films/{catalog[HEAT]}")).text
    await ann.get("/films/search?q=heat")
    await asyncio.sleep(0.3)
    placeholder = await poster_of(ann, catalog[HEAT])
    page = (await ann.get("/")).text
    rows = [await ann.client.get(f"/movies/{movie_id}/poster") for movie_id in row_poster_ids(page)]
    assert tmdb.asked == []
    assert "TMDB" not in film_page
    assert placeholder.headers["content-type"].startswith("image/svg+xml")
    assert "Heat" in placeholder.text and "1995" in placeholder.text
    assert [row.text for row in rows] == [placeholder_svg("My cousin's <wedding> video", None), placeholder.text]


async def test_a_placeholder_is_a_card_of_the_title_and_year_in_a_colour_of_its_own(user, catalog):
    heat, heat_again = await poster_of(user, catalog[HEAT]), await poster_of(user, catalog[HEAT])
    dune = await poster_of(user, catalog["tt0000107"])

    def fill(response) -> str:
        return ElementTree.fromstring(response.text).find("{http://www.w3.org/2000/svg}rect").get("fill")

    assert heat.text == heat_again.text and fill(heat) != fill(dune)
    assert "Dune" in dune.text and "1984" in dune.text
    await user.add("<script>alert(1)</script> & co")
    [movie_id] = row_poster_ids((await user.get("/")).text)
    typed = await user.client.get(f"/movies/{movie_id}/poster")
    words = "".join(ElementTree.fromstring(typed.text).itertext())  # well-formed: the title is text, not markup
    assert "<script>" in words and "& co" in words
    assert (await user.client.get("/films/999999/poster")).status_code == 404


async def test_a_rows_poster_is_its_owners_alone(user, make_visitor):
    await user.add("Our holiday in Wales")
    [movie_id] = row_poster_ids((await user.get("/")).text)
    assert "Wales" in (await user.client.get(f"/movies/{movie_id}/poster")).text
    bob = await make_visitor()
    await bob.register("bob@example.com")
    stranger = await bob.client.get(f"/movies/{movie_id}/poster")
    assert stranger.status_code == 404 and "Wales" not in stranger.text


async def test_a_film_tmdb_has_no_poster_for_is_remembered_and_not_asked_again(user, app, catalog, tmdb, fetcher):
    tmdb.without_poster.add("tt0000102")
    film = catalog["tt0000102"]
    assert await fetcher.fetch(film)
    assert not await fetcher.fetch(film)
    assert len(tmdb.finds()) == 1
    state, _, next_try_at = await poster_state(app, film)
    assert state == "missing" and next_try_at > time.time() + 29 * 24 * 3600
    placeholder = await poster_of(user, film)
    assert placeholder.headers["content-type"].startswith("image/svg+xml") and "1986" in placeholder.text


async def test_a_failed_fetch_is_tried_again_after_a_wait_that_doubles(user, app, catalog, tmdb, fetcher, monkeypatch):
    tmdb.failures[HEAT] = [500, 503]
    film, start = catalog[HEAT], time.time()
    assert await fetcher.fetch(film)
    assert (await poster_state(app, film))[:2] == ("retry", 1)
    assert not await fetcher.fetch(film), "not before the wait is over"
    monkeypatch.setattr(time, "time", lambda: start + 61)
    assert await fetcher.fetch(film)
    assert (await poster_state(app, film))[:2] == ("retry", 2)
    monkeypatch.setattr(time, "time", lambda: start + 61 + 119)
    assert not await fetcher.fetch(film), "the second wait is two minutes"
    monkeypatch.setattr(time, "time", lambda: start + 61 + 121)
    assert await fetcher.fetch(film)
    assert (await poster_state(app, film))[0] == "stored"
    assert len(tmdb.finds()) == 3
    assert (await poster_of(user, film)).content == tmdb.posters[HEAT]


async def test_tmdbs_retry_after_holds_every_request_back(app, catalog, tmdb, fetcher):
    tmdb.retry_after.append(2)
    assert await fetcher.fetch(catalog[HEAT])
    state, tries, next_try_at = await poster_state(app, catalog[HEAT])
    assert (state, tries) == ("retry", 0) and next_try_at - time.time() <= 2.5, "TMDB's wait, not a failure's"
    assert await fetcher.fetch(catalog["tt0000107"])
    refused, *after = [asked for asked in tmdb.asked if asked.path.startswith("/3/")]
    assert after and after[0].at - refused.at >= 1.9
    assert (await poster_state(app, catalog["tt0000107"]))[0] == "stored"


async def test_at_most_four_requests_at_once(app, catalog, tmdb, fetcher):
    tmdb.delay = 0.2
    tmdb.without_poster.update(catalog)
    fetcher.want(catalog.values())
    assert await fetcher.fetch_due() == len(catalog)
    assert 2 <= tmdb.most_in_flight <= fetching.CONCURRENCY
    for imdb_id in (HEAT, "tt0000107", "tt0000108"):
        assert (await poster_state(app, catalog[imdb_id]))[0] == "stored"


async def test_at_most_twenty_api_requests_a_second(catalog, tmdb, fetcher):
    tmdb.without_poster.update(catalog)
    fetcher.want(catalog.values())
    assert await fetcher.fetch_due() == len(catalog)
    api = sorted(asked.at for asked in tmdb.asked if asked.path.startswith("/3/"))
    assert len(api) > len(catalog) and api[-1] - api[0] >= (len(api) - 1) / 20 * 0.95


async def test_a_refused_key_is_not_hammered(app, catalog, tmdb, make_fetcher):
    wrong = await make_fetcher(tmdb_api_key="not-the-key")
    wrong.want([catalog[HEAT]])
    running = asyncio.create_task(wrong.run())
    try:
        deadline = time.monotonic() + 5
        while not tmdb.asked:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        wrong.want([catalog["tt0000107"]])
        await asyncio.sleep(0.5)
    finally:
        running.cancel()
    assert len(tmdb.asked) == 1
    assert (await poster_state(app, catalog[HEAT]))[:2] == ("retry", 0), "the film is not blamed for the key"


async def test_two_workers_wanting_one_poster_ask_tmdb_once(app, catalog, tmdb, make_fetcher):
    tmdb.delay = 0.2
    first, second = await make_fetcher(), await make_fetcher()
    tried = await asyncio.gather(first.fetch(catalog[HEAT]), second.fetch(catalog[HEAT]))
    assert sorted(tried) == [False, True]
    assert len(tmdb.finds()) == 1


@pytest.mark.parametrize(
    "body", [b"<html>Service unavailable</html>", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_POSTER_BYTES], ids=["html", "huge"]
)
async def test_what_is_not_a_poster_is_not_kept(user, app, catalog, tmdb, fetcher, body):
    tmdb.image_body[HEAT] = body
    assert await fetcher.fetch(catalog[HEAT])
    assert (await poster_state(app, catalog[HEAT]))[:2] == ("retry", 1)
    assert list(app.state.settings.poster_dir.glob("*")) == []
    assert (await poster_of(user, catalog[HEAT])).headers["content-type"].startswith("image/svg+xml")


async def test_a_poster_file_gone_from_the_folder_gives_the_placeholder(user, app, catalog, fetcher):
    assert await fetcher.fetch(catalog[HEAT])
    assert (await poster_of(user, catalog[HEAT])).headers["content-type"] == "image/png"
    for file in app.state.settings.poster_dir.glob("*"):
        file.unlink()
    gone = await poster_of(user, catalog[HEAT])
    assert gone.status_code == 200 and gone.headers["content-type"].startswith("image/svg+xml")
