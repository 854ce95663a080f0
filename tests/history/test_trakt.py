"""A Trakt export comes in: its own ZIP (paged history, ratings, watchlist, favourites, lists
and their items) or a backup tool's files, shows and episodes left out and counted; imported
twice, nothing doubles."""

import json
import time

from history_support import counted, import_file, zipped
from support import text_of, texts_of_class

from flicklist.history.readers import ListItem, Unreadable, Viewing
from flicklist.history.uploads import read_upload

CAP = 100_000


def movie(title: str, year: int, imdb: str | None = None, trakt: int = 1) -> dict:
    return {"title": title, "year": year, "ids": {"trakt": trakt, "slug": "x", "imdb": imdb, "tmdb": 7}}


SHOW = {"title": "Squid Game", "year": 2021, "ids": {"trakt": 9, "imdb": "tt10919420"}}


def played(at: str, film: dict | None = None) -> dict:
    if film is None:
        episode = {"season": 1, "number": 2, "title": "Ep", "ids": {"trakt": 5}}
        return {"id": 1, "watched_at": at, "action": "scrobble", "type": "episode", "episode": episode, "show": SHOW}
    return {"id": 1, "watched_at": at, "action": "watch", "type": "movie", "movie": film}


def listed(rank: int, film: dict, notes: str | None = None, at: str = "2024-06-01T12:00:00.000Z") -> dict:
    return {
        "rank": rank,
        "id": rank,
        "listed_at": at,
        "notes": notes,
        "my_rating": None,
        "type": "movie",
        "movie": film,
    }


HEAT, ALIEN, BRAZIL = movie("Heat", 1995, "tt0000101"), movie("Alien", 1979), movie("Brazil", 1985, trakt=3)


def trakts_own_export() -> bytes:
    """As Trakt's Settings → Data writes it: newest plays first, history paged, a show among the films."""
    files = {
        "watched-history-1.json": [played("2025-06-24T21:30:00.000Z", HEAT), played("2025-07-01T18:41:00.000Z")],
        "watched-history-2.json": [played("2024-01-05T20:00:00.000Z", HEAT), played("2023-03-03T10:00:00.000Z", ALIEN)],
        "watched-movies.json": [{"plays": 2, "last_watched_at": "2025-06-24T21:30:00.000Z", "movie": HEAT}],
        "ratings-movies.json": [{"rated_at": "2024-03-07T19:37:27.000Z", "rating": 9, "type": "movie", "movie": HEAT}],
        "ratings-episodes.json": [{"rated_at": "2024-03-07T19:37:27.000Z", "rating": 7, "type": "episode"}],
        "lists-watchlist.json": [listed(1, BRAZIL), {"type": "show", "show": SHOW, "rank": 2, "id": 2}],
        "lists-favorites.json": [listed(1, ALIEN, "Still the best")],
        "lists-lists.json": [
            {"name": "Rewatch Soon", "description": "Worth a second look", "display_numbers": True,
             "sort_by": "rank", "ids": {"trakt": 4242, "slug": "rewatch-soon"}, "item_count": 3}
        ],
        "lists-list-4242-rewatch-soon.json": [
            listed(2, ALIEN, at="2024-06-02T12:00:00.000Z"), listed(1, HEAT, "The diner."), listed(2, BRAZIL)
        ],
        "user-settings.json": [{"email": "ann@example.com"}],
    }  # fmt: skip
    return zipped({name: json.dumps(content).encode() for name, content in files.items()})


def test_trakts_own_export_reads_plays_as_viewings_ratings_as_half_stars_and_lists_in_rank_order():
    reading = read_upload("trakt-export.zip", trakts_own_export(), CAP)
    heat_plays = next(entry for entry in reading.entries if entry.title == "Heat" and entry.viewings)
    assert heat_plays.imdb_id == "tt0000101"
    assert heat_plays.viewings == (
        Viewing("2024-01-05", None, False, "", ""),
        Viewing("2025-06-24", None, True, "", ""),
    )
    assert [(entry.title, entry.rating) for entry in reading.entries if entry.rating] == [("Heat", 9)]
    assert [entry.title for entry in reading.entries if not entry.watched] == ["Brazil"]
    assert reading.left_out == {"not_films": 3}, "a played episode, a rated episode, a show on the watchlist"
    rewatch, favourites = reading.lists
    assert (rewatch.name, rewatch.description, rewatch.ranked, rewatch.source) == (
        "Rewatch Soon",
        "Worth a second look",
        True,
        "trakt:4242",
    )
    assert rewatch.items == (
        ListItem("Heat", 1995, "The diner.", "tt0000101"),
        ListItem("Brazil", 1985, "", None),
        ListItem("Alien", 1979, "", None),
    ), "by rank, a rank shared in the order listed"
    assert (favourites.name, favourites.items) == ("Favorites", (ListItem("Alien", 1979, "Still the best", None),))


def test_a_backup_tools_files_read_by_their_names_with_a_username_in_front():
    files = {
        "ann-history_movies.json": [played("2024-01-05T20:00:00.000Z", HEAT)],
        "ann-ratings_movies.json": [
            {"rated_at": "2024-03-07T19:37:27.000Z", "rating": 10, "type": "movie", "movie": HEAT}
        ],
        "ann-watchlist_movies.json": [listed(1, BRAZIL)],
        "ann-history_shows.json": [played("2024-01-05T20:00:00.000Z")],
    }
    reading = read_upload(
        "trakt_backup_2026-01-01.zip", zipped({n: json.dumps(c).encode() for n, c in files.items()}), CAP
    )
    assert sorted((entry.title, entry.watched, entry.rating or 0) for entry in reading.entries) == [
        ("Brazil", False, 0),
        ("Heat", True, 0),
        ("Heat", True, 10),
    ]
    assert reading.left_out == {"not_films": 1}
    one = read_upload("ratings-movies.json", json.dumps(files["ann-ratings_movies.json"]).encode(), CAP)
    assert [(entry.title, entry.rating) for entry in one.entries] == [("Heat", 10)]


def test_a_broken_trakt_file_is_refused_saying_which_and_where():
    broken = zipped({"ratings-movies.json": json.dumps([{"rating": 11, "type": "movie", "movie": HEAT}]).encode()})
    message = ""
    try:
        read_upload("trakt.zip", broken, CAP)
    except Exception as refused:
        message = str(refused)
    assert message == "trakt.zip: ratings-movies.json, item 1: the rating 11 is not Trakt's 1 to 10."


async def test_a_trakt_export_is_previewed_imported_and_a_second_time_changes_nothing(user, catalog):
    preview = await import_file(user, "trakt-export.zip", trakts_own_export(), apply=False)
    assert counted(preview)["to_watched"] == 2 and counted(preview)["to_watchlist"] == 1
    assert counted(preview)["viewings"] == 3 and counted(preview)["ratings"] == 1
    assert "Not imported: 3 TV series, episodes or games" in preview and "Rewatch Soon" in preview
    await import_file(user, "trakt-export.zip", trakts_own_export())
    watched = (await user.get("/watched")).text
    assert 'name="rating" value="4.5" checked>' in watched, "Trakt's 9 of 10 is four and a half stars"
    lists = text_of((await user.get("/lists")).text)
    assert "Rewatch Soon" in lists and "3 films · 2 of 3 seen" in lists and "Favorites" in lists
    again = await import_file(user, "trakt-export.zip", trakts_own_export(), apply=False)
    assert counted(again)["viewings"] == 0 and counted(again)["to_watched"] == 0
    assert "Your lists: 0 to make, 2 already here" in again
    diary = texts_of_class((await user.get("/diary")).text, "title")
    assert sorted(diary) == ["Alien", "Heat", "Heat"]


def refusal_of(name: str, content: bytes) -> str:
    try:
        read_upload(name, content, CAP)
    except Unreadable as refused:
        return str(refused)
    raise AssertionError(f"{name} was read")


def test_odd_trakt_files_are_refused_saying_where_and_none_crashes_or_takes_long():
    huge_year = b'[{"rating": 8, "type": "movie", "movie": {"title": "B", "year": 1' + b"0" * 5000 + b"}}]"
    assert refusal_of("ratings-movies.json", huge_year).startswith("ratings-movies.json: this is not Trakt's JSON")
    far = json.dumps([played("9999-12-31T23:00:00-05:00", HEAT)]).encode()
    assert refusal_of("watched-history.json", far) == (
        "watched-history.json, item 1: 9999-12-31T23:00:00-05:00 is out of range (1870 to 2100)."
    )
    deep = b"[" + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"]"
    started = time.perf_counter()
    assert refusal_of("ratings-movies.json", deep).endswith("nested deeper than any of Trakt's files; not imported.")
    assert time.perf_counter() - started < 1
    half = json.dumps([{"rated_at": None, "rating": 9.5, "type": "movie", "movie": HEAT}]).encode()
    assert refusal_of("ratings-movies.json", half).endswith("item 1: the rating 9.5 is not Trakt's 1 to 10.")
    for not_a_list in (b'{"a": 1}', b'"hi"'):
        assert refusal_of("lists-list-9-x.json", not_a_list) == (
            "lists-list-9-x.json: this is not one of Trakt's files (they hold a list of items)."
        )
    no_film = json.dumps([{"type": "movie", "movie": None}]).encode()
    assert refusal_of("watchlist-movies.json", no_film) == (
        "watchlist-movies.json, item 1: a film without its title, year and ids."
    )
    too_long_an_id = json.dumps([listed(1, HEAT)]).encode()
    assert "too long to keep" in refusal_of(f"lists-list-{'9' * 400}-x.json", too_long_an_id)


def test_a_list_whose_slug_is_a_number_comes_in_and_one_alone_reads_as_a_list():
    about = [{"name": "1999", "display_numbers": True, "ids": {"trakt": 556, "slug": "1999"}}]
    files = {"lists-lists.json": about, "lists-list-556-1999.json": [listed(1, HEAT)]}
    reading = read_upload("trakt.zip", zipped({n: json.dumps(c).encode() for n, c in files.items()}), CAP)
    assert [(read.name, read.source, len(read.items)) for read in reading.lists] == [("1999", "trakt:556", 1)]
    alone = read_upload("lists-list-9-2024.json", json.dumps([listed(1, ALIEN)]).encode(), CAP)
    assert [(read.name, read.items) for read in alone.lists] == [("2024", (ListItem("Alien", 1979, "", None),))]


def test_watched_films_without_a_history_are_dated_by_their_last_play():
    watched = [{"plays": 1, "last_watched_at": "2017-07-07T20:00:00.000Z", "movie": movie("Solaris", 1972)}]
    (entry,) = read_upload("watched-movies.json", json.dumps(watched).encode(), CAP).entries
    assert entry.viewings == (Viewing("2017-07-07", None, False, "", ""),)
