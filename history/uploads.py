"""An upload, read whatever it is: a ZIP (Letterboxd's export, FlickList's, Trakt's) or one file
of it, into a `Reading`: its entries and lists, in the order the file gives them, and what stays
out. The formats themselves are read by history/readers.py (Letterboxd, IMDb, FlickList) and
history/trakt.py (Trakt)."""

import io
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain

from . import trakt
from .readers import (
    EMPTY_ZIP,
    FLICKLIST_FILES,
    LETTERBOXD_FILES,
    LIKED_FILMS,
    MAX_MEMBERS,
    UTF8_BOM,
    WHAT_WE_READ,
    ZIP_START,
    Entry,
    Item,
    ListRead,
    Opener,
    Reading,
    Unpacking,
    Unreadable,
    bytes_allowed,
    chunks_of,
    csv_items,
    json_items,
    letterboxd_list,
    member_chunks,
    numbered_order,
    rows_as,
    text_lines,
)


def read_upload(name: str, data: bytes, max_entries: int) -> Reading:
    """Every entry in an uploaded file, in the order the file gives them, and what stays out."""
    unpacking = Unpacking(name, max_entries)
    if data[:4] in (ZIP_START, EMPTY_ZIP):
        items = zip_items(name, data, unpacking)
    else:
        unpacking.spend(len(data))
        items = file_items(name, lambda _unpacking: chunks_of(data), unpacking)
    return collected(name, items, max_entries)


def collected(name: str, items: Iterable[Item], max_entries: int) -> Reading:
    """The entries and lists, stopping at the first past the cap, and the count of what stays
    out. An entry of several viewings counts as many (Letterboxd's diary gives each viewing a
    row), a list as many as its films."""
    entries: list[Entry] = []
    lists: list[ListRead] = []
    left_out: Counter[str] = Counter()
    counted, kept_text, kept_text_max = 0, 0, bytes_allowed(max_entries)
    for item in items:
        if isinstance(item, str):
            left_out[item] += 1
            continue
        counted += len(item.items) if isinstance(item, ListRead) else max(1, len(item.viewings))
        if counted > max_entries:
            raise Unreadable(f"{name} holds more than {max_entries:,} entries, the most FlickList imports at once.")
        kept_text += text_size(item)
        if kept_text > kept_text_max:
            raise Unreadable(
                f"{name}: its titles, reviews, notes and tags come to more than {kept_text_max / 1e6:,.0f} MB, "
                f"more than {max_entries:,} entries (the most FlickList imports at once) may hold."
            )
        (lists if isinstance(item, ListRead) else entries).append(item)
    return Reading(entries, dict(left_out), tuple(lists))


def text_size(item: Entry | ListRead) -> int:
    """The memory an entry's or a list's words take."""
    if isinstance(item, ListRead):
        return sys.getsizeof(item.description) + sum(
            sys.getsizeof(it.title) + sys.getsizeof(it.note) for it in item.items
        )
    return sys.getsizeof(item.title) + sum(
        sys.getsizeof(viewing.review) + sys.getsizeof(viewing.tags) for viewing in item.viewings
    )


def file_items(name: str, opener: Opener, unpacking: Unpacking) -> Iterator[Item]:
    """A file by itself: one of Trakt's by its name, FlickList's JSON export if it starts as
    JSON does, else a CSV."""
    if trakt.kind_of(name):
        return trakt.trakt_items(name, {name: opener}, unpacking)
    if first_character(opener(unpacking.trial())) in (b"{", b"["):
        return json_items(name, opener, unpacking)
    return csv_items(name, text_lines(name, opener(unpacking), unpacking))


def first_character(chunks: Iterator[bytes]) -> bytes:
    start = b""
    for chunk in chunks:
        start = (start + chunk).removeprefix(UTF8_BOM).lstrip()
        if start:
            return start[:1]
    return b""


def zip_items(name: str, data: bytes, unpacking: Unpacking) -> Iterator[Item]:
    """A Trakt export (history/trakt.py); or a Letterboxd export's entries (or a FlickList
    export's), the films it likes among them (likes/films.csv), its lists (lists/*.csv, one a
    list), and what it holds that stays out: its likes of reviews and lists (the rows of
    likes/reviews.csv and likes/lists.csv), comments (comments.csv), profile (profile.csv) and
    what it keeps of things deleted (the files under deleted/ and orphaned/). The rest is passed
    over."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Unreadable(f"{name}: this is not a ZIP file FlickList can open.") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"{name}: it holds {len(members):,} files; an export holds at most {MAX_MEMBERS:,}.")
    named = {member.filename: member for member in members}

    def opener(member: zipfile.ZipInfo) -> Opener:
        return lambda spending: member_chunks(name, archive, member, spending)

    def lines_of(member: zipfile.ZipInfo) -> Iterator[str]:
        return text_lines(member.filename, opener(member)(unpacking), unpacking)

    in_order = sorted(named, key=numbered_order)
    lists = [named[member] for member in in_order if member.startswith("lists/") and member.endswith(".csv")]
    own_lists = (letterboxd_list(member.filename, lines_of(member)) for member in lists)
    if "flicklist.json" in named:
        return chain(json_items(f"{name}: flicklist.json", opener(named["flicklist.json"]), unpacking), own_lists)
    if trakt.is_trakt(list(named)):
        return trakt.trakt_items(name, {member: opener(info) for member, info in named.items()}, unpacking)
    imported = [named[member] for member in (*LETTERBOXD_FILES, *FLICKLIST_FILES, LIKED_FILMS) if member in named]
    if not imported and not lists:
        raise Unreadable(f"{name}: no file FlickList imports is in this ZIP. {WHAT_WE_READ}")
    trash = sum(1 for member in named if member.startswith(("deleted/", "orphaned/")) and not member.endswith("/"))
    counted = [(named[member], "comments") for member in named if member == "comments.csv"] + [
        (named[member], "likes")
        for member in named
        if member.startswith("likes/") and member.endswith(".csv") and member != LIKED_FILMS
    ]
    return chain(
        ["profile"] if "profile.csv" in named else [],
        ["trash"] * trash,
        *(csv_items(member.filename, lines_of(member)) for member in imported),
        own_lists,
        *(rows_as(kind, member.filename, lines_of(member)) for member, kind in counted),
    )
