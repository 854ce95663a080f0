"""The export: everything a person keeps in FlickList, as one ZIP holding

- `letterboxd-import.csv`: one row per viewing (and one per watched or rated film with none)
  in the columns Letterboxd's importer reads: Title, Year, imdbID, WatchedDate, Rating,
  Rewatch, Tags, Review;
- `letterboxd-watchlist.csv`: the watchlist, as Title, Year, imdbID;
- `likes/films.csv`: the films liked, as Letterboxd's own export lists them: Date (when liked),
  Name, Year, Letterboxd URI (which FlickList has not: empty);
- `lists/<slug>.csv`: each list of the person's own, in Letterboxd's list format (a banner line,
  the list's own row, a blank line, a row per film with its Position when ranked, its note);
- `flicklist.json`: every field of every entry and viewing, and the lists, with a format
  version, which FlickList's import restores whole (the lists it reads from lists/)."""

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, select

from ..lists.rows import IMDB_ID, WITH_FILM, YEAR
from ..tables import film_list_entries, film_lists, films, movies, viewings
from .cells import inert
from .threads import Blocking, in_one_row, rows_of

FORMAT = "FlickList export"
VERSION = 1
LETTERBOXD_COLUMNS = ["Title", "Year", "imdbID", "WatchedDate", "Rating", "Rewatch", "Tags", "Review"]
WATCHLIST_COLUMNS = ["Title", "Year", "imdbID"]
LIKES_COLUMNS = ["Date", "Name", "Year", "Letterboxd URI"]
LIST_BANNER = "Letterboxd list export v7"
LIST_COLUMNS = ["Date", "Name", "Tags", "URL", "Description"]
LIST_ITEM_COLUMNS = ["Position", "Name", "Year", "URL", "Description"]
IMDB_TITLE_URL = "https://www.imdb.com/title/"

# Each read answered in one row (history/threads.py); their order is put back in Python.
ENTRIES = in_one_row(
    select(
        movies.c.id,
        movies.c.title,
        YEAR,
        IMDB_ID,
        movies.c.watched,
        movies.c.rating,
        movies.c.added_at,
        movies.c.watched_at,
        movies.c.liked_at,
    )
    .select_from(WITH_FILM)
    .where(movies.c.user_id == bindparam("user_id"))
)
VIEWINGS = in_one_row(
    select(
        viewings.c.movie_id,
        viewings.c.watched_on,
        viewings.c.rating,
        viewings.c.rewatch,
        viewings.c.review,
        viewings.c.tags,
        viewings.c.created_at,
    ).where(viewings.c.user_id == bindparam("user_id"))
)


OWN_LISTS = in_one_row(
    select(film_lists.c.id, film_lists.c.name, film_lists.c.description, film_lists.c.ranked)
    .where(film_lists.c.user_id == bindparam("user_id"))
    .order_by(film_lists.c.id)  # as the import pairs lists of one name with the person's (list_plan.py)
)
LISTED = in_one_row(
    select(
        film_list_entries.c.list_id,
        film_list_entries.c.position,
        film_list_entries.c.id,
        func.coalesce(films.c.title, film_list_entries.c.title),
        func.coalesce(films.c.year, film_list_entries.c.year),
        films.c.imdb_id,
        film_list_entries.c.note,
    )
    .select_from(film_list_entries.join(film_lists).outerjoin(films, films.c.id == film_list_entries.c.film_id))
    .where(film_lists.c.user_id == bindparam("user_id"))
)


def moment(seconds: int | None) -> str | None:
    """Unix seconds as ISO 8601 in UTC: "2026-11-25T14:05:09Z"."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stars(halves: int | None) -> float | int | None:
    """Half stars as stars: 7 is 3.5, 8 is 4."""
    return None if halves is None else (halves // 2 if halves % 2 == 0 else halves / 2)


def history_in(connection: Blocking, user_id: int) -> list[dict[str, Any]]:
    """Every entry of the user's lists with its viewings, in the order they were added, as
    flicklist.json holds them; read in a worker thread (history/threads.py), each query's
    rows as one JSON row, so a history of tens of thousands of rows holds no one's page up."""
    logged: dict[int, list[dict[str, Any]]] = {}
    values = {"user_id": user_id}
    for movie_id, watched_on, rating, rewatch, review, tags, created_at in rows_of(connection, VIEWINGS, values):
        logged.setdefault(movie_id, []).append(
            {
                "watched_on": watched_on,
                "rating": stars(rating),
                "rewatch": bool(rewatch),
                "review": review,
                "tags": tags.split(", ") if tags else [],
                "logged_at": moment(created_at),
            }
        )
    rows = sorted(rows_of(connection, ENTRIES, values), key=lambda row: (row[6], row[0]))  # added, id
    return [
        {
            "title": title,
            "year": year,
            "imdb_id": imdb_id,
            "list": "watched" if watched else "watchlist",
            "rating": stars(rating),
            "added_at": moment(added_at),
            "watched_at": moment(watched_at),
            "liked_at": moment(liked_at),
            "viewings": sorted(logged.get(movie_id, []), key=lambda v: (v["watched_on"], v["logged_at"])),
        }
        for movie_id, title, year, imdb_id, watched, rating, added_at, watched_at, liked_at in rows
    ]


def lists_in(connection: Blocking, user_id: int) -> list[dict[str, Any]]:
    """The person's own lists by id (an undone one comes back last), each with its films in its
    order, as flicklist.json holds them."""
    films_of: dict[int, list[tuple]] = {}
    for list_id, *listed in rows_of(connection, LISTED, {"user_id": user_id}):
        films_of.setdefault(list_id, []).append(tuple(listed))
    return [
        {
            "name": name,
            "description": description,
            "ranked": bool(ranked),
            "films": [
                {"title": title, "year": year, "imdb_id": imdb_id, "note": note}
                for _, _, title, year, imdb_id, note in sorted(films_of.get(list_id, []))
            ],
        }
        for list_id, name, description, ranked in rows_of(connection, OWN_LISTS, {"user_id": user_id})
    ]


def csv_text(columns: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([inert(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()


def rating_cell(rating: float | None) -> str:
    return "" if rating is None else f"{rating:g}"


def letterboxd_rows(entries: list[dict[str, Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The diary rows (one per viewing; one for a watched or rated film with none) and the
    watchlist rows. A viewing's row has its own rating; the newest, if it has none, the film's
    (Letterboxd takes a film's rating from its rows)."""
    diary, watchlist = [], []
    for entry in entries:
        film = [entry["title"], entry["year"] or "", entry["imdb_id"] or ""]
        for number, viewing in enumerate(entry["viewings"], 1):
            newest = number == len(entry["viewings"])
            rating = viewing["rating"] if viewing["rating"] is not None or not newest else entry["rating"]
            rewatch = "true" if viewing["rewatch"] else "false"
            tags = ", ".join(viewing["tags"])
            diary.append([*film, viewing["watched_on"], rating_cell(rating), rewatch, tags, viewing["review"]])
        if not entry["viewings"] and (entry["list"] == "watched" or entry["rating"] is not None):
            diary.append([*film, "", rating_cell(entry["rating"]), "", "", ""])
        if entry["list"] == "watchlist":
            watchlist.append(film)
    return diary, watchlist


def liked_rows(entries: list[dict[str, Any]]) -> list[list[Any]]:
    """likes/films.csv's rows, the day of each like first ("2026-11-25T14:05:09Z"'s date)."""
    return [[entry["liked_at"][:10], entry["title"], entry["year"] or "", ""] for entry in entries if entry["liked_at"]]


def list_csv(own: dict[str, Any]) -> str:
    """A list in Letterboxd's list format: banner, the list's own row, a blank line, its films."""
    about = csv_text(LIST_COLUMNS, [["", own["name"], "", "", own["description"]]])
    films_listed = [
        [place if own["ranked"] else "", film["title"], film["year"] or "", imdb_url(film["imdb_id"]), film["note"]]
        for place, film in enumerate(own["films"], start=1)
    ]
    return f"{LIST_BANNER}\r\n{about}\r\n{csv_text(LIST_ITEM_COLUMNS, films_listed)}"


def imdb_url(imdb_id: str | None) -> str:
    """A catalog film's URL cell: its IMDb page, so that an import finds that very film again
    (Letterboxd's own lists give a boxd.it address there, which the import passes over)."""
    return f"{IMDB_TITLE_URL}{imdb_id}/" if imdb_id else ""


def slugs(names: list[str]) -> list[str]:
    """A file name for each list, as Letterboxd's: its name in lowercase words joined by hyphens,
    numbered on when two lists would share one."""
    taken: set[str] = set()
    found = []
    for name in names:
        base = "-".join(re.findall(r"\w+", name.casefold()))[:60].strip("-") or "list"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        found.append(slug)
    return found


def export_zip(entries: list[dict[str, Any]], exported_at: int, own_lists: list[dict[str, Any]] = ()) -> bytes:
    """The ZIP's bytes (CPU work: run it off the event loop)."""
    diary, watchlist = letterboxd_rows(entries)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": moment(exported_at),
        "entries": entries,
        "lists": list(own_lists),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("letterboxd-import.csv", csv_text(LETTERBOXD_COLUMNS, diary))
        archive.writestr("letterboxd-watchlist.csv", csv_text(WATCHLIST_COLUMNS, watchlist))
        archive.writestr("likes/films.csv", csv_text(LIKES_COLUMNS, liked_rows(entries)))
        for slug, own in zip(slugs([own["name"] for own in own_lists]), own_lists, strict=True):
            archive.writestr(f"lists/{slug}.csv", list_csv(own))
        archive.writestr("flicklist.json", json.dumps(document, ensure_ascii=False, indent=1))
    return out.getvalue()
