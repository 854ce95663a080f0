"""A list shared with friends as editors: each adds, removes, moves and notes its films, each
change kept with who made it, each sees their own marks; two people adding at once lose no film;
a pick for tonight leaves out what any of the people watching has seen; and no one else, nor an
editor no longer a friend, opens or changes it."""

import asyncio
import re

import pytest
from support import Visitor, befriend, profile_named, text_of, texts_of_class


async def make_list(visitor: Visitor, name: str) -> int:
    response = await visitor.post("/lists", {"name": name, "description": ""})
    return int(re.fullmatch(r"/lists/(\d+)", response.headers["location"]).group(1))


def titles_in(page: str) -> list[str]:
    return texts_of_class(page.split('class="list-entries', 1)[-1], "title") if "list-entries" in page else []


def entry_ids(page: str) -> list[str]:
    return re.findall(r'<li class="list-entry" id="entry-(\d+)"', page)


@pytest.fixture
async def shared(user, make_visitor):
    """Ann's list "Film club", shared with Bob (her follower, accepted); Carol, a stranger."""
    bob, carol = await make_visitor(), await make_visitor()
    await bob.register("bob@example.com")
    await carol.register("carol@example.com")
    for visitor, name in ((user, "Annie"), (bob, "bobby"), (carol, "carol")):
        await profile_named(visitor, name, "diary")
    await befriend(bob, user, "Annie")
    list_id = await make_list(user, "Film club")
    page = (await user.get(f"/lists/{list_id}")).text
    bob_id = re.search(r'name="editor" value="(\d+)"> bobby', page)[1]
    assert (await user.post(f"/lists/{list_id}/editors", {"editor": bob_id})).status_code == 303
    return user, bob, carol, list_id


async def test_an_editor_changes_the_films_and_every_change_says_who_made_it(shared):
    ann, bob, _, list_id = shared
    lists_page = (await bob.get("/lists")).text
    assert "Film club by Annie" in text_of(lists_page) and "<title>Your lists · FlickList</title>" in lists_page
    for title in ("Heat", "Alien", "Brazil"):
        assert (await bob.post(f"/lists/{list_id}/films", {"title": title})).status_code == 303
    await ann.post(f"/lists/{list_id}/films", {"title": "Ran"})
    ids = entry_ids((await bob.get(f"/lists/{list_id}")).text)
    assert (await bob.post(f"/lists/{list_id}/entries/{ids[2]}/move", {"to": "up"})).status_code == 303
    assert (await bob.post(f"/lists/{list_id}/entries/{ids[0]}/note", {"note": "Bring snacks."})).status_code == 303
    assert (await bob.post(f"/lists/{list_id}/entries/{ids[3]}/remove")).status_code == 303
    page = (await ann.get(f"/lists/{list_id}")).text
    assert titles_in(page) == ["Heat", "Brazil", "Alien"] and "Bring snacks." in page
    shown = text_of(page)
    for change in (
        "bobby removed Ran",
        "bobby changed a note",
        "bobby moved Brazil",
        "bobby added Heat",
        "Annie added Ran",
    ):
        assert change in shown, change
    assert "Shared with bobby" in shown


async def test_each_sees_their_own_marks_on_a_shared_list(shared):
    ann, bob, _, list_id = shared
    await ann.post(f"/lists/{list_id}/films", {"title": "Heat"})
    await ann.add("Heat")
    await ann.post(f"/movies/{await ann.movie_id('Heat')}/watched")
    assert "1 of 1 seen" in text_of((await ann.get(f"/lists/{list_id}")).text)
    assert "0 of 1 seen" in text_of((await bob.get(f"/lists/{list_id}")).text)


async def test_only_the_owner_renames_deletes_and_shares_and_no_one_else_opens_it(shared, make_visitor):
    ann, bob, carol, list_id = shared
    await ann.post(f"/lists/{list_id}/films", {"title": "Heat"})
    (entry,) = entry_ids((await ann.get(f"/lists/{list_id}")).text)
    for method, path, fields in (
        ("get", f"/lists/{list_id}", None),
        ("get", f"/lists/{list_id}/pick", None),
        ("post", f"/lists/{list_id}/films", {"title": "Alien"}),
        ("post", f"/lists/{list_id}/entries/{entry}/move", {"to": "down"}),
        ("post", f"/lists/{list_id}/entries/{entry}/note", {"note": "x"}),
        ("post", f"/lists/{list_id}/entries/{entry}/remove", {}),
        ("post", f"/lists/{list_id}/editors", {"editor": "1"}),
        ("post", f"/lists/{list_id}/edit", {"name": "Mine now"}),
        ("post", f"/lists/{list_id}/delete", {}),
    ):
        answer = await (carol.get(path) if method == "get" else carol.post(path, fields))
        assert answer.status_code == 404, (path, "a stranger")
    for path, fields in (
        (f"/lists/{list_id}/editors", {}),
        (f"/lists/{list_id}/edit", {"name": "Mine now"}),
        (f"/lists/{list_id}/delete", {}),
    ):
        assert (await bob.post(path, fields)).status_code == 404, (path, "an editor")
    assert titles_in((await ann.get(f"/lists/{list_id}")).text) == ["Heat"]
    assert "Film club" in text_of((await ann.get("/lists")).text)

    (follow_id,) = re.findall(r'action="/friends/(\d+)/end"', (await ann.get("/friends")).text)
    await ann.post(f"/friends/{follow_id}/end")
    assert (await bob.get(f"/lists/{list_id}")).status_code == 404, "no longer a friend, no longer an editor"
    assert "Film club" not in text_of((await bob.get("/lists")).text)
    await befriend(bob, ann, "Annie")
    assert (await bob.get(f"/lists/{list_id}")).status_code == 404, "friends again, but not its editor again"


async def test_the_owner_shares_only_with_friends(shared, app):
    ann, _, carol, list_id = shared
    carol_page = (await carol.get("/friends")).text
    assert "Film club" not in carol_page
    for stranger_id in ("3", "999"):  # Carol is the third account made
        await ann.post(f"/lists/{list_id}/editors", {"editor": stranger_id})
        assert (await carol.get(f"/lists/{list_id}")).status_code == 404


async def test_two_people_adding_at_once_lose_no_film(shared):
    ann, bob, _, list_id = shared
    titles = [f"Film {number}" for number in range(24)]
    adds = [
        (ann if number % 2 else bob).post(f"/lists/{list_id}/films", {"title": title})
        for number, title in enumerate(titles)
    ]
    answers = await asyncio.gather(*adds)
    assert [answer.status_code for answer in answers] == [303] * len(titles)
    page = (await ann.get(f"/lists/{list_id}")).text
    assert sorted(titles_in(page)) == sorted(titles)
    ids = entry_ids(page)
    moves = [
        (ann if number % 2 else bob).post(f"/lists/{list_id}/entries/{entry}/move", {"place": "1"})
        for number, entry in enumerate(ids[:10])
    ]
    more = [bob.post(f"/lists/{list_id}/films", {"title": f"Late {number}"}) for number in range(6)]
    await asyncio.gather(*moves, *more)
    after = titles_in((await ann.get(f"/lists/{list_id}")).text)
    assert sorted(after) == sorted(titles + [f"Late {number}" for number in range(6)])


async def test_a_pick_leaves_out_only_what_those_who_show_their_diary_have_seen(shared):
    ann, bob, _, list_id = shared
    for title in ("Heat", "Alien", "Brazil"):
        await ann.post(f"/lists/{list_id}/films", {"title": title})
    await ann.add("Heat")
    await ann.post(f"/movies/{await ann.movie_id('Heat')}/watched")
    await bob.add("Alien")
    await bob.post(f"/movies/{await bob.movie_id('Alien')}/watched")
    assert "bobby" not in text_of((await ann.get(f"/lists/{list_id}/pick")).text), "he shows her no diary yet"
    await befriend(ann, bob, "bobby")
    form = (await ann.get(f"/lists/{list_id}/pick")).text
    bob_id = re.search(r'name="with" value="(\d+)"> bobby', form)[1]

    def picked(page: str) -> str:
        return text_of(page).split(" None of you has seen it.")[0]

    picks = {picked((await ann.get(f"/lists/{list_id}/pick?with={bob_id}", htmx=True)).text) for _ in range(8)}
    assert picks == {"Brazil"}
    alone = {picked((await ann.get(f"/lists/{list_id}/pick", htmx=True)).text) for _ in range(12)}
    assert alone <= {"Alien", "Brazil"}
    await ann.add("Brazil")
    await ann.post(f"/movies/{await ann.movie_id('Brazil')}/watched")
    everything = await ann.get(f"/lists/{list_id}/pick?with={bob_id}", htmx=True)
    assert "Between you, you have seen every film on this list." in text_of(everything.text)


async def test_an_editor_crosses_off_a_film_onto_their_own_watched_list(shared):
    ann, bob, _, list_id = shared
    await ann.post(f"/lists/{list_id}/films", {"title": "Heat"})
    (entry,) = entry_ids((await bob.get(f"/lists/{list_id}")).text)
    crossed = await bob.post(f"/lists/{list_id}/entries/{entry}/watched")
    assert crossed.status_code == 303 and crossed.headers["location"] == f"/lists/{list_id}#entry-{entry}"
    assert "1 of 1 seen" in text_of((await bob.get(f"/lists/{list_id}")).text)
    assert "Heat" in text_of((await bob.get("/watched")).text)
    assert "Nothing crossed off yet." in text_of((await ann.get("/watched")).text), "the owner's lists are hers"
    again = await bob.post(f"/lists/{list_id}/entries/{entry}/watched")
    assert "on your Watched list already" in text_of((await bob.get(again.headers["location"])).text)
