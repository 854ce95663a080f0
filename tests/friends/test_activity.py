"""What the people one follows did, as each lets followers see it: on /friends, newest first a
page at a time, and on a film's page; nothing of anyone who has not accepted one."""

import re

import pytest
from sqlalchemy import select
from support import DATA, befriend, profile_named, text_of

from flicklist.catalog.load import load_catalog
from flicklist.friends.activity import PAGE
from flicklist.tables import films

HEAT = 4  # the loader numbers films most voted first


async def watched_with_review(visitor, film_id: int, review: str, rating: str = "4.5") -> int:
    added = await visitor.post("/movies", {"film": str(film_id)})
    assert added.status_code == 303
    movie_id = int(re.findall(r'action="/movies/(\d+)/watched"', (await visitor.get(f"/films/{film_id}")).text)[0])
    fields = {"watched_on": "2026-12-01", "rating": rating, "review": review}
    assert (await visitor.post(f"/movies/{movie_id}/log", fields)).status_code == 303
    return movie_id


@pytest.fixture
async def bob(app, make_visitor):
    """Bob, known as bobby, on an instance whose catalog has Heat (1995) as film HEAT."""
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    found = await app.state.db.fetch_all(select(films.c.id).where(films.c.imdb_id == "tt0000101"))
    assert found[0][0] == HEAT
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await profile_named(bob, "bobby", "diary", "reviews")
    return bob


async def test_the_people_one_follows_show_what_they_watched_rated_and_reviewed(user, bob, make_visitor):
    await profile_named(user, "Annie", "diary", "reviews")
    await befriend(user, bob, "bobby")
    await watched_with_review(bob, HEAT, "Tense from the first shot.")
    html = (await user.get("/friends")).text
    assert "bobby watched Heat ★★★★★ 4.5 1 Dec 2026 Tense from the first shot." in text_of(html)
    assert f'href="/films/{HEAT}"' in html and 'aria-label="rated 4.5 stars"' in html

    carol = await make_visitor()
    await carol.register("carol@example.com")
    await profile_named(carol, "carol", "diary", "reviews")
    await carol.post("/friends/follow", {"who": "bobby"})  # waiting: bob has not answered
    assert "Tense from the first shot" not in (await carol.get("/friends")).text
    carols_film_page = text_of((await carol.get(f"/films/{HEAT}")).text)
    assert "bobby" not in carols_film_page and "friend watched this" not in carols_film_page
    film = text_of((await user.get(f"/films/{HEAT}")).text)
    assert "1 friend watched this: ★★★★★ 4.5." in film and "bobby rated it ★★★★★ 4.5" in film
    await user.post("/movies", {"film": str(HEAT)})
    await carol.post("/movies", {"film": str(HEAT)})
    assert "Friends: bobby rated it 4.5" in text_of((await user.get("/")).text), "the row says it too"
    assert "Friends:" not in text_of((await carol.get("/")).text)


async def test_what_each_person_shares_is_all_their_followers_see(user, bob):
    await profile_named(user, "Annie", "diary", "reviews")
    await befriend(user, bob, "bobby")
    movie_id = await watched_with_review(bob, HEAT, "Tense.")
    await bob.post("/movies", {"film": "2"})
    assert "to their watchlist" not in text_of((await user.get("/friends")).text), "watchlist off by default"
    made = await bob.post("/lists", {"name": "Noirvember", "description": ""})
    await bob.post(made.headers["location"] + "/films", {"title": "Laura"})
    assert "Laura" not in text_of((await user.get("/friends")).text), "lists off by default too"
    await profile_named(bob, "bobby", "reviews", "watchlist")
    page = text_of((await user.get("/friends")).text)
    assert "bobby added" in page and "to their watchlist" in page
    assert "bobby added Laura to their list Noirvember" in page
    assert "bobby watched Heat 1 Dec 2026 Tense." in page, "a review without the diary's rating"
    await profile_named(bob, "bobby", "watchlist")
    page = text_of((await user.get("/friends")).text)
    assert "Tense." not in page and "watched Heat" not in page and "to their watchlist" in page
    await bob.post(f"/movies/{movie_id}/unwatched")
    await profile_named(bob, "bobby", "reviews")
    film = text_of((await user.get(f"/films/{HEAT}")).text)
    assert "bobby reviewed it" in film and "has it on their watchlist" not in film, "the review alone"
    film = text_of((await user.get(f"/films/{HEAT}")).text)
    assert "bobby rated it" not in film and "friend watched this" not in film


async def test_nothing_shows_once_the_follow_ends_or_after_a_block(user, bob):
    await profile_named(user, "Annie", "diary", "reviews")
    await befriend(user, bob, "bobby")
    await watched_with_review(bob, HEAT, "Tense.")
    (follow_id,) = re.findall(r'action="/friends/(\d+)/end"', (await user.get("/friends")).text)
    await bob.post(f"/friends/{follow_id}/block")
    assert "Tense." not in (await user.get("/friends")).text
    assert "bobby" not in text_of((await user.get(f"/films/{HEAT}")).text)


async def test_the_activity_comes_a_page_at_a_time_newest_first_and_pages_join_up(app, user, bob):
    await profile_named(user, "Annie", "diary", "reviews")
    await befriend(user, bob, "bobby")
    movie_id = await watched_with_review(bob, HEAT, "First.")
    for n in range(PAGE + 4):
        await bob.post(f"/movies/{movie_id}/log", {"watched_on": f"2026-11-{n % 28 + 1:02d}", "review": f"Note {n}."})
    first = (await user.get("/friends")).text
    notes = re.findall(r"Note (\d+)\.", first)
    more = re.findall(r'href="(/friends\?after=[^"]+)"', first)
    assert len(notes) == PAGE and len(more) == 1
    rest = await user.get(more[0].replace("&amp;", "&"), htmx=True)
    later = re.findall(r"Note (\d+)\.", rest.text)
    assert "First." in rest.text and "<html" not in rest.text and 'id="show-more"' not in rest.text
    assert sorted(map(int, notes + later)) == list(range(PAGE + 4)), "every note once"
    assert int(notes[0]) > int(notes[-1]), "newest first"
    for after in ("yesterday", "1.watched.%C2%B2", "%C2%B2.watched.1", "1.listed.99999999999"):
        assert (await user.get(f"/friends?after={after}")).status_code == 400, after
