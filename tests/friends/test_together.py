"""Watched together: a viewing names friends it was watched with; each sees it on /friends and
adds it to their own diary in one go (the same day, their own rating) or dismisses it; no one
else is told, and no one else can answer for them."""

import asyncio
import re

import pytest
from sqlalchemy import select
from support import DATA, befriend, profile_named, text_of

from flicklist.catalog.load import load_catalog
from flicklist.tables import films

HEAT = 4  # the loader numbers films most voted first


@pytest.fixture
async def friends(app, user, make_visitor):
    """Ann (Annie) follows Bob (bobby), who accepted; Carol knows neither."""
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    found = await app.state.db.fetch_all(select(films.c.id).where(films.c.imdb_id == "tt0000101"))
    assert found[0][0] == HEAT
    bob, carol = await make_visitor(), await make_visitor()
    await bob.register("bob@example.com")
    await carol.register("carol@example.com")
    for visitor, name in ((user, "Annie"), (bob, "bobby"), (carol, "carol")):
        await profile_named(visitor, name, "diary")
    await befriend(user, bob, "bobby")
    return user, bob, carol


async def logged_with(bob, names: list[str], carol_id: str | None = None) -> None:
    """Bob logs Heat, watched on 1 December, with the friends of `names` (and Carol's id, if given)."""
    await bob.post("/movies", {"film": str(HEAT)})
    movie_id = re.findall(r'action="/movies/(\d+)/watched"', (await bob.get(f"/films/{HEAT}")).text)[0]
    form = (await bob.get(f"/movies/{movie_id}/log")).text
    ids = [re.search(rf'value="(\d+)"> {name}</label>', form)[1] for name in names]
    fields = {"watched_on": "2026-12-01", "rating": "3", "with": [*ids, *([carol_id] if carol_id else [])]}
    assert (await bob.post(f"/movies/{movie_id}/log", fields)).status_code == 303


async def test_a_friend_named_adds_the_viewing_to_their_own_diary_with_their_own_rating(friends):
    ann, bob, _ = friends
    await logged_with(bob, ["Annie"])
    page = (await ann.get("/friends")).text
    assert "bobby watched Heat with you on 1 Dec 2026." in text_of(page)
    (invitation,) = re.findall(r'action="/friends/together/(\d+)/add"', page)
    added = await ann.post(f"/friends/together/{invitation}/add", {"rating": "4.5"})
    assert added.status_code == 303
    assert "Added 'Heat', watched 1 Dec 2026, to your diary." in text_of((await ann.get("/friends")).text)
    film = (await ann.get(f"/films/{HEAT}")).text
    assert "On your Watched list, rated" in text_of(film) and 'aria-label="rated 4.5 stars"' in film
    assert "1 Dec 2026" in text_of(film).split("Your viewings")[1]
    assert (await ann.post(f"/friends/together/{invitation}/add", {"rating": "4"})).status_code == 404
    assert (await ann.get(f"/films/{HEAT}")).text.count('class="viewing"') == 1, "one viewing, not two"


async def test_only_friends_are_named_and_only_the_one_named_answers(friends, app):
    ann, bob, carol = friends
    carol_id = str((await app.state.db.fetch_all(select(films.c.id).limit(1)))[0][0] + 100)
    form_friends = await bob.get("/movies/1/log")
    assert "carol" not in text_of(form_friends.text), "Carol is no friend of Bob's"
    await logged_with(bob, ["Annie"], carol_id=carol_id)
    assert "Watched with you" not in text_of((await carol.get("/friends")).text)
    (invitation,) = re.findall(r'action="/friends/together/(\d+)/add"', (await ann.get("/friends")).text)
    for visitor in (carol, bob):
        assert (await visitor.post(f"/friends/together/{invitation}/add")).status_code == 404
        assert (await visitor.post(f"/friends/together/{invitation}/dismiss")).status_code == 404
    assert (await ann.post(f"/friends/together/{invitation}/add", {"rating": "11"})).status_code == 422
    assert (await ann.post(f"/friends/together/{invitation}/dismiss")).status_code == 303
    assert "Watched with you" not in text_of((await ann.get("/friends")).text)
    assert "Heat" not in text_of((await ann.get("/watched")).text), "dismissed: nothing added"


async def test_a_viewing_named_together_is_hidden_once_they_are_no_longer_friends(friends):
    ann, bob, _ = friends
    await logged_with(bob, ["Annie"])
    (follow_id,) = re.findall(r'action="/friends/(\d+)/end"', (await ann.get("/friends")).text)
    await ann.post(f"/friends/{follow_id}/end")
    assert "Watched with you" not in text_of((await ann.get("/friends")).text)


async def test_two_clicks_at_once_add_the_viewing_once(friends):
    ann, bob, _ = friends
    await logged_with(bob, ["Annie"])
    (invitation,) = re.findall(r'action="/friends/together/(\d+)/add"', (await ann.get("/friends")).text)
    await ann.post("/movies", {"film": str(HEAT)})  # on her watchlist already: no race to add the film
    adding = f"/friends/together/{invitation}/add"
    answers = await asyncio.gather(*(ann.post(adding, {"rating": "4"}) for _ in range(4)))
    assert sorted(answer.status_code for answer in answers)[0] == 303
    assert (await ann.get(f"/films/{HEAT}")).text.count('class="viewing"') == 1


async def test_a_friend_without_a_profile_name_is_not_named_by_their_address(friends):
    ann, _, carol = friends
    await befriend(carol, ann, "Annie")  # Carol follows Ann; Ann is not someone Carol accepted
    await carol.post("/account/profile", {"profile_name": "", "share_diary": "on"})
    await logged_with(carol, ["Annie"])
    page = text_of((await ann.get("/friends")).text)
    assert "(no profile name) watched Heat with you" in page and "carol@example.com" not in page
