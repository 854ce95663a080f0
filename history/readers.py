"""Reading the files a history comes in, into one shape (`Entry`, and `ListRead` for a list):
Letterboxd's export (its ZIP, or one of its CSVs), IMDb's ratings and list exports, and
FlickList's own export; Trakt's is history/trakt.py's.

history/uploads.py's `read_upload(name, data, max_entries)` gives a `Reading`: the entries, in
the order the file gives them, and `left_out`, what the file holds that will not come in,
counted by kind (`left_out_phrases()` says it in words). A file that cannot be read, or that holds more than
`max_entries` entries, stops everything with `Unreadable`, whose message is ready to show a
person and names the file and the line where there is one.

A file is read as a stream, in chunks, and the reading stops as soon as the file passes what
`max_entries` entries need: whatever a ZIP unpacks to, only the entries kept take memory."""

import codecs
import copy
import csv
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import chain
from typing import NamedTuple

import ijson

from ..catalog.imdb_files import IMDB_ID
from ..catalog.text import clean_lines, clean_text
from ..diary.days import latest_day_anywhere, start_of_day
from ..diary.ratings import RATINGS
from ..diary.viewings import REVIEW_MAX, TAG_MAX, TAGS_MAX, read_tags
from ..own_lists.fields import SOURCE_MAX, description_error, name_error, note_error
from ..whole_numbers import whole_number
from .cells import as_written
from .export import FORMAT, IMDB_TITLE_URL, LIST_COLUMNS, LIST_ITEM_COLUMNS, VERSION
from .export import LIST_BANNER as EXPORTED_LIST_BANNER

MAX_MEMBERS = 10_000
# What a file may unpack to, and what the text its entries keep may take in memory, by the entries
# it may hold. The fattest rows of a real export are reviews.csv's (about 120 bytes and the
# review); its other rows take 70-130 bytes (a diary row about 110), flicklist.json about 330 an
# entry with a viewing. A history of 100,000 entries with 30,000 reviews of 2,000 characters comes
# to about 75 MB: 1,000 bytes an entry lets every real export in and stops a ZIP bomb at 100 MB
# unpacked. Kept text is mostly smaller than its UTF-8, but a review with one emoji in it is kept
# at 4 bytes a character: the same bound keeps such a file from taking 4 times its size.
BYTES_PER_ENTRY = 1_000
MIN_BYTES = 10_000_000  # a small cap still takes a file of an ordinary size
# Each line is a turn of the reading loop: a file of empty lines, 100 MB of them, would keep it
# busy for minutes. A real export has about a line an entry (a review of paragraphs a few more):
# 10 lines an entry, a line for every 100 bytes the unpacking allows.
BYTES_PER_LINE = 100
# One entry of FlickList's JSON is built whole before it is read: a film with a thousand viewings
# and reviews takes well under this; a file of one entry with a million viewings does not.
ENTRY_JSON_MAX = 4_000_000
CHUNK_BYTES = 64 * 1024
LINE_MAX = 1_000_000  # characters: a line holds one review at most (REVIEW_MAX); csv's own limit is 131,072 a cell
TITLE_MAX = 200
ZIP_START = b"PK\x03\x04"
EMPTY_ZIP = b"PK\x05\x06"  # a ZIP of no files begins with its (empty) directory
UTF8_BOM = codecs.BOM_UTF8
LETTERBOXD_FILES = ("watchlist.csv", "watched.csv", "ratings.csv", "diary.csv", "reviews.csv")
FLICKLIST_FILES = ("letterboxd-import.csv", "letterboxd-watchlist.csv")
LIKED_FILMS = "likes/films.csv"  # Letterboxd's, and FlickList's export's: Date, Name, Year, Letterboxd URI
WHAT_WE_READ = (
    "FlickList imports a Letterboxd export (the ZIP, or its diary, watched, ratings, reviews or watchlist CSV), "
    "an IMDb ratings or list CSV, a Trakt export (the ZIP or its JSON files), or a FlickList export."
)


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
    liked_at: int | None = None  # when it was given a heart, if it was
    viewings: tuple[Viewing, ...] = ()


class ListItem(NamedTuple):
    """A film on a list as the file names it, with the note the list gives it."""

    title: str
    year: int | None
    note: str
    imdb_id: str | None = None


class ListRead(NamedTuple):
    """A list of the person's own as a file holds it (Letterboxd's lists/<slug>.csv): `source`
    says where it came from ("letterboxd:<slug>"), so that importing it again finds it."""

    name: str
    description: str
    ranked: bool
    source: str
    items: tuple[ListItem, ...]


class Reading(NamedTuple):
    entries: list[Entry]
    left_out: dict[str, int]  # what the file holds that does not come in, by kind (LEFT_OUT's keys)
    lists: tuple[ListRead, ...] = ()


# What a file may hold that FlickList does not import, as a person reads it: (one, many).
LEFT_OUT = {
    "trash": (
        "file of Letterboxd's deleted/ and orphaned/ folders",
        "files of Letterboxd's deleted/ and orphaned/ folders",
    ),
    "likes": ("like of a review or a list", "likes of reviews and lists"),
    "comments": ("comment", "comments"),
    "profile": ("your Letterboxd profile", "your Letterboxd profile"),
    "not_films": ("TV series, episode or game", "TV series, episodes or games"),
}


def left_out_phrases(left_out: dict[str, int]) -> list[str]:
    """What did not come in, in words: ["27 Letterboxd lists", "your Letterboxd profile"]."""
    phrases = []
    for kind, (one, many) in LEFT_OUT.items():
        count = left_out.get(kind, 0)
        if kind == "profile" and count:
            phrases.append(one)
        elif count:
            phrases.append(f"{count:,} {one if count == 1 else many}")
    return phrases


# What reading a file gives, one by one: an entry, a list, or the LEFT_OUT kind of something counted.
Item = Entry | ListRead | str


def bytes_allowed(max_entries: int) -> int:
    return max(max_entries * BYTES_PER_ENTRY, MIN_BYTES)


class Unpacking:
    """What reading a file may still unpack, spent as it reads: what the cap on entries needs,
    whatever a ZIP's headers claim (a ZIP bomb's lie)."""

    def __init__(self, name: str, max_entries: int) -> None:
        self.limit = bytes_allowed(max_entries)
        self.left, self.lines_left = self.limit, self.limit // BYTES_PER_LINE
        needs = f"more than an export of {max_entries:,} entries (the most FlickList imports at once) needs"
        self.refusal = f"{name}: it unpacks to more than {self.limit / 1e6:,.0f} MB, {needs}; not imported."
        self.too_many_lines = f"{name}: it holds more than {self.lines_left:,} lines, {needs}; not imported."

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise Unreadable(self.refusal)

    def spend_lines(self, lines: int) -> None:
        self.lines_left -= lines
        if self.lines_left < 0:
            raise Unreadable(self.too_many_lines)

    def trial(self) -> "Unpacking":
        """A look ahead, which spends nothing of this one's."""
        return copy.copy(self)


# A file's bytes, from the start, each time it is called: a file may be looked into, then read.
Opener = Callable[[Unpacking], Iterator[bytes]]


def numbered_order(member: str) -> tuple[str, int]:
    """Files numbered on in order: Trakt's watched-history-2.json before -10.json, and
    Letterboxd's (and FlickList's) lists/top.csv before lists/top-2.csv, as they were made."""
    stem = member.rsplit(".", 1)[0]
    found = re.search(r"-(\d{1,9})$", stem)
    return (stem[: found.start()], int(found.group(1))) if found else (stem, 0)


def chunks_of(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK_BYTES):
        yield data[start : start + CHUNK_BYTES]


def member_chunks(
    name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, unpacking: Unpacking
) -> Iterator[bytes]:
    """A member's bytes in chunks, read no further than the unpacking allows."""
    try:
        with archive.open(member) as file:
            while chunk := file.read(CHUNK_BYTES):
                unpacking.spend(len(chunk))
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
        raise Unreadable(f"{name}: {member.filename} is damaged and cannot be unpacked.") from None


# A line's end, as csv's newline="" reads them: \r\n, \n or a lone \r. str.splitlines() splits
# there in C, and at these too, which a cell may hold: text holding one is split by LINE_END.
LINE_END = re.compile(r"\r\n?|\n")
OTHER_LINE_ENDS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The text's lines, each with its end (the last may have none)."""
    if not OTHER_LINE_ENDS.search(text):
        return text.splitlines(keepends=True)
    ends = [line_end.end() for line_end in LINE_END.finditer(text)]
    return [text[start:end] for start, end in zip([0, *ends], [*ends, len(text)], strict=True) if start < end]


def text_lines(name: str, chunks: Iterator[bytes], unpacking: Unpacking) -> Iterator[str]:
    """The lines of UTF-8 text in chunks of bytes, each with its end, for a CSV reader; a line that
    is not UTF-8 is refused with its number, and lines past what the unpacking allows stop it."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines_before, pending = 0, ""
    for chunk in chain(chunks, [None]):
        try:
            text = decoder.decode(chunk or b"", final=chunk is None)
        except UnicodeDecodeError as error:
            line = lines_before + (chunk or b"")[: max(error.start, 0)].count(b"\n") + 1
            if line == 1:
                raise Unreadable(f"{name}: this is not a file FlickList reads. {WHAT_WE_READ}") from None
            raise Unreadable(f"{name}, line {line}: this is not UTF-8 text. Save it as UTF-8 and try again.") from None
        lines_before += chunk.count(b"\n") if chunk else 0
        lines = split_lines(pending + text)
        # The last line goes on in the next chunk unless it ended with \n (after a \r, a \n may come).
        pending = lines.pop() if chunk is not None and lines and not lines[-1].endswith("\n") else ""
        if len(pending) > LINE_MAX:
            raise Unreadable(f"{name}, line {lines_before + 1}: a line longer than any export's; not imported.")
        unpacking.spend_lines(len(lines))
        yield from lines


# Which columns make which kind of file: the first whose columns are all in the header wins.
KINDS = (
    ("flicklist", ("Title", "Year", "imdbID", "WatchedDate", "Rating", "Rewatch", "Tags", "Review")),
    ("flicklist-watchlist", ("Title", "Year", "imdbID")),
    ("letterboxd", ("Date", "Name", "Year", "Letterboxd URI")),
    ("imdb-list", ("Position", "Const", "Created", "Title", "Year")),
    ("imdb-ratings", ("Const", "Your Rating", "Date Rated", "Title", "Year")),
)


def csv_items(name: str, lines: Iterator[str]) -> Iterator[Item]:
    rows = csv.reader(lines, strict=True)
    try:
        header = [column.strip() for column in next(rows, [])]
    except csv.Error:
        raise Unreadable(f"{name}: this is not a file FlickList reads. {WHAT_WE_READ}") from None
    kind = next((kind for kind, columns in KINDS if set(columns) <= set(header)), None)
    if kind is None and header[:1] and header[0].startswith(LIST_BANNER):
        yield list_after_banner(name, rows)
        return
    if kind is None:
        raise Unreadable(f"{name}, line 1: these columns are not from any file FlickList reads. {WHAT_WE_READ}")
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


# Letterboxd's list format as the export writes it (history/export.py); any version of its banner is read.
LIST_BANNER = EXPORTED_LIST_BANNER.rsplit(" v", 1)[0]


def letterboxd_list(name: str, lines: Iterator[str]) -> ListRead:
    """A Letterboxd list (lists/<slug>.csv): a banner line ("Letterboxd list export v7"), the
    list's own header and row, a blank line, then a header and a row for each film, its
    Position empty when the list is not ranked."""
    rows = csv.reader(lines, strict=True)
    try:
        banner = next(rows, [])
    except csv.Error as error:
        raise Unreadable(f"{name}, line 1: {error}.") from None
    if not banner or not banner[0].strip().startswith(LIST_BANNER):
        raise Unreadable(f"{name}, line 1: this is not a Letterboxd list export.")
    return list_after_banner(name, rows)


def list_after_banner(name: str, rows) -> ListRead:
    try:
        about, where = next_cells(name, rows, LIST_COLUMNS, "the list's own row")
        # as_written: FlickList's own export marks cells a spreadsheet would run (history/cells.py).
        list_name = clean_text(as_written(about["Name"]))
        description = clean_lines(as_written(about["Description"]))
        if error := name_error(list_name) or description_error(description):
            raise Unreadable(f"{where}: {error}")
        header = next_row(rows)
        placed: list[tuple[int | None, ListItem]] = []
        if header is not None:
            header = [column.strip() for column in header]
            if not set(LIST_ITEM_COLUMNS) <= set(header):
                raise Unreadable(f"{name}, line {rows.line_num}: the films' columns are not Letterboxd's.")
            for row in rows:
                if any(cell.strip() for cell in row):
                    placed.append(list_item(f"{name}, line {rows.line_num}", header, row))
    except csv.Error as error:
        raise Unreadable(f"{name}, line {rows.line_num}: {error}.") from None
    ranked = any(position is not None for position, _ in placed)
    if ranked:  # by Position, those without one after, each in the file's order
        placed.sort(key=lambda placed_item: (placed_item[0] is None, placed_item[0] or 0))
    slug = name.rsplit("/", 1)[-1].removesuffix(".csv")
    source = list_source(name, f"letterboxd:{slug}")
    return ListRead(list_name, description, ranked, source, tuple(item for _, item in placed))


def list_source(where: str, source: str) -> str:
    """Where a list came from, as the list keeps it (film_lists.source) to find it again."""
    if len(source) > SOURCE_MAX:
        raise Unreadable(f"{where}: the list's file name or id is too long to keep ({SOURCE_MAX} characters).")
    return source


def next_row(rows) -> list[str] | None:
    """The next row that is not blank, or None at the end."""
    return next((row for row in rows if any(cell.strip() for cell in row)), None)


def next_cells(name: str, rows, columns: list[str], what: str) -> tuple[dict[str, str], str]:
    """The row under the next header, which must have `columns`, as cells by column; and where it is."""
    header = [column.strip() for column in next_row(rows) or []]
    if not set(columns) <= set(header):
        raise Unreadable(f"{name}, line {rows.line_num}: {what} is not under Letterboxd's columns.")
    row, where = next_row(rows), f"{name}, line {rows.line_num}"
    if row is None or len(row) != len(header):
        raise Unreadable(f"{where}: {what} is missing or has the wrong number of cells.")
    return dict(zip(header, row, strict=True)), where


def list_item(where: str, header: list[str], row: list[str]) -> tuple[int | None, ListItem]:
    if len(row) != len(header):
        raise Unreadable(f"{where}: {len(row)} cells where the header has {len(header)}.")
    cells = dict(zip(header, row, strict=True))
    position = cells["Position"].strip()
    if position and whole_number(position, 1, 10**9) is None:
        raise Unreadable(f"{where}: the position {position!r} is not a whole number from 1.")
    note = clean_lines(as_written(cells["Description"]))
    if error := note_error(note):
        raise Unreadable(f"{where}: {error}")
    item = ListItem(
        film_title(where, as_written(cells["Name"])), film_year(where, cells["Year"]), note, url_imdb_id(cells)
    )
    return (int(position) if position else None), item


def url_imdb_id(cells: dict[str, str]) -> str | None:
    """The IMDb id of a URL FlickList's export wrote (history/export.imdb_url); None for any other."""
    url = cells["URL"].strip()
    found = url.removeprefix(IMDB_TITLE_URL).removesuffix("/") if url.startswith(IMDB_TITLE_URL) else ""
    return found if IMDB_ID.fullmatch(found) else None


def rows_as(kind: str, name: str, lines: Iterator[str]) -> Iterator[str]:
    """`kind` once for each row under a CSV's header (a like, a comment)."""
    rows = csv.reader(lines)
    try:
        next(rows, None)
        for row in rows:
            if any(cell.strip() for cell in row):
                yield kind
    except csv.Error as error:
        raise Unreadable(f"{name}, line {rows.line_num}: {error}.") from None


def letterboxd_entry(where: str, cells: dict[str, str], base: str) -> Entry:
    title, year = film_title(where, cells["Name"]), film_year(where, cells["Year"])
    added_at = moment_of_day(where, cells["Date"], "Date")
    rating = half_stars(where, cells.get("Rating", ""))
    watched_on = cells.get("Watched Date", "").strip()
    if base == "watchlist.csv":
        return Entry(where, title, year, None, watched=False, added_at=added_at)
    if base == "films.csv":  # likes/films.csv: on Letterboxd a film liked is a film watched
        liked_at = added_at if added_at is not None else int(time.time())  # undated: liked as it comes in
        return Entry(where, title, year, None, watched=True, liked_at=liked_at)
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


# IMDb's title types (written "TV Series" now, "tvSeries" before) that are not films: these stay
# out. Films, TV films, shorts, videos, TV shorts and TV specials come in: each is one sitting.
NOT_FILMS = {"tvseries", "tvminiseries", "tvepisode", "videogame", "podcastseries", "podcastepisode", "musicvideo"}


def is_film(cells: dict[str, str]) -> bool:
    return cells.get("Title Type", "").replace(" ", "").lower() not in NOT_FILMS


def imdb_ratings_entry(where: str, cells: dict[str, str], _base: str) -> Item:
    if not is_film(cells):
        return "not_films"
    rating = cells["Your Rating"].strip()
    if whole_number(rating, 1, 10) is None:
        raise Unreadable(f"{where}: Your Rating is {rating!r}; IMDb's ratings run from 1 to 10.")
    title, year = film_title(where, cells["Title"]), film_year(where, cells["Year"])
    rated_at = moment_of_day(where, cells["Date Rated"], "Date Rated")
    return Entry(
        where, title, year, imdb_id(where, cells["Const"]), watched=True, rating=int(rating), added_at=rated_at
    )


def imdb_list_entry(where: str, cells: dict[str, str], _base: str) -> Item:
    if not is_film(cells):
        return "not_films"
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


def json_items(name: str, opener: Opener, unpacking: Unpacking) -> Iterator[Entry]:
    """FlickList's export, an entry at a time (ijson: the JSON is never whole in memory). Its
    format, version and entries may come in any order; a first look reads up to the entries."""
    head = json_head(name, opener(unpacking.trial()))
    if head.get("format") != FORMAT:
        raise Unreadable(f"{name}: this JSON is not a FlickList export. {WHAT_WE_READ}")
    if head.get("version") != VERSION:
        raise Unreadable(f"{name}: export format version {head.get('version')!r}; this FlickList reads {VERSION}.")
    if head.get("entries") != "start_array":
        raise Unreadable(f"{name}: it has no list of entries.")
    number, read, read_by_last_entry = 0, 0, 0

    def watched(chunks: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal read
        for chunk in chunks:
            read += len(chunk)
            if read - read_by_last_entry > ENTRY_JSON_MAX + CHUNK_BYTES:
                raise Unreadable(
                    f"{name}, entry {number + 1}: it is larger than {ENTRY_JSON_MAX / 1e6:g} MB, "
                    "more than any film's history in an export; not imported."
                )
            yield chunk

    try:
        entries = ijson.items(json_source(watched(opener(unpacking))), "entries.item", use_float=True)
        for number, entry in enumerate(entries, 1):
            read_by_last_entry = read
            yield json_entry(f"{name}, entry {number}", entry)
    except ijson.JSONError:
        raise Unreadable(f"{name}: this export is damaged after entry {number:,} (it is not JSON there).") from None


def json_source(chunks: Iterator[bytes]):
    """The chunks as ijson reads them, without the byte-order mark some editors write."""
    first = next(chunks, b"")
    return ijson.from_iter(chain([first.removeprefix(UTF8_BOM)], chunks))


def json_head(name: str, chunks: Iterator[bytes]) -> dict[str, object]:
    """The top-level format and version, and how the entries begin ("start_array" for a list);
    empty for JSON that is no object. Broken JSON is named broken only once it says it is ours."""
    head: dict[str, object] = {}
    events = ijson.parse(json_source(chunks), use_float=True)
    try:
        if next(events, (None, None, None))[1] != "start_map":
            return head
        for prefix, event, value in events:
            if prefix in ("format", "version") and prefix not in head:
                head[prefix] = value
            elif prefix == "entries" and prefix not in head:
                head[prefix] = event
                if "format" in head and "version" in head:
                    break
    except ijson.JSONError:
        if head.get("format") != FORMAT:
            return {}
        raise Unreadable(f"{name}: this export is damaged (it is not JSON near its start).") from None
    return head


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
            liked_at=moment(where, entry["liked_at"]) if entry.get("liked_at") is not None else None,
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
    if whole_number(typed, 1870, 2100) is None:
        raise Unreadable(f"{where}: the year {typed!r} is not a year.")
    return int(typed)


def imdb_id(where: str, typed: object) -> str:
    text = typed.strip() if isinstance(typed, str) else ""
    if not IMDB_ID.fullmatch(text):
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


# A time as the export writes it; checked here, then read by fromisoformat (strptime took half
# the reading of a FlickList export).
MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def moment(where: str, typed: object) -> int:
    try:
        if isinstance(typed, str) and MOMENT.fullmatch(typed):
            return int(datetime.fromisoformat(typed).timestamp())
    except ValueError:
        pass
    raise Unreadable(f"{where}: {typed!r} is not a time such as 2026-11-25T14:05:09Z.")


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
