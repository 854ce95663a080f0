"""Lists of the person's own making: made, filled, ordered, noted, renamed, deleted and brought
back; nobody else's list id opens anything; the limits refuse with a message."""

import html
import re

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from support import Visitor, flashes, text_of, texts_of_class

from flicklist.own_lists.store import PAGE_SIZE
from flicklist.tables import film_list_entries


async def make_list(visitor: Visitor, name: str, ranked: bool = False, description: str = "") -> int:
    fields = {"name": name, "description": description, **({"ranked": "on"} if ranked else {})}
    response = await visitor.post("/lists", fields)
    assert response.status_code == 303, response.text
    return int(re.fullmatch(r"/lists/(\d+)", response.headers["location"]).group(1))


async def add_to(visitor: Visitor, list_id: int, *titles: str) -> None:
    for title in titles:
        response = await visitor.post(f"/lists/{list_id}/films", {"title": title})
        assert response.status_code == 303


def titles_in(html: str) -> list[str]:
    return texts_of_class(html.split('class="list-entries', 1)[-1], "title") if "list-entries" in html else []


def entry_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<li class="list-entry" id="entry-(\d+)"', html)]


async def titles_on(visitor: Visitor, list_id: int) -> list[str]:
    return titles_in((await visitor.get(f"/lists/{list_id}")).text)


async def test_a_list_is_made_filled_and_shown_with_how_many_of_its_films_were_seen(user):
    list_id = await make_list(user, "Noirvember", description="Every year.\nNo exceptions.")
    await add_to(user, list_id, "Double Indemnity", "Laura", "The Third Man")
    await user.add("Laura")
    await user.post(f"/movies/{await user.movie_id('Laura')}/watched")
    page = (await user.get(f"/lists/{list_id}")).text
    assert titles_in(page) == ["Double Indemnity", "Laura", "The Third Man"]
    assert "3 films · 1 of 3 seen" in text_of(page) and "Every year.\nNo exceptions." in page
    assert '<progress max="3" value="1"' in page
    lists = text_of((await user.get("/lists")).text)
    assert "Noirvember" in lists and "3 films · 1 of 3 seen" in lists


async def test_a_catalog_film_or_a_title_naming_one_is_linked_and_comes_once(user, catalog):
    list_id = await make_list(user, "Heists")
    await user.post(f"/lists/{list_id}/films", {"film": str(catalog["tt0000101"])})
    again = await user.post(f"/lists/{list_id}/films", {"title": "Heat (1995)"})
    page = (await user.get(again.headers["location"])).text
    assert flashes(page)[-1] == "'Heat' is already on 'Heists'."
    assert titles_in(page) == ["Heat"] and f'href="/films/{catalog["tt0000101"]}"' in page


async def test_a_ranked_list_numbers_its_films_and_they_move_up_down_and_to_a_place(user):
    list_id = await make_list(user, "Top five", ranked=True)
    await add_to(user, list_id, "A", "B", "C", "D", "E")
    ids = dict(zip("ABCDE", entry_ids((await user.get(f"/lists/{list_id}")).text), strict=True))
    moved = await user.post(f"/lists/{list_id}/entries/{ids['D']}/move", {"to": "up"})
    assert moved.headers["location"] == f"/lists/{list_id}#entry-{ids['D']}"
    assert await titles_on(user, list_id) == ["A", "B", "D", "C", "E"]
    await user.post(f"/lists/{list_id}/entries/{ids['A']}/move", {"to": "down"})
    await user.post(f"/lists/{list_id}/entries/{ids['E']}/move", {"place": "1"})
    page = (await user.get(f"/lists/{list_id}")).text
    assert titles_in(page) == ["E", "B", "A", "D", "C"]
    assert flashes(page)[-1] == "Moved 'E' to place 1."
    assert re.findall(r'<span class="rank" aria-hidden="true">(\d+)</span>', page) == ["1", "2", "3", "4", "5"]
    await user.post(f"/lists/{list_id}/entries/{ids['E']}/move", {"place": "99"})
    assert await titles_on(user, list_id) == ["B", "A", "D", "C", "E"], "a place past the end is the last"
    await user.post(f"/lists/{list_id}/entries/{ids['B']}/move", {"place": "9" * 40})
    assert await titles_on(user, list_id) == ["A", "D", "C", "E", "B"], "however far past"
    for odd in ("first", "0", "000", "-1", "1.5", "\uff11"):  # a fullwidth 1
        refused = await user.post(f"/lists/{list_id}/entries/{ids['E']}/move", {"place": odd})
        assert refused.status_code == 422 and "place=a whole number" in text_of(refused.text), odd


async def test_a_move_writes_the_one_row_moved_until_its_neighbours_touch(user, app):
    list_id = await make_list(user, "Ranked", ranked=True)
    await add_to(user, list_id, *(f"Film {n}" for n in range(1, 6)))
    ids = entry_ids((await user.get(f"/lists/{list_id}")).text)

    async def positions() -> dict[int, int]:
        async with app.state.db.engine.connect() as connection:
            rows = await connection.execute(select(film_list_entries.c.id, film_list_entries.c.position))
            return dict(rows.all())

    before = await positions()
    await user.post(f"/lists/{list_id}/entries/{ids[4]}/move", {"place": "2"})
    after = await positions()
    assert [entry for entry in ids if before[entry] != after[entry]] == [ids[4]]
    # Into the same gap again and again, until the middle runs out: the list is spaced out anew.
    for n in range(40):
        mover = ids[4] if n % 2 else ids[3]
        await user.post(f"/lists/{list_id}/entries/{mover}/move", {"place": "2"})
    assert await titles_on(user, list_id) == ["Film 1", "Film 5", "Film 4", "Film 2", "Film 3"]
    assert len(set((await positions()).values())) == 5, "no two films share a place"


async def test_a_note_is_kept_as_plain_text_and_a_film_taken_off(user):
    list_id = await make_list(user, "Notes")
    await add_to(user, list_id, "Heat", "Alien")
    heat, alien = entry_ids((await user.get(f"/lists/{list_id}")).text)
    await user.post(f"/lists/{list_id}/entries/{heat}/note", {"note": "<b>Watch</b> the diner scene."})
    page = (await user.get(f"/lists/{list_id}")).text
    assert "&lt;b&gt;Watch&lt;/b&gt; the diner scene." in page and "<b>Watch" not in page
    assert flashes(page)[-1] == "Saved your note on 'Heat'."
    taken = await user.post(f"/lists/{list_id}/entries/{alien}/remove")
    page = (await user.get(taken.headers["location"])).text
    assert titles_in(page) == ["Heat"] and flashes(page)[-1] == "Took 'Alien' off 'Notes'."


async def test_a_list_is_renamed_described_and_ranked(user):
    list_id = await make_list(user, "Favs")
    await user.post(f"/lists/{list_id}/edit", {"name": "All-time favourites", "description": "Mine.", "ranked": "on"})
    page = (await user.get(f"/lists/{list_id}")).text
    assert "<h1" in page and "All-time favourites</h1>" in page and "Mine." in page and "list-entries" not in page
    refused = await user.post(f"/lists/{list_id}/edit", {"name": "  ", "description": ""})
    page = (await user.get(refused.headers["location"])).text
    assert flashes(page)[-1] == "A list needs a name." and "All-time favourites</h1>" in page


async def test_a_deleted_list_asks_first_and_comes_back_with_its_order_and_notes(user):
    list_id = await make_list(user, "Palme d'Or winners", ranked=True)
    await add_to(user, list_id, "Parasite", "Titane", "Anatomy of a Fall")
    third = entry_ids((await user.get(f"/lists/{list_id}")).text)[2]
    await user.post(f"/lists/{list_id}/entries/{third}/move", {"place": "1"})
    await user.post(f"/lists/{list_id}/entries/{third}/note", {"note": "2023"})
    confirm = await user.get(f"/lists/{list_id}/delete")
    assert "Delete the list 'Palme d&#39;Or winners'?" in confirm.text and "3 films" in text_of(confirm.text)
    deleted = await user.post(f"/lists/{list_id}/delete")
    page = (await user.get(deleted.headers["location"])).text
    assert flashes(page)[-1] == "Deleted the list 'Palme d'Or winners'." and "No lists yet" in page
    assert (await user.get(f"/lists/{list_id}")).status_code == 404
    undo = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    back = await user.post("/lists/restore", {"undo": undo})
    page = (await user.get(back.headers["location"])).text
    assert titles_in(page) == ["Anatomy of a Fall", "Parasite", "Titane"] and ">2023</p>" in page
    assert '<span class="rank"' in page
    again = await user.post("/lists/restore", {"undo": undo})
    assert again.status_code == 422 and "That undo has expired or was used already." in text_of(again.text)


async def test_nobody_else_can_see_or_change_a_list(user, make_visitor):
    list_id = await make_list(user, "Mine")
    await add_to(user, list_id, "Heat")
    entry = entry_ids((await user.get(f"/lists/{list_id}")).text)[0]
    bob = await make_visitor()
    await bob.register("bob@example.com")
    assert (await bob.get(f"/lists/{list_id}")).status_code == 404
    assert (await bob.get(f"/lists/{list_id}/delete")).status_code == 404
    for action, fields in [
        ("edit", {"name": "Bob's now"}),
        ("films", {"title": "Alien"}),
        ("delete", {}),
        (f"entries/{entry}/move", {"to": "up"}),
        (f"entries/{entry}/note", {"note": "hi"}),
        (f"entries/{entry}/remove", {}),
    ]:
        assert (await bob.post(f"/lists/{list_id}/{action}", fields)).status_code == 404, action
    assert (await bob.post("/lists/films", {"list": str(list_id), "title": "Alien"})).status_code == 404
    assert "Mine" not in text_of((await bob.get("/lists")).text)
    assert await titles_on(user, list_id) == ["Heat"]
    assert "Mine</h1>" in (await user.get(f"/lists/{list_id}")).text
    other = await make_list(user, "Other")
    assert (await user.post(f"/lists/{other}/entries/{entry}/move", {"to": "up"})).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "A list needs a name."),
        ({"name": "x" * 101}, "A list's name can be at most 100 characters long."),
        ({"name": "ok", "description": "y" * 20_001}, "A description can be at most 20,000 characters long."),
    ],
)
async def test_a_list_with_a_bad_name_or_description_is_refused_and_not_made(user, fields, message):
    response = await user.post("/lists", {"description": "", **fields})
    page = (await user.get(response.headers["location"])).text
    assert flashes(page)[-1] == message and "No lists yet" in page


async def test_past_the_limits_a_list_or_a_film_is_refused_with_a_message(make_settings_app):
    app = await make_settings_app(max_lists_per_user="2", max_films_per_list="2")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        ann = Visitor(client)
        await ann.register("ann@example.com")
        first = await make_list(ann, "One")
        await make_list(ann, "Two")
        refused = await ann.post("/lists", {"name": "Three", "description": ""})
        page = (await ann.get(refused.headers["location"])).text
        assert flashes(page)[-1] == "You have 2 lists, as many as this FlickList keeps for one person."
        assert "Three" not in text_of(page)
        await add_to(ann, first, "Heat", "Alien", "Brazil")
        page = (await ann.get(f"/lists/{first}")).text
        assert flashes(page)[-1] == "This list holds 2 films, as many as this FlickList keeps on one list."
        assert titles_in(page) == ["Heat", "Alien"]


async def test_a_long_list_pages_without_javascript_and_a_move_lands_on_its_page(user):
    list_id = await make_list(user, "Long", ranked=True)
    for n in range(PAGE_SIZE + 20):
        await user.post(f"/lists/{list_id}/films", {"title": f"Film {n:03}"})
    page = (await user.get(f"/lists/{list_id}")).text
    assert len(titles_in(page)) == PAGE_SIZE
    more = re.search(r'href="(/lists/\d+\?after=[^"]+)">Show more', page).group(1)
    rest = (await user.get(more)).text
    assert titles_in(rest) == [f"Film {n:03}" for n in range(PAGE_SIZE, PAGE_SIZE + 20)]
    assert f'start="{PAGE_SIZE + 1}"' in rest and "Back to the top of the list" in rest
    first = entry_ids(page)[0]
    moved = await user.post(f"/lists/{list_id}/entries/{first}/move", {"place": str(PAGE_SIZE + 10)})
    landed = (await user.get(moved.headers["location"])).text
    assert titles_in(landed)[0] == "Film 000" and f'start="{PAGE_SIZE + 10}"' in landed
    assert (await user.get(f"/lists/{list_id}?after=x.1")).status_code == 400


async def test_a_dragged_row_is_moved_by_htmx_with_no_page_in_answer(user):
    list_id = await make_list(user, "Drag")
    await add_to(user, list_id, "A", "B", "C")
    ids = entry_ids((await user.get(f"/lists/{list_id}")).text)
    response = await user.post(f"/lists/{list_id}/entries/{ids[0]}/move", {"place": "3"}, htmx=True)
    assert response.status_code == 204
    assert await titles_on(user, list_id) == ["B", "C", "A"]


async def test_a_films_page_says_which_lists_hold_it_and_adds_it_to_another(user, catalog):
    heat = catalog["tt0000101"]
    heists, favourites = await make_list(user, "Heists"), await make_list(user, "Favourites")
    await user.post(f"/lists/{heists}/films", {"film": str(heat)})
    page = (await user.get(f"/films/{heat}")).text
    assert "On Heists." in text_of(page) and f'<option value="{favourites}">Favourites</option>' in page
    added = await user.post("/lists/films", {"list": str(favourites), "film": str(heat), "back": f"/films/{heat}"})
    assert added.headers["location"] == f"/films/{heat}"
    page = (await user.get(f"/films/{heat}")).text
    assert "On Favourites, Heists." in text_of(page) and 'id="add-to-list"' not in page
    assert titles_in((await user.get(f"/lists/{favourites}")).text) == ["Heat"]


async def test_a_list_shared_by_link_shows_its_films_and_notes_to_anyone_and_goes_with_the_list(user, make_visitor):
    list_id = await make_list(user, "Noirvember", ranked=True, description="Shadows.")
    await add_to(user, list_id, "Laura", "Double Indemnity")
    laura = entry_ids((await user.get(f"/lists/{list_id}")).text)[0]
    await user.post(f"/lists/{list_id}/entries/{laura}/note", {"note": "<i>The portrait</i>"})
    form = (await user.get(f"/share?list=own:{list_id}")).text
    assert f'<option value="own:{list_id}" selected>Noirvember</option>' in form
    made = await user.post("/share", {"list": f"own:{list_id}", "name": "Ann's noir", "expires": "", "reviews": "on"})
    share_page = (await user.get(made.headers["location"])).text
    link = re.search(r"http://testserver(/s/[\w.-]+)", share_page).group(1)
    assert "<td>Noirvember</td>" in share_page
    visitor = await make_visitor()
    shared = await visitor.get(link)
    assert shared.status_code == 200 and "set-cookie" not in shared.headers
    assert titles_in(shared.text) == ["Laura", "Double Indemnity"] and "&lt;i&gt;The portrait&lt;/i&gt;" in shared.text
    assert "Shadows." in shared.text and "<form" not in shared.text.split("<main", 1)[1]
    assert '<span class="rank"' in shared.text
    by_title = (await visitor.get(f"{link}?sort=title")).text
    assert titles_in(by_title) == ["Double Indemnity", "Laura"] and '<span class="rank"' not in by_title
    bob = await make_visitor()
    await bob.register("bob@example.com")
    refused = await bob.post("/share", {"list": f"own:{list_id}", "name": "Not mine", "expires": ""})
    page = (await bob.get(refused.headers["location"])).text
    assert flashes(page)[-1] == "Choose a list and an expiry from those offered." and "No links yet" in page
    await user.post(f"/lists/{list_id}/delete")
    assert (await visitor.get(link)).status_code == 404, "the list's links go with it"


async def test_undo_keeps_to_the_limit_on_lists_and_a_name_of_invisible_characters_is_no_name(make_settings_app):
    app = await make_settings_app(max_lists_per_user="1")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        ann = Visitor(client)
        await ann.register("ann@example.com")
        first = await make_list(ann, "First")
        page = (await ann.get((await ann.post(f"/lists/{first}/delete")).headers["location"])).text
        undo = re.search(r'name="undo" value="([^"]+)"', page).group(1)
        await make_list(ann, "Second")
        refused = await ann.post("/lists/restore", {"undo": undo})
        assert refused.status_code == 409 and "You have 1 lists" in text_of(refused.text)
        assert "First" not in text_of((await ann.get("/lists")).text)
        invisible = await ann.post("/lists", {"name": "\u200b\u200b", "description": ""})
        assert flashes((await ann.get(invisible.headers["location"])).text)[-1] == "A list needs a name."


async def test_a_list_sorts_by_title_or_year_filters_by_seen_and_by_words_and_pages_so(user, catalog):
    list_id = await make_list(user, "Mixed", ranked=True)
    await add_to(user, list_id, "Heat (1995)", "Zodiac", "Amélie", "Brazil")
    await user.add("Zodiac")
    await user.post(f"/movies/{await user.movie_id('Zodiac')}/watched")

    async def shown(query: str) -> list[str]:
        response = await user.get(f"/lists/{list_id}?{query}")
        assert response.status_code == 200, query
        return titles_in(response.text)

    assert await shown("") == ["Heat", "Zodiac", "Amélie", "Brazil"]
    assert await shown("sort=title") == ["Amélie", "Brazil", "Heat", "Zodiac"]
    assert (await shown("sort=year"))[:2] == ["Heat", "Amélie"], "films of a known year first, oldest first"
    assert await shown("seen=yes") == ["Zodiac"] and await shown("seen=no") == ["Heat", "Amélie", "Brazil"]
    assert await shown("q=amelie") == ["Amélie"], "accents and case folded"
    sorted_page = (await user.get(f"/lists/{list_id}?sort=title")).text
    assert 'name="to" value="up"' not in sorted_page and '<span class="rank"' not in sorted_page
    for broken in ("sort=rating", "seen=maybe", "after=abc"):
        assert (await user.get(f"/lists/{list_id}?{broken}")).status_code == 400, broken


async def test_a_sorted_view_pages_on_from_the_last_film_shown(user):
    list_id = await make_list(user, "Long")
    for n in range(PAGE_SIZE + 5):
        await user.post(f"/lists/{list_id}/films", {"title": f"Film {PAGE_SIZE + 5 - n:03}"})
    page = (await user.get(f"/lists/{list_id}?sort=title")).text
    assert titles_in(page)[:2] == ["Film 001", "Film 002"] and len(titles_in(page)) == PAGE_SIZE
    more = html.unescape(re.search(r'href="(/lists/\d+\?[^"]+)">Show more', page).group(1))
    assert "sort=title" in more
    assert titles_in((await user.get(more)).text) == [f"Film {n:03}" for n in range(PAGE_SIZE + 1, PAGE_SIZE + 6)]


async def test_a_row_of_the_watchlist_or_watched_list_says_which_lists_hold_its_film(user, catalog, make_visitor):
    await user.post("/movies", {"film": str(catalog["tt0000101"])})
    await user.add("Alien")
    heists, favourites = await make_list(user, "Heists"), await make_list(user, "Favourites <3")
    for list_id in (heists, favourites):
        await user.post(f"/lists/{list_id}/films", {"film": str(catalog["tt0000101"])})
    page = (await user.get("/")).text
    assert texts_of_class(page, "on-lists") == ["On your lists: Favourites <3, Heists"]
    assert "Favourites &lt;3" in page
    await user.post(f"/movies/{await user.movie_id('Heat')}/watched")
    assert texts_of_class((await user.get("/watched")).text, "on-lists") == ["On your lists: Favourites <3, Heists"]
    bob = await make_visitor()
    await bob.register("bob@example.com")
    await bob.post("/movies", {"film": str(catalog["tt0000101"])})
    assert texts_of_class((await bob.get("/")).text, "on-lists") == [], "ann's lists are hers"
