"""The export: everything a person keeps in FlickList, as one ZIP holding

- `letterboxd-import.csv`: one row per viewing (and one per watched or rated film with none)
  in the columns Letterboxd's importer reads: Title, Year, imdbID, WatchedDate, Rating,
  Rewatch, Tags, Review;
- `letterboxd-watchlist.csv`: the watchlist, as Title, Year, imdbID;
- `flicklist.json`: every field of every entry and viewing, with a format version, which
  FlickList's import restores whole."""

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select

from ..db import Database
from ..tables import films, movies, viewings
from .cells import inert

FORMAT = "FlickList export"
VERSION = 1
LETTERBOXD_COLUMNS = ["Title", "Year", "imdbID", "WatchedDate", "Rating", "Rewatch", "Tags", "Review"]
WATCHLIST_COLUMNS = ["Title", "Year", "imdbID"]

ENTRIES = (
    select(
        movies.c.id,
        movies.c.title,
        films.c.year,
        movies.c.year,
        films.c.imdb_id,
        movies.c.watched,
        movies.c.rating,
        movies.c.added_at,
        movies.c.watched_at,
    )
    .select_from(movies.outerjoin(films, films.c.id == movies.c.film_id))
    .where(movies.c.user_id == bindparam("user_id"))
    .order_by(movies.c.added_at, movies.c.id)
)
VIEWINGS = select(
    viewings.c.movie_id,
    viewings.c.watched_on,
    viewings.c.rating,
    viewings.c.rewatch,
    viewings.c.review,
    viewings.c.tags,
    viewings.c.created_at,
).where(viewings.c.user_id == bindparam("user_id"))


def moment(seconds: int | None) -> str | None:
    """Unix seconds as ISO 8601 in UTC: "2026-11-25T14:05:09Z"."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stars(halves: int | None) -> float | int | None:
    """Half stars as stars: 7 is 3.5, 8 is 4."""
    return None if halves is None else (halves // 2 if halves % 2 == 0 else halves / 2)


async def history_of(db: Database, user_id: int) -> list[dict[str, Any]]:
    """Every entry of the user's lists with its viewings, in the order they were added, as
    flicklist.json holds them."""
    logged: dict[int, list[dict[str, Any]]] = {}
    for movie_id, watched_on, rating, rewatch, review, tags, created_at in await db.fetch_all(
        VIEWINGS, user_id=user_id
    ):
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
    entries = []
    for movie_id, title, film_year, typed_year, imdb_id, watched, rating, added_at, watched_at in await db.fetch_all(
        ENTRIES, user_id=user_id
    ):
        entries.append(
            {
                "title": title,
                "year": film_year if imdb_id else typed_year,
                "imdb_id": imdb_id,
                "list": "watched" if watched else "watchlist",
                "rating": stars(rating),
                "added_at": moment(added_at),
                "watched_at": moment(watched_at),
                "viewings": sorted(logged.get(movie_id, []), key=lambda v: (v["watched_on"], v["logged_at"])),
            }
        )
    return entries


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


def export_zip(entries: list[dict[str, Any]], exported_at: int) -> bytes:
    """The ZIP's bytes (CPU work: run it off the event loop)."""
    diary, watchlist = letterboxd_rows(entries)
    document = {"format": FORMAT, "version": VERSION, "exported_at": moment(exported_at), "entries": entries}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("letterboxd-import.csv", csv_text(LETTERBOXD_COLUMNS, diary))
        archive.writestr("letterboxd-watchlist.csv", csv_text(WATCHLIST_COLUMNS, watchlist))
        archive.writestr("flicklist.json", json.dumps(document, ensure_ascii=False, indent=1))
    return out.getvalue()
