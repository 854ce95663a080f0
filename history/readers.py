"""Reading the files a history comes in, into one shape (`Entry`): Letterboxd's export (its ZIP,
or one of its CSVs), IMDb's ratings and list exports, and FlickList's own export. A file that
cannot be read stops everything with `Unreadable`, whose message names the file and the line."""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import NamedTuple

from ..diary.days import latest_day_anywhere, start_of_day
from ..diary.ratings import RATINGS
from ..diary.viewings import REVIEW_MAX, TAG_MAX, TAGS_MAX, read_tags
from ..web.forms import clean_text
from .cells import as_written
from .export import FORMAT, VERSION

MAX_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
TITLE_MAX = 200
LETTERBOXD_FILES = ("watchlist.csv", "watched.csv", "ratings.csv", "diary.csv", "reviews.csv")
FLICKLIST_FILES = ("letterboxd-import.csv", "letterboxd-watchlist.csv")


class Unreadable(ValueError):
    """The file, or a line of it, is not something FlickList imports; the message says where and why."""


class Viewing(NamedTuple):
    watched_on: str
    rating: int | None
    rewatch: bool
    review: str
    tags: str
    logged_at: int | None = None


class Entry(NamedTuple):
    """One film as a file lists it: on which list, the film's rating (half stars) and its viewings."""

    where: str
    title: str
    year: int | None
    imdb_id: str | None
    watched: bool
    rating: int | None = None
    added_at: int | None = None
    watched_at: int | None = None
    viewings: tuple[Viewing, ...] = ()


def read_upload(name: str, data: bytes) -> list[Entry]:
    """Every entry in an uploaded file, in the order the file gives them."""
    if data[:4] == b"PK\x03\x04":
        return read_zip(name, data)
    text = decoded(name, data)
    if text.lstrip().startswith("{"):
        return read_flicklist_json(name, text)
    return list(read_csv(name, text))


def decoded(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Unreadable(f"{name}, line {line}: this is not UTF-8 text. Save it as UTF-8 and try again.") from None


def read_zip(name: str, data: bytes) -> list[Entry]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Unreadable(f"{name}: this is not a ZIP file FlickList can open.") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"{name}: it holds {len(members):,} files; an export holds at most {MAX_MEMBERS:,}.")
    # Only the top level: Letterboxd keeps deleted entries in deleted/diary.csv and the like.
    wanted = {member.filename: member for member in members if "/" not in member.filename.strip("/")}
    budget = MAX_UNPACKED_BYTES
    if "flicklist.json" in wanted:
        return read_flicklist_json(f"{name}: flicklist.json", unpacked(archive, wanted["flicklist.json"], name, budget))
    entries: list[Entry] = []
    texts = {}
    for member_name in (*LETTERBOXD_FILES, *FLICKLIST_FILES):
        if member_name in wanted:
            texts[member_name] = unpacked(archive, wanted[member_name], name, budget)
            budget -= len(texts[member_name].encode())
    if not texts:
        expected = ", ".join(LETTERBOXD_FILES)
        raise Unreadable(f"{name}: no file FlickList imports is in this ZIP (a Letterboxd export has {expected}).")
    for member_name, text in texts.items():
        entries.extend(read_csv(member_name, text))
    return entries


def unpacked(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, budget: int) -> str:
    """A member's text, read no further than the budget whatever its header claims (a ZIP bomb's lies)."""
    try:
        with archive.open(member) as file:
            data = file.read(budget + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise Unreadable(f"{name}: {member.filename} is damaged and cannot be unpacked.") from None
    if len(data) > budget:
        limit = MAX_UNPACKED_BYTES // (1024 * 1024)
        raise Unreadable(f"{name}: it unpacks to more than {limit} MB, more than any export; not imported.")
    return decoded(member.filename, data)


# Which columns make which kind of file: the first whose columns are all in the header wins.
KINDS = (
    ("flicklist", ("Title", "Year", "imdbID", "WatchedDate", "Rating", "Rewatch", "Tags", "Review")),
    ("flicklist-watchlist", ("Title", "Year", "imdbID")),
    ("letterboxd", ("Date", "Name", "Year", "Letterboxd URI")),
    ("imdb-list", ("Position", "Const", "Created", "Title", "Year")),
    ("imdb-ratings", ("Const", "Your Rating", "Date Rated", "Title", "Year")),
)
WHAT_WE_READ = (
    "Letterboxd's export (its ZIP or watchlist.csv, watched.csv, ratings.csv, diary.csv, reviews.csv), "
    "IMDb's ratings or list export, or FlickList's own export"
)


def read_csv(name: str, text: str) -> Iterator[Entry]:
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(rows, [])]
    except csv.Error as error:
        raise Unreadable(f"{name}, line 1: {error}.") from None
    kind = next((kind for kind, columns in KINDS if set(columns) <= set(header)), None)
    if kind is None:
        raise Unreadable(f"{name}, line 1: these columns are not from {WHAT_WE_READ}.")
    base = name.rsplit("/", 1)[-1].lower()
    try:
        for row in rows:
            where = f"{name}, line {rows.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise Unreadable(f"{where}: {len(row)} cells where the header has {len(header)}.")
            cells = dict(zip(header, row, strict=True))
            if kind.startswith("flicklist"):
                cells = {column: as_written(cell) for column, cell in cells.items()}
            yield READERS[kind](where, cells, base)
    except csv.Error as error:
        raise Unreadable(f"{name}, line {rows.line_num}: {error}.") from None


def letterboxd_entry(where: str, cells: dict[str, str], base: str) -> Entry:
    title, year = film_title(where, cells["Name"]), film_year(where, cells["Year"])
    added_at = moment_of_day(where, cells["Date"], "Date")
    rating = half_stars(where, cells.get("Rating", ""))
    watched_on = cells.get("Watched Date", "").strip()
    if base == "watchlist.csv":
        return Entry(where, title, year, None, watched=False, added_at=added_at)
    if base in ("diary.csv", "reviews.csv") or watched_on:
        watched_on = day(where, watched_on or cells["Date"], "Watched Date")
        viewing = Viewing(
            watched_on,
            rating,
            cells.get("Rewatch", "").strip().lower() in ("yes", "true"),
            review(where, cells.get("Review", "")),
            tags(where, cells.get("Tags", "")),
        )
        return Entry(where, title, year, None, watched=True, added_at=added_at, viewings=(viewing,))
    return Entry(where, title, year, None, watched=True, rating=rating, added_at=added_at)


def imdb_ratings_entry(where: str, cells: dict[str, str], _base: str) -> Entry:
    rating = cells["Your Rating"].strip()
    if not (rating.isdigit() and 1 <= int(rating) <= 10):
        raise Unreadable(f"{where}: Your Rating is {rating!r}; IMDb's ratings run from 1 to 10.")
    title, year = film_title(where, cells["Title"]), film_year(where, cells["Year"])
    rated_at = moment_of_day(where, cells["Date Rated"], "Date Rated")
    return Entry(
        where, title, year, imdb_id(where, cells["Const"]), watched=True, rating=int(rating), added_at=rated_at
    )


def imdb_list_entry(where: str, cells: dict[str, str], _base: str) -> Entry:
    title, year = film_title(where, cells["Title"]), film_year(where, cells["Year"])
    added_at = moment_of_day(where, cells["Created"], "Created")
    return Entry(where, title, year, imdb_id(where, cells["Const"]), watched=False, added_at=added_at)


def flicklist_entry(where: str, cells: dict[str, str], _base: str) -> Entry:
    title, year = film_title(where, cells["Title"]), film_year(where, cells["Year"])
    film_id = imdb_id(where, cells["imdbID"]) if cells["imdbID"].strip() else None
    rating = half_stars(where, cells["Rating"])
    if not cells["WatchedDate"].strip():
        return Entry(where, title, year, film_id, watched=True, rating=rating)
    viewing = Viewing(
        day(where, cells["WatchedDate"], "WatchedDate"),
        rating,
        cells["Rewatch"].strip().lower() == "true",
        review(where, cells["Review"]),
        tags(where, cells["Tags"]),
    )
    return Entry(where, title, year, film_id, watched=True, viewings=(viewing,))


def flicklist_watchlist_entry(where: str, cells: dict[str, str], _base: str) -> Entry:
    film_id = imdb_id(where, cells["imdbID"]) if cells["imdbID"].strip() else None
    return Entry(where, film_title(where, cells["Title"]), film_year(where, cells["Year"]), film_id, watched=False)


READERS = {
    "letterboxd": letterboxd_entry,
    "imdb-ratings": imdb_ratings_entry,
    "imdb-list": imdb_list_entry,
    "flicklist": flicklist_entry,
    "flicklist-watchlist": flicklist_watchlist_entry,
}


def read_flicklist_json(name: str, text: str) -> list[Entry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(f"{name}, line {error.lineno}: not JSON ({error.msg}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unreadable(f"{name}: this JSON is not a FlickList export.")
    if document.get("version") != VERSION:
        raise Unreadable(f"{name}: export format version {document.get('version')!r}; this FlickList reads {VERSION}.")
    if not isinstance(document.get("entries"), list):
        raise Unreadable(f"{name}: it has no list of entries.")
    return [json_entry(f"{name}, entry {number}", entry) for number, entry in enumerate(document["entries"], 1)]


def json_entry(where: str, entry: object) -> Entry:
    try:
        if not isinstance(entry, dict) or entry["list"] not in ("watchlist", "watched"):
            raise Unreadable(f"{where}: not an entry (it needs a title and a list, watchlist or watched).")
        year = entry["year"]
        if year is not None and not (isinstance(year, int) and 1870 <= year <= 2100):
            raise Unreadable(f"{where}: the year {year!r} is not a year.")
        viewings = tuple(json_viewing(where, viewing) for viewing in entry["viewings"])
        return Entry(
            where,
            film_title(where, entry["title"]),
            year,
            imdb_id(where, entry["imdb_id"]) if entry["imdb_id"] is not None else None,
            watched=entry["list"] == "watched",
            rating=json_rating(where, entry["rating"]),
            added_at=moment(where, entry["added_at"]),
            watched_at=moment(where, entry["watched_at"]) if entry["watched_at"] is not None else None,
            viewings=viewings,
        )
    except (KeyError, TypeError) as error:
        raise Unreadable(f"{where}: it lacks {error} or has the wrong kind of value there.") from None


def json_viewing(where: str, viewing: dict) -> Viewing:
    if not isinstance(viewing["rewatch"], bool) or not isinstance(viewing["tags"], list):
        raise TypeError("rewatch")
    return Viewing(
        day(where, viewing["watched_on"], "watched_on"),
        json_rating(where, viewing["rating"]),
        viewing["rewatch"],
        review(where, viewing["review"]),
        tags(where, ", ".join(viewing["tags"])),
        moment(where, viewing["logged_at"]),
    )


def json_rating(where: str, rating: object) -> int | None:
    if rating is None:
        return None
    if isinstance(rating, bool) or not isinstance(rating, int | float):
        raise Unreadable(f"{where}: the rating {rating!r} is not a number of stars.")
    return half_stars(where, f"{rating:g}")


def film_title(where: str, typed: object) -> str:
    title = clean_text(typed) if isinstance(typed, str) else ""
    if not title:
        raise Unreadable(f"{where}: the film has no title.")
    if len(title) > TITLE_MAX:
        raise Unreadable(f"{where}: the title is longer than {TITLE_MAX} characters.")
    return title


def film_year(where: str, typed: str) -> int | None:
    typed = typed.strip()
    if not typed:
        return None
    if not (typed.isdigit() and 1870 <= int(typed) <= 2100):
        raise Unreadable(f"{where}: the year {typed!r} is not a year.")
    return int(typed)


def imdb_id(where: str, typed: object) -> str:
    text = typed.strip() if isinstance(typed, str) else ""
    if not (text.startswith("tt") and text[2:].isdigit() and 3 <= len(text) <= 16):
        raise Unreadable(f"{where}: {typed!r} is not an IMDb id (such as tt0113277).")
    return text


def half_stars(where: str, typed: str) -> int | None:
    typed = typed.strip()
    if not typed:
        return None
    halves = RATINGS.get(typed[:-2] if typed.endswith(".0") else typed)  # "4.0" as well as "4"
    if halves is None:
        raise Unreadable(f"{where}: the rating {typed!r} is not ½ to 5 stars in half stars.")
    return halves


def day(where: str, typed: str, column: str) -> str:
    text = typed.strip()
    if text in DAYS_SEEN:  # a history repeats its days; checking each once saves a third of the reading
        return text
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise Unreadable(f"{where}: {column} {typed!r} is not a date (year-month-day).") from None
    if not date(1870, 1, 1) <= parsed <= latest_day_anywhere():
        raise Unreadable(f"{where}: {column} {typed} is out of range (1870 to today).")
    if parsed.isoformat() == text and len(DAYS_SEEN) < 100_000:
        DAYS_SEEN.add(text)
    return parsed.isoformat()


# Days already found good (in the past, so good for good), as written.
DAYS_SEEN: set[str] = set()


def moment_of_day(where: str, typed: str, column: str) -> int | None:
    if not typed.strip():
        return None
    return start_of_day(day(where, typed, column))


def moment(where: str, typed: object) -> int:
    try:
        return int(datetime.strptime(typed, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    except (TypeError, ValueError):
        raise Unreadable(f"{where}: {typed!r} is not a time such as 2026-11-25T14:05:09Z.") from None


def review(where: str, typed: str) -> str:
    text = typed.replace("\r\n", "\n").strip()
    if len(text) > REVIEW_MAX:
        raise Unreadable(f"{where}: the review is longer than {REVIEW_MAX:,} characters.")
    return text


def tags(where: str, typed: str) -> str:
    found = read_tags(typed)
    if len(found) > TAGS_MAX or any(len(tag) > TAG_MAX for tag in found):
        raise Unreadable(f"{where}: up to {TAGS_MAX} tags, each at most {TAG_MAX} characters.")
    return ", ".join(found)
