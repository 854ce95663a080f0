"""A film history in and out: Letterboxd's and IMDb's exports come in after a preview, FlickList's
own export goes out and comes back whole, and a file that cannot be read changes nothing."""

import csv
import io
import json
import re
import time
import zipfile

import pytest
from history_support import counted, csv_bytes, import_file, letterboxd_export, settled, zipped
from httpx import ASGITransport, AsyncClient
from sqlalchemy import update
from support import Visitor, text_of, texts_of_class

from flicklist.housekeeping import remove_expired
from flicklist.tables import history_imports


async def export_of(visitor) -> dict[str, bytes]:
    response = await visitor.get("/account/export.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="flicklist-export-')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def without_export_time(document: bytes) -> dict:
    exported = json.loads(document)
    assert exported.pop("exported_at")
    return exported


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


async def newcomer(make_visitor, email: str):
    visitor = await make_visitor()
    await visitor.register(email)
    await visitor.get("/")
    return visitor


async def a_full_history(user, catalog) -> None:
    """Films from the catalog and typed ones, on both lists, rated, with viewings and reviews, one liked."""
    await user.post("/movies", {"film": str(catalog["tt0000101"])})  # Heat (1995)
    await user.post("/movies", {"film": str(catalog["tt0000106"])})  # Amélie
    await user.add('=HYPERLINK("http://evil")')  # a title a spreadsheet would run
    await user.add("Some Home Movie")
    heat = await user.movie_id("Heat")
    await user.post(
        f"/movies/{heat}/log",
        {
            "watched_on": "2024-02-03",
            "rating": "4.5",
            "review": "-1 for the ending.\nStill great.",
            "tags": "crime, LA",
        },
    )
    second = {"watched_on": "2025-06-07", "rating": "", "rewatch": "on", "review": "", "tags": ""}
    await user.post(f"/movies/{heat}/log", second)
    await user.post(f"/movies/{heat}/like", {"liked": "yes"})
    home = await user.movie_id("Some Home Movie")
    await user.post(f"/movies/{home}/log", {"watched_on": "2023-01-01", "rating": "0.5", "review": "", "tags": "@home"})
    await a_list(user, "Heat & co, ranked", "Crime, mostly.\nLA.", True, ["Heat (1995)", "Amélie", "A Typed Film"])
    await a_list(user, "Unranked", "", False, ["Some Home Movie", "Heat (1995)"])


async def a_list(user, name: str, description: str, ranked: bool, titles: list[str]) -> None:
    """A list of the user's own: the last film moved to the top, a note on it a spreadsheet would run."""
    made = await user.post("/lists", {"name": name, "description": description, **({"ranked": "on"} if ranked else {})})
    list_url = made.headers["location"]
    for title in titles:
        await user.post(f"{list_url}/films", {"title": title})
    last = re.findall(r'<li class="list-entry" id="entry-(\d+)"', (await user.get(list_url)).text)[-1]
    await user.post(f"{list_url}/entries/{last}/move", {"place": "1"})
    await user.post(f"{list_url}/entries/{last}/note", {"note": "=1+1, and more.\nA second line."})


async def test_an_export_imported_into_a_new_account_exports_the_same(user, make_visitor, catalog):
    await a_full_history(user, catalog)
    exported = await export_of(user)
    assert set(exported) == {
        "letterboxd-import.csv",
        "letterboxd-watchlist.csv",
        "likes/films.csv",
        "lists/heat-co-ranked.csv",
        "lists/unranked.csv",
        "flicklist.json",
    }
    assert exported["lists/heat-co-ranked.csv"].decode() == (
        "Letterboxd list export v7\r\n"
        "Date,Name,Tags,URL,Description\r\n"
        ',"Heat & co, ranked",,,"Crime, mostly.\nLA."\r\n'
        "\r\n"
        "Position,Name,Year,URL,Description\r\n"
        '1,A Typed Film,,,"\'=1+1, and more.\nA second line."\r\n'
        "2,Heat,1995,https://www.imdb.com/title/tt0000101/,\r\n"
        "3,Amélie,2001,https://www.imdb.com/title/tt0000106/,\r\n"
    )
    today = time.strftime("%Y-%m-%d", time.gmtime())
    liked = {"Date": today, "Name": "Heat", "Year": "1995", "Letterboxd URI": ""}
    assert csv_rows(exported["likes/films.csv"]) == [liked]
    bea = await newcomer(make_visitor, "bea@example.com")
    page = await import_file(bea, "flicklist-export.zip", zipped(exported))
    assert "Heat & co, ranked" in page and "Unranked" in page
    assert counted(page) == {
        "to_watchlist": 2,
        "to_watched": 2,
        "viewings": 3,
        "ratings": 2,
        "reviews": 1,
        "likes": 1,
        "already_there": 0,
        "not_matched": 2,
    }
    again = await export_of(bea)
    assert without_export_time(again["flicklist.json"]) == without_export_time(exported["flicklist.json"])
    assert again["letterboxd-import.csv"] == exported["letterboxd-import.csv"]
    assert again["likes/films.csv"] == exported["likes/films.csv"]
    assert again["lists/heat-co-ranked.csv"] == exported["lists/heat-co-ranked.csv"]
    assert json.loads(again["flicklist.json"])["lists"][0]["films"][0]["note"] == "=1+1, and more.\nA second line."


async def test_the_exported_csvs_are_letterboxds_import_format_with_formulas_made_inert(user, catalog):
    await a_full_history(user, catalog)
    exported = await export_of(user)
    diary = csv_rows(exported["letterboxd-import.csv"])
    assert list(diary[0]) == ["Title", "Year", "imdbID", "WatchedDate", "Rating", "Rewatch", "Tags", "Review"]
    heat = [row for row in diary if row["Title"] == "Heat"]
    assert heat == [
        {
            "Title": "Heat",
            "Year": "1995",
            "imdbID": "tt0000101",
            "WatchedDate": "2024-02-03",
            "Rating": "4.5",
            "Rewatch": "false",
            "Tags": "crime, LA",
            "Review": "'-1 for the ending.\nStill great.",
        },
        {
            "Title": "Heat",
            "Year": "1995",
            "imdbID": "tt0000101",
            "WatchedDate": "2025-06-07",
            "Rating": "4.5",
            "Rewatch": "true",
            "Tags": "",
            "Review": "",
        },
    ]
    home = next(row for row in diary if row["Title"] == "Some Home Movie")
    assert (home["Rating"], home["Tags"], home["imdbID"]) == ("0.5", "'@home", "")
    watchlist = csv_rows(exported["letterboxd-watchlist.csv"])
    assert sorted(watchlist, key=lambda row: row["Title"]) == [
        {"Title": '\'=HYPERLINK("http://evil")', "Year": "", "imdbID": ""},
        {"Title": "Amélie", "Year": "2001", "imdbID": "tt0000106"},
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in diary + watchlist for cell in row.values())


async def test_the_exported_csvs_reimport_to_the_same_lists(user, make_visitor, catalog):
    await a_full_history(user, catalog)
    exported = await export_of(user)
    bea = await newcomer(make_visitor, "bea@example.com")
    await import_file(bea, "letterboxd-import.csv", exported["letterboxd-import.csv"])
    await import_file(bea, "letterboxd-watchlist.csv", exported["letterboxd-watchlist.csv"])
    for path in ("/?sort=title", "/watched?sort=title"):
        assert texts_of_class((await bea.get(path)).text, "title") == texts_of_class(
            (await user.get(path)).text, "title"
        )
    watched = (await bea.get("/watched")).text
    assert 'name="rating" value="4.5" checked>' in watched and 'name="rating" value="0.5" checked>' in watched
    assert '=HYPERLINK("http://evil")' in texts_of_class((await bea.get("/")).text, "title"), "the apostrophe comes off"


async def test_a_letterboxd_export_is_previewed_then_imported_and_a_second_time_changes_nothing(user, catalog):
    export = letterboxd_export(
        watchlist=[("2024-01-01", "Dune", "2021"), ("2024-01-02", "Some Film Nobody Knows", "1999")],
        watched=[("2024-02-01", "Heat", "1995"), ("2024-02-01", "amelie", "2001")],
        ratings=[("2024-02-01", "Heat", "1995", "4.5")],
        diary=[
            ("2024-02-01", "Heat", "1995", "4", "", "crime", "2024-01-31"),
            ("2024-03-01", "Heat", "1995", "4.5", "Yes", "", "2024-02-28"),
            ("2024-03-02", "Léon: The Professional", "1994", "3", "", "", "2024-03-02"),
        ],
        reviews=[("2024-03-01", "Heat", "1995", "4.5", "Yes", "Better on a big screen.", "", "2024-02-28")],
        deleted_diary=[("2024-03-05", "Heathers", "1988", "2", "", "", "2024-03-05")],
    )
    preview = await import_file(user, "letterboxd-ann-2024.zip", export, apply=False)
    assert counted(preview) == {
        "to_watchlist": 2,
        "to_watched": 3,
        "viewings": 3,
        "ratings": 2,
        "reviews": 1,
        "likes": 0,
        "already_there": 0,
        "not_matched": 1,
    }
    assert "Some Film Nobody Knows (1999)" in preview
    assert texts_of_class((await user.get("/")).text, "title") == [], "a preview changes nothing"
    await import_file(user, "letterboxd-ann-2024.zip", export)
    assert texts_of_class((await user.get("/?sort=title")).text, "title") == ["Dune", "Some Film Nobody Knows"]
    watched = (await user.get("/watched?sort=title")).text
    assert texts_of_class(watched, "title") == ["Amélie", "Heat", "Léon: The Professional"]
    assert 'name="rating" value="4.5" checked>' in watched, "ratings.csv gives the film's rating"
    assert "Heathers" not in text_of((await user.get("/diary")).text), "deleted/ is not the diary"
    film_page = text_of((await user.get(f"/films/{catalog['tt0000101']}")).text)
    assert "28 Feb 2024" in film_page and "Rewatch Better on a big screen." in film_page and "Tags: crime" in film_page
    assert "2021" in text_of((await user.get("/")).text), "the Dune of the year Letterboxd gave"
    again = await import_file(user, "letterboxd-ann-2024.zip", export, apply=False)
    assert counted(again) == {
        "to_watchlist": 0,
        "to_watched": 0,
        "viewings": 0,
        "ratings": 0,
        "reviews": 0,
        "likes": 0,
        "already_there": 5,
        "not_matched": 1,
    }


# IMDb's export columns: the film's, then the ratings export's or the list export's own around them.
IMDB_FILM_COLUMNS = ["Title", "Original Title", "URL", "Title Type", "IMDb Rating", "Runtime (mins)", "Year",
                     "Genres", "Num Votes", "Release Date", "Directors"]  # fmt: skip
IMDB_RATINGS_COLUMNS = ["Const", "Your Rating", "Date Rated", *IMDB_FILM_COLUMNS]
IMDB_LIST_COLUMNS = ["Position", "Const", "Created", "Modified", "Description", *IMDB_FILM_COLUMNS,
                     "Your Rating", "Date Rated"]  # fmt: skip


def imdb_csv(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    """An IMDb export (with its byte-order mark): the cells given by column, the rest empty."""
    return csv_bytes(columns, [[row.get(column, "") for column in columns] for row in rows], bom=True)


async def test_imdb_ratings_become_half_stars_and_its_watchlist_the_watchlist(user, catalog):
    rated = {"Date Rated": "2024-05-01", "Title Type": "Movie", "URL": "https://www.imdb.com/title/x/"}
    ratings = imdb_csv(
        IMDB_RATINGS_COLUMNS,
        [
            {**rated, "Const": "tt0000101", "Your Rating": "9", "Title": "Heat", "Year": "1995"},
            {**rated, "Const": "tt0000117", "Your Rating": "1", "Title": "Nine Queens", "Year": "2000"},
        ],
    )
    await import_file(user, "ratings.csv", ratings)
    watched = (await user.get("/watched")).text
    assert 'name="rating" value="4.5" checked>' in watched and 'name="rating" value="0.5" checked>' in watched
    listed = {"Position": "1", "Const": "tt0000107", "Created": "2024-01-01", "Title": "Dune", "Year": "1984"}
    await import_file(user, "WATCHLIST.csv", imdb_csv(IMDB_LIST_COLUMNS, [listed]))
    page = (await user.get("/")).text
    assert texts_of_class(page, "title") == ["Dune"] and "1984" in text_of(page), "matched by IMDb id: the 1984 one"


BAD_FILES = [
    ("export.zip", b"PK\x03\x04 this is no zip", "export.zip: this is not a ZIP file FlickList can open."),
    ("ratings.csv", b"Name,Stars\nHeat,5\n", "ratings.csv, line 1: these columns are not from"),
    (
        "diary.csv",
        "Date,Name,Year,Letterboxd URI\n2024-01-01,Amélie,2001,x\n".encode("latin-1"),
        "diary.csv, line 2: this is not UTF-8 text.",
    ),
    (
        "ratings.csv",
        b"Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat,1995,x,4\n2024-01-01,Alien,1979,x,7\n",
        "ratings.csv, line 3: the rating '7' is not",
    ),
    (
        "diary.csv",
        b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2024-01-01,Heat,1995,x,4,,,2999-01-01\n",
        "diary.csv, line 2: Watched Date 2999-01-01 is out of range",
    ),
    ("watched.csv", b"Date,Name,Year,Letterboxd URI\n2024-01-01,Heat,1995\n", "watched.csv, line 2: 3 cells where"),
    (
        "watched.csv",
        b"Date,Name,Year,Letterboxd URI\n2024-01-01,Heat,nineteen,x\n",
        "watched.csv, line 2: the year 'nineteen' is not a year.",
    ),
    (
        "flicklist.json",
        b'{"format": "FlickList export", "version": 99, "entries": []}',
        "flicklist.json: export format version 99",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
async def test_a_file_that_cannot_be_read_is_refused_with_where_and_why_and_changes_nothing(
    user, name, content, message
):
    await user.add("Heat")
    response = await user.upload("/account/import", name, content)
    assert response.status_code == 422
    assert message in text_of(response.text) and "Nothing was imported." in text_of(response.text)
    assert texts_of_class((await user.get("/")).text, "title") == ["Heat"]


@pytest.mark.slow
async def test_a_zip_bomb_and_a_zip_of_too_many_files_are_refused(user):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("watched.csv", b"Date,Name,Year,Letterboxd URI\n" + (b" " * 1023 + b"\n") * (201 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < 1024 * 1024
    response = await user.upload("/account/import", "bomb.zip", bomb)
    assert response.status_code == 422 and "it unpacks to more than 100 MB" in text_of(response.text)
    many = zipped({f"list-{n}.csv": b"" for n in range(10_001)})
    response = await user.upload("/account/import", "many.zip", many)
    assert response.status_code == 422 and "it holds 10,001 files" in text_of(response.text)


async def test_an_import_may_be_far_larger_than_a_form_but_not_past_its_own_cap(make_settings_app):
    app = await make_settings_app(max_import_bytes=str(300 * 1024))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as client:
        visitor = Visitor(client)
        await visitor.register("cap@example.com")
        await visitor.get("/")
        rows = [["2024-01-01", f"Film number {n}", "2000", "x"] for n in range(4_000)]
        big = csv_bytes(["Date", "Name", "Year", "Letterboxd URI"], rows)
        assert 64 * 1024 < len(big) < 300 * 1024
        preview = await import_file(visitor, "watchlist.csv", big, apply=False)
        assert counted(preview)["to_watchlist"] == 4_000
        response = await visitor.upload("/account/import", "watchlist.csv", big * 3)
        assert response.status_code == 413
        assert "That file is larger than 0.292969 MB, the most FlickList imports at once." in text_of(response.text)


async def test_nobody_sees_or_applies_anyone_elses_import(user, make_visitor):
    content = csv_bytes(["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-01", "Heat", "1995", "x"]])
    response = await user.upload("/account/import", "watchlist.csv", content)
    job_url = response.headers["location"]
    bob = await newcomer(make_visitor, "bob@example.com")
    assert (await bob.get(job_url)).status_code == 404
    assert (await bob.post(f"{job_url}/apply")).status_code == 404
    assert (await bob.post(f"{job_url}/cancel")).status_code == 404


def a_long_watchlist(films: int) -> bytes:
    rows = [["2024-01-01", f"Film number {n}", "2000", "x"] for n in range(films)]
    return csv_bytes(["Date", "Name", "Year", "Letterboxd URI"], rows)


async def test_a_running_import_shows_its_progress_and_the_page_follows_it(user):
    response = await user.upload("/account/import", "watchlist.csv", a_long_watchlist(20_000))
    job_url = response.headers["location"]
    running = (await user.get(job_url)).text
    assert '<progress id="import-progress" max="20000"' in running and "of 20,000 entries" in text_of(running)
    assert 'hx-trigger="every 500ms"' in running, "htmx asks again"
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in running, "without JavaScript, a refresh"
    assert counted(await settled(user, job_url))["to_watchlist"] == 20_000


async def test_import_applies_once_however_often_it_is_clicked(user):
    content = csv_bytes(["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-01", "Heat", "1995", "x"]])
    response = await user.upload("/account/import", "watchlist.csv", content)
    job_url = response.headers["location"]
    await settled(user, job_url)
    first, second = await user.post(f"{job_url}/apply"), await user.post(f"{job_url}/apply")
    assert (first.status_code, second.status_code) == (303, 409)
    await settled(user, job_url)
    assert texts_of_class((await user.get("/")).text, "title") == ["Heat"]


async def test_a_previewed_import_can_be_cancelled(user):
    content = csv_bytes(["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-01", "Heat", "1995", "x"]])
    job_url = (await user.upload("/account/import", "watchlist.csv", content)).headers["location"]
    await settled(user, job_url)
    response = await user.post(f"{job_url}/cancel")
    assert response.headers["location"] == "/account"
    assert "Nothing was imported from watchlist.csv." in text_of((await user.get("/account")).text)
    assert (await user.get(job_url)).status_code == 404
    assert texts_of_class((await user.get("/")).text, "title") == []


async def test_titles_match_whatever_their_case_accents_punctuation_and_article(user, catalog):
    watched = csv_bytes(
        ["Date", "Name", "Year", "Letterboxd URI"],
        [
            ["2024-01-01", "Heat, The", "2013", "x"],
            ["2024-01-01", "LEON - THE PROFESSIONAL", "1994", "x"],
            ["2024-01-01", "Nine Queens", "2001", "x"],  # a year off by one: databases differ
            ["2024-01-01", "Heat", "1986", "x"],
        ],
    )
    preview = await import_file(user, "watched.csv", watched)
    assert counted(preview)["not_matched"] == 0
    page = (await user.get("/watched?sort=title")).text
    assert texts_of_class(page, "title") == ["Heat", "Léon: The Professional", "Nine Queens", "The Heat"]
    assert f'href="/films/{catalog["tt0000102"]}"' in page, "the Heat of 1986, not of 1995"


async def test_imports_untouched_for_a_day_are_removed(user, app):
    content = csv_bytes(["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-01", "Heat", "1995", "x"]])
    job_url = (await user.upload("/account/import", "watchlist.csv", content)).headers["location"]
    await settled(user, job_url)
    assert (await remove_expired(app.state.db, app.state.settings)).imports == 0
    async with app.state.db.transaction() as connection:
        a_day_ago = history_imports.c.updated_at - 24 * 3600 - 1
        await connection.execute(update(history_imports).values(updated_at=a_day_ago))
    assert (await remove_expired(app.state.db, app.state.settings)).imports == 1
    assert (await user.get(job_url)).status_code == 404


async def test_letterboxds_liked_films_come_in_liked_and_watched_and_a_second_time_change_nothing(user, catalog):
    await user.post("/movies", {"film": str(catalog["tt0000101"])})  # Heat (1995), crossed off below
    await user.post(f"/movies/{await user.movie_id('Heat')}/watched")
    await user.post("/movies", {"film": str(catalog["tt0000107"])})  # Dune (1984), on the watchlist
    likes = csv_bytes(
        ["Date", "Name", "Year", "Letterboxd URI"],
        [
            ["2024-02-01", "Heat", "1995", "x"],
            ["2024-02-02", "Dune", "1984", "y"],
            ["", "Amélie", "2001", "z"],
        ],
    )
    export = zipped({"likes/films.csv": likes})
    preview = await import_file(user, "letterboxd-ann-2024.zip", export, apply=False)
    assert {name: counted(preview)[name] for name in ("likes", "to_watched", "already_there")} == {
        "likes": 3,
        "to_watched": 2,
        "already_there": 0,
    }
    await import_file(user, "letterboxd-ann-2024.zip", export)
    liked = (await user.get("/watched?sort=title&liked=yes")).text
    assert texts_of_class(liked, "title") == ["Amélie", "Dune", "Heat"], "a film liked on Letterboxd was watched"
    assert texts_of_class((await user.get("/")).text, "title") == []
    again = await import_file(user, "letterboxd-ann-2024.zip", export, apply=False)
    assert {name: counted(again)[name] for name in ("likes", "to_watched", "already_there")} == {
        "likes": 0,
        "to_watched": 0,
        "already_there": 3,
    }
