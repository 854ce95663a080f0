"""The watchlist and the Watched list through the API: adding a film by IMDb id or by title
and year (201 with the item, 409 when it is there already), deleting one, reading them a page
at a time; each change as the list pages show it."""

from datetime import UTC, datetime

from support import texts_of_class


async def test_a_film_added_by_title_is_on_the_watchlist_page_and_in_the_api(user, program):
    answer = await program.post("/api/v1/watchlist", {"title": "  Some   Obscure Film ", "year": 1971})
    assert answer.status_code == 201, answer.text
    item = answer.json()
    assert item["title"] == "Some Obscure Film" and item["year"] == 1971 and item["imdb_id"] is None
    assert abs(datetime.fromisoformat(item["added_at"]).timestamp() - datetime.now(UTC).timestamp()) < 60
    assert texts_of_class((await user.get("/")).text, "title") == ["Some Obscure Film"]
    listed = (await program.get("/api/v1/watchlist")).json()
    assert listed == {"items": [item], "next": None}


async def test_a_film_named_by_imdb_id_is_the_catalogs(user, program, catalog):
    answer = await program.post("/api/v1/watchlist", {"imdb_id": "tt0000102"})
    assert answer.status_code == 201, answer.text
    assert {key: answer.json()[key] for key in ("title", "year", "imdb_id")} == {
        "title": "Heat",
        "year": 1986,
        "imdb_id": "tt0000102",
    }
    assert f'href="/films/{catalog["tt0000102"]}"' in (await user.get("/")).text, "linked to the catalog film"


async def test_a_title_and_year_the_catalog_holds_is_linked_to_that_film(program, catalog):
    answer = await program.post("/api/v1/watchlist", {"title": "heat", "year": 1995})
    assert answer.json()["imdb_id"] == "tt0000101"


async def test_an_imdb_id_the_catalog_lacks_needs_a_title_and_is_kept_with_it(program, catalog):
    answer = await program.post("/api/v1/watchlist", {"imdb_id": "tt9999999"})
    assert answer.status_code == 422
    assert "not in this FlickList's catalog" in answer.json()["error"]
    answer = await program.post("/api/v1/watchlist", {"imdb_id": "tt9999999", "title": "Home Movie", "year": 2020})
    assert answer.status_code == 201
    assert answer.json()["imdb_id"] == "tt9999999" and answer.json()["title"] == "Home Movie"


async def test_adding_a_film_already_listed_is_409_and_says_which_list(user, program, catalog):
    first = await program.post("/api/v1/watchlist", {"imdb_id": "tt0000101"})
    again = await program.post("/api/v1/watchlist", {"title": "Heat", "year": 1995})
    assert again.status_code == 409
    assert again.json() == {"error": "'Heat' is already on your watchlist.", "movie_id": first.json()["id"]}
    watched = await program.post("/api/v1/watched", {"imdb_id": "tt0000101"})
    assert watched.status_code == 201
    assert (await program.post("/api/v1/watched", {"imdb_id": "tt0000101"})).status_code == 409
    answer = await program.post("/api/v1/watchlist", {"imdb_id": "tt0000101"})
    assert answer.status_code == 409 and "Watched list" in answer.json()["error"]
    assert len((await program.get("/api/v1/watched")).json()["items"]) == 1


async def test_a_film_added_to_watched_moves_off_the_watchlist_with_a_diary_entry_today(user, program):
    on_watchlist = (await program.post("/api/v1/watchlist", {"title": "Alien"})).json()
    answer = await program.post("/api/v1/watched", {"title": "Alien"})
    assert answer.status_code == 201
    item = answer.json()
    today = datetime.now(UTC).date().isoformat()
    assert item["id"] == on_watchlist["id"] and item["rating"] is None
    assert item["last_watched"] == today and item["times_watched"] == 1 and item["watched_at"]
    assert (await program.get("/api/v1/watchlist")).json()["items"] == []
    assert [entry["date"] for entry in (await program.get("/api/v1/diary")).json()["items"]] == [today]
    assert texts_of_class((await user.get("/watched")).text, "title") == ["Alien"]


async def test_deleting_a_film_takes_it_and_its_diary_off_that_list_only(user, program):
    kept = (await program.post("/api/v1/watchlist", {"title": "Kept"})).json()["id"]
    gone = (await program.post("/api/v1/watchlist", {"title": "Gone"})).json()["id"]
    seen = (await program.post("/api/v1/watched", {"title": "Seen"})).json()["id"]
    assert (await program.delete(f"/api/v1/watched/{kept}")).status_code == 404, "not on the Watched list"
    assert (await program.delete(f"/api/v1/watchlist/{seen}")).status_code == 404, "not on the watchlist"
    answer = await program.delete(f"/api/v1/watchlist/{gone}")
    assert answer.status_code == 204 and answer.content == b""
    assert (await program.delete(f"/api/v1/watchlist/{gone}")).status_code == 404
    assert (await program.delete(f"/api/v1/watched/{seen}")).status_code == 204
    assert [item["title"] for item in (await program.get("/api/v1/watchlist")).json()["items"]] == ["Kept"]
    assert (await program.get("/api/v1/diary")).json()["items"] == []
    assert texts_of_class((await user.get("/")).text, "title") == ["Kept"]


async def test_the_lists_cap_holds_for_the_api_too(make_settings_app, visitor_of):
    from api_support import Program, make_token

    app = await make_settings_app(max_films_per_user="2")
    ann = await visitor_of(app)
    await ann.register("ann@example.com")
    program = Program((await visitor_of(app)).client, await make_token(ann))
    for title in ("One", "Two"):
        assert (await program.post("/api/v1/watchlist", {"title": title})).status_code == 201
    answer = await program.post("/api/v1/watched", {"title": "Three"})
    assert answer.status_code == 403
    assert "as many as this FlickList keeps" in answer.json()["error"]
    assert (await program.post("/api/v1/watched", {"title": "One"})).status_code == 201, "one listed may move"


async def test_pages_follow_next_through_every_film_newest_first(program):
    titles = [f"Film {number:03}" for number in range(120)]
    for title in titles:
        assert (await program.post("/api/v1/watchlist", {"title": title})).status_code == 201
    first = (await program.get("/api/v1/watchlist", limit=50)).json()
    assert len(first["items"]) == 50 and first["next"]
    everything = await program.every("/api/v1/watchlist", limit=50)
    assert [item["title"] for item in everything] == titles[::-1], "each once, the latest added first"
    assert [item["title"] for item in await program.every("/api/v1/watchlist")] == titles[::-1]
    for title in titles[:7]:
        assert (await program.post("/api/v1/watched", {"title": title})).status_code == 201
    assert [item["title"] for item in await program.every("/api/v1/watched", limit=3)] == titles[:7][::-1]
