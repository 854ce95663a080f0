"""The diary through the API: logging a viewing (of a film on the lists, or one named, which is
added) checked as the diary's form checks it, and reading the diary newest first, a page at a time."""

from support import texts_of_class


async def test_a_viewing_logged_on_a_listed_film_is_in_the_diary_and_rates_the_film(user, program):
    movie_id = (await program.post("/api/v1/watchlist", {"title": "Heat"})).json()["id"]
    body = {"movie_id": movie_id, "date": "2024-03-01", "rating": 7, "review": "Long.\r\nGood.", "tags": ["cinema"]}
    answer = await program.post("/api/v1/diary", body)
    assert answer.status_code == 201, answer.text
    entry = answer.json()
    assert {key: entry[key] for key in ("movie_id", "title", "date", "rating", "rewatch", "review", "tags")} == {
        "movie_id": movie_id,
        "title": "Heat",
        "date": "2024-03-01",
        "rating": 7,
        "rewatch": False,
        "review": "Long.\nGood.",
        "tags": ["cinema"],
    }
    assert (await program.get("/api/v1/diary")).json()["items"] == [entry]
    [watched] = (await program.get("/api/v1/watched")).json()["items"]
    assert watched["rating"] == 7 and watched["last_watched"] == "2024-03-01"
    assert "1 Mar 2024" in (await user.get("/diary")).text


async def test_a_film_named_is_added_and_a_second_viewing_is_a_rewatch_unless_told(program):
    first = await program.post("/api/v1/diary", {"title": "Brand New", "year": 2001, "date": "2024-01-01"})
    assert first.status_code == 201 and first.json()["rewatch"] is False
    second = await program.post("/api/v1/diary", {"title": "Brand New", "year": 2001, "date": "2024-02-01"})
    assert second.json()["rewatch"] is True and second.json()["movie_id"] == first.json()["movie_id"]
    told = await program.post("/api/v1/diary", {"movie_id": first.json()["movie_id"], "rewatch": False})
    assert told.json()["rewatch"] is False
    assert [item["title"] for item in (await program.get("/api/v1/watched")).json()["items"]] == ["Brand New"]


async def test_the_diary_pages_newest_first_through_next(program):
    movie_id = (await program.post("/api/v1/watched", {"title": "Loop"})).json()["id"]
    days = [f"2023-{month:02}-{day:02}" for month in range(1, 13) for day in (3, 17)] * 2
    for day in days:
        assert (await program.post("/api/v1/diary", {"movie_id": movie_id, "date": day})).status_code == 201
    entries = await program.every("/api/v1/diary", limit=7)
    assert len(entries) == len(days) + 1
    assert len({entry["id"] for entry in entries}) == len(entries), "each entry once"
    dated = [(entry["date"], entry["id"]) for entry in entries]
    assert dated == sorted(dated, reverse=True)


async def test_a_viewing_is_checked_as_the_diary_form_checks_it(program):
    movie_id = (await program.post("/api/v1/watchlist", {"title": "Heat"})).json()["id"]
    refused = {
        "date": ("3000-01-01", "in the future"),
        "rating": (11, "half stars"),
        "review": ("x" * 20_001, "at most 20,000"),
        "tags": ([f"tag {number}" for number in range(21)], "Up to 20 tags"),
    }
    for field, (value, message) in refused.items():
        answer = await program.post("/api/v1/diary", {"movie_id": movie_id, field: value})
        assert answer.status_code == 422, field
        assert message in answer.json()["fields"][field] and message in answer.json()["error"]
    assert (await program.get("/api/v1/diary")).json()["items"] == []


async def test_a_diary_entry_on_a_film_not_on_the_lists_is_404(user, program):
    answer = await program.post("/api/v1/diary", {"movie_id": 999_999})
    assert answer.status_code == 404
    assert texts_of_class((await user.get("/watched")).text, "title") == []
