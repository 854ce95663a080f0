"""The big files of the imports-under-load bench (issue 34), generated in the formats people
upload, never downloaded: a Letterboxd export of about 40,000 rows, Letterboxd's reviews.csv
holding 20,000 reviews of one film, and a 0.8 MB ZIP whose flicklist.json (FlickList's own
export format, as history/export.py writes it, without its spaces) unpacks to about 200 MB.

    python bench/import_files.py OUT_DIR CATALOG_DATABASE_URL   # the three files, for a look"""

import csv
import datetime
import io
import json
import sys
import zipfile
from pathlib import Path

import history_bench

from flicklist.history.export import FORMAT, VERSION

# diary.csv of 15,800 rows, the watched.csv, ratings.csv and reviews.csv that follow from it,
# and watchlist.csv: about 40,000 rows in all.
BIG_DIARY_ENTRIES = 15_800
BIG_WATCHLIST_FILMS = 1_900
REVIEWS_OF_ONE_FILM = 20_000
# As in the issue: 1.46 M entries, one film over and over, deflate's best case.
JSON_ENTRIES = 1_460_000
JSON_ENTRY = {
    "title": "Heat",
    "year": 1995,
    "imdb_id": None,
    "list": "watchlist",
    "rating": None,
    "added_at": "2024-01-01T00:00:00Z",
    "watched_at": None,
    "viewings": [],
}


def big_letterboxd_export(known: list[tuple[str, int | None]]) -> bytes:
    return history_bench.letterboxd_export(
        known, seed=34, diary_entries=BIG_DIARY_ENTRIES, watchlist_films=BIG_WATCHLIST_FILMS
    )


def rows_in(export: bytes) -> int:
    """The CSV rows of a ZIP, headers left out."""
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        return sum(archive.read(name).count(b"\n") - 1 for name in archive.namelist())


def reviews_of_one_film(title: str, year: int | None, count: int = REVIEWS_OF_ONE_FILM) -> bytes:
    """Letterboxd's reviews.csv with `count` reviews of the same film, a day apart (about 1 MB)."""
    last = datetime.date(2025, 12, 31)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date"])
    for n in range(count):
        day = (last - datetime.timedelta(days=n)).isoformat()
        rewatch = "Yes" if n else ""
        writer.writerow([day, title, year or "", f"https://boxd.it/{n:x}", "4", rewatch, "Again.", "", day])
    return out.getvalue().encode()


def flicklist_json_zip(entries: int = JSON_ENTRIES) -> bytes:
    """A ZIP holding flicklist.json of `entries` entries, written to the ZIP piece by piece."""
    head = json.dumps({"format": FORMAT, "version": VERSION, "exported_at": "2026-12-07T00:00:00Z"})
    entry = json.dumps(JSON_ENTRY, separators=(",", ":"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("flicklist.json", "w") as member:
        member.write(f'{head[:-1]}, "entries": ['.encode())
        piece = 10_000
        for start in range(0, entries, piece):
            member.write(",".join([entry] * min(piece, entries - start)).encode())
            if start + piece < entries:
                member.write(b",")
        member.write(b"]}")
    return out.getvalue()


def unpacked_size(archive_bytes: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        return sum(member.file_size for member in archive.infolist())


if __name__ == "__main__":
    folder, catalog_url = Path(sys.argv[1]), sys.argv[2]
    known = history_bench.catalog_films(catalog_url)
    (folder / "letterboxd-40k.zip").write_bytes(big_letterboxd_export(known))
    (folder / "reviews-of-one-film.csv").write_bytes(reviews_of_one_film(*known[0]))
    (folder / "flicklist-json-bomb.zip").write_bytes(flicklist_json_zip())
