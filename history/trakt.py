"""Trakt's data, as its own export ZIP holds it (Settings → Data: `watched-history.json`, paged
as `watched-history-1.json` …, `watched-movies.json`, `ratings-movies.json`,
`lists-watchlist.json`, `lists-favorites.json`, `lists-lists.json` and
`lists-list-<id>-<slug>.json`) and as the common backup tools name it (`history_movies.json`,
`ratings_movies.json`, `watchlist_movies.json`, `watched_movies.json`, some after
`<username>-`). Each file is a JSON array of what Trakt's API answers, read an item at a time.

Films come in; shows, seasons and episodes are counted and left out. Each play of the history
is a viewing (a film's later plays are rewatches); a rating of 1-10 is that many half stars;
the watchlist is the watchlist; each list, and the favourites, a list of one's own, ranked when
Trakt numbers it, its items in Trakt's rank order with their notes. A film is matched by its
IMDb id, else by title and year (history/plan.py); Trakt's own and TMDB's ids are not in the
catalog."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import ijson

from ..catalog.imdb_files import IMDB_ID
from ..catalog.text import clean_lines, clean_text
from ..own_lists.fields import description_error, name_error, note_error
from .readers import (
    ENTRY_JSON_MAX,
    Entry,
    ListItem,
    ListRead,
    Opener,
    Unpacking,
    Unreadable,
    Viewing,
    day,
    film_title,
    json_source,
    list_source,
    numbered_order,
)

# A file's kind by the end of its name (lowercased, "_" read as "-", without its page number).
KINDS = {
    "watched-history": "history",
    "history-movies": "history",
    "history-shows": "shows",
    "history-episodes": "shows",
    "watched-movies": "watched",
    "watched-shows": "shows",
    "ratings-movies": "ratings",
    "ratings-shows": "shows",
    "ratings-seasons": "shows",
    "ratings-episodes": "shows",
    "lists-watchlist": "watchlist",
    "watchlist-movies": "watchlist",
    "watchlist-shows": "shows",
    "watchlist-seasons": "shows",
    "watchlist-episodes": "shows",
    "lists-favorites": "favorites",
    "lists-lists": "lists",
}
FILM_KINDS = ("history", "watched", "ratings", "watchlist", "favorites", "lists", "list-items")
LIST_ITEMS = re.compile(r"lists-list-(\d+)-(.+)")
PAGE = re.compile(r"-(\d+)$")
# The deepest a Trakt file goes: the array, an item, its movie or show, their ids, Plex's ids.
DEPTH_MAX = 8
EARLIEST, LATEST = 1870, 2100  # the years a time may name
Item = tuple[str, dict[str, Any]]  # where it is ("file, item 3"), and the item


def base_of(member: str) -> str:
    """A file's name lowercased, "_" read as "-", without folder or extension."""
    return member.rsplit("/", 1)[-1].lower().rsplit(".", 1)[0].replace("_", "-")


def stem_of(member: str) -> str:
    """A file's name as its kind is told: base_of() without a page number."""
    return PAGE.sub("", base_of(member))


def kind_of(member: str) -> str | None:
    """What a file of a Trakt export holds, by its name; None for one FlickList passes over. A
    list's own file is told before page numbers come off: its slug may end in digits ("1999")."""
    if not member.lower().endswith((".json", ".txt")):
        return None
    if LIST_ITEMS.fullmatch(base_of(member)):
        return "list-items"
    stem = stem_of(member)
    return next((kind for ending, kind in KINDS.items() if stem == ending or stem.endswith(f"-{ending}")), None)


def is_trakt(members: list[str]) -> bool:
    return any(kind_of(member) in FILM_KINDS for member in members)


def items_of(name: str, opener: Opener, unpacking: Unpacking) -> Iterator[Item]:
    """The objects of a file's top-level array, one at a time, none larger than ENTRY_JSON_MAX."""
    read, read_by_last, number = 0, 0, 0

    def watched(chunks: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal read
        for chunk in chunks:
            read += len(chunk)
            if read - read_by_last > ENTRY_JSON_MAX:
                raise Unreadable(f"{name}: an item larger than {ENTRY_JSON_MAX / 1e6:g} MB; not imported.")
            yield chunk

    events = ijson.parse(json_source(watched(opener(unpacking))), use_float=True)
    try:
        for number, item in enumerate(ijson.items(shallow(name, an_array(name, events)), "item"), 1):
            read_by_last = read
            if not isinstance(item, dict):
                raise Unreadable(f"{name}, item {number}: this is not one of Trakt's items.")
            yield f"{name}, item {number}", item
    except ijson.JSONError:
        raise Unreadable(f"{name}: this is not Trakt's JSON (it breaks after {number:,} items).") from None


def an_array(name: str, events: Iterator[tuple]) -> Iterator[tuple]:
    """ijson's events of a file whose whole is an array, as each of Trakt's files is."""
    first = next(events, None)
    if first is None or first[1] != "start_array":
        raise Unreadable(f"{name}: this is not one of Trakt's files (they hold a list of items).")
    yield first
    yield from events


def shallow(name: str, events: Iterator[tuple]) -> Iterator[tuple]:
    """ijson's events, refused past DEPTH_MAX: an item nested thousands deep took seconds to build."""
    depth = 0
    for event in events:
        if event[1] in ("start_map", "start_array"):
            depth += 1
            if depth > DEPTH_MAX:
                raise Unreadable(f"{name}: nested deeper than any of Trakt's files; not imported.")
        elif event[1] in ("end_map", "end_array"):
            depth -= 1
        yield event


def the_film(where: str, item: dict[str, Any]) -> tuple[str, int | None, str | None] | None:
    """The item's film (title, year, IMDb id); None for a show, season, episode or person."""
    movie = item.get("movie")
    if item.get("type", "movie") != "movie" or ("type" not in item and "movie" not in item):
        return None
    if not isinstance(movie, dict):
        raise Unreadable(f"{where}: a film without its title, year and ids.")
    year = movie.get("year")
    ids = movie.get("ids") if isinstance(movie.get("ids"), dict) else {}
    imdb = ids.get("imdb")
    return (
        film_title(where, movie.get("title")),
        year if isinstance(year, int) and 1870 <= year <= 2100 else None,
        imdb if isinstance(imdb, str) and IMDB_ID.fullmatch(imdb) else None,
    )


def moment(where: str, typed: object) -> int | None:
    """Trakt's time ("2025-06-24T21:30:00.000Z") as Unix seconds; None where it gives none."""
    if typed is None:
        return None
    try:
        found = datetime.fromisoformat(str(typed).replace("Z", "+00:00"))
    except ValueError:
        raise Unreadable(f"{where}: {typed!r} is not a time.") from None
    if not EARLIEST <= found.year <= LATEST:
        raise Unreadable(f"{where}: {typed} is out of range ({EARLIEST} to {LATEST}).")
    return int(found.timestamp())


def trakt_rating(where: str, typed: object) -> int:
    if isinstance(typed, bool) or not isinstance(typed, int) or not 1 <= typed <= 10:
        raise Unreadable(f"{where}: the rating {typed!r} is not Trakt's 1 to 10.")
    return typed  # Trakt's 1-10 is FlickList's half stars: 10 is five stars


def trakt_items(name: str, members: dict[str, Opener], unpacking: Unpacking) -> Iterator[Entry | ListRead | str]:
    """A Trakt export's films and lists, and "not_films" for each show, season or episode."""
    files: dict[str, list[str]] = {}
    for member in sorted(members, key=numbered_order):
        if kind := kind_of(member):
            files.setdefault(kind, []).append(member)

    def items(*named: str) -> Iterator[Item]:
        for member in named:  # a file uploaded alone is named once
            yield from items_of(member if member == name else f"{name}: {member}", members[member], unpacking)

    yield from history_entries(items(*files.get("history", [])))
    dated = not files.get("history")  # the history dates every play itself
    for where, item in items(*files.get("watched", [])):
        yield last_played(where, item, dated)
    for where, item in items(*files.get("ratings", [])):
        yield film_entry(where, item, watched=True, rating=trakt_rating(where, item.get("rating")))
    for where, item in items(*files.get("watchlist", [])):
        yield film_entry(where, item, watched=False, added_at=moment(where, item.get("listed_at")))
    for _ in items(*files.get("shows", [])):
        yield "not_films"
    about = {str(list_ids(meta).get("trakt")): meta for _, meta in items(*files.get("lists", []))}
    by_list: dict[str, list[str]] = {}
    for member in files.get("list-items", []):
        by_list.setdefault(LIST_ITEMS.fullmatch(base_of(member)).group(1), []).append(member)
    for trakt_id, named in by_list.items():
        meta = about.get(trakt_id, {})
        slug = LIST_ITEMS.fullmatch(base_of(named[0])).group(2)
        source = list_source(named[0], f"trakt:{trakt_id}")
        yield from trakt_list(meta.get("name") or slug, meta, source, items(*named))
    if favourites := files.get("favorites"):
        meta = {"name": "Favorites", "display_numbers": True}
        yield from trakt_list("Favorites", meta, "trakt:favorites", items(*favourites))


def list_ids(meta: dict[str, Any]) -> dict[str, Any]:
    return meta["ids"] if isinstance(meta.get("ids"), dict) else {}


def film_entry(where: str, item: dict[str, Any], **fields: Any) -> Entry | str:
    film = the_film(where, item)
    return "not_films" if film is None else Entry(where, *film, **fields)


def last_played(where: str, item: dict[str, Any], dated: bool) -> Entry | str:
    """A film of watched-movies.json: watched; `dated` (no history came with it), with a
    viewing on the day Trakt last saw it played."""
    film = the_film(where, item)
    if film is None:
        return "not_films"
    last = moment(where, item.get("last_watched_at"))
    if last is None or not dated:
        return Entry(where, *film, watched=True, watched_at=last)
    viewing = Viewing(day(where, day_of(last), "last_watched_at"), None, False, "", "")
    return Entry(where, *film, watched=True, watched_at=last, viewings=(viewing,))


def day_of(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


def history_entries(plays: Iterator[Item]) -> Iterator[Entry | str]:
    """An entry for each film played, a viewing for each play, in the order played."""
    by_film: dict[tuple, list[tuple[str, str]]] = {}
    for where, item in plays:
        film = the_film(where, item)
        if film is None:
            yield "not_films"
            continue
        watched_at = moment(where, item.get("watched_at"))
        if watched_at is None:
            raise Unreadable(f"{where}: a play with no time.")
        watched_on = day(where, day_of(watched_at), "watched_at")
        by_film.setdefault(film, []).append((watched_on, where))
    for film, days in by_film.items():
        days.sort()
        viewings = tuple(Viewing(watched_on, None, number > 0, "", "") for number, (watched_on, _) in enumerate(days))
        yield Entry(days[0][1], *film, watched=True, viewings=viewings)


def trakt_list(name: str, meta: dict[str, Any], source: str, listed: Iterator[Item]) -> Iterator[ListRead | str]:
    """One of Trakt's lists: its items in rank order (then as listed), each film with its note."""
    placed = []
    for where, item in listed:
        film = the_film(where, item)
        if film is None:
            yield "not_films"
            continue
        note = clean_lines(item.get("notes") or "") if isinstance(item.get("notes") or "", str) else ""
        if error := note_error(note):
            raise Unreadable(f"{where}: {error}")
        rank = item.get("rank") if isinstance(item.get("rank"), int) else None
        order = (rank is None, rank or 0, moment(where, item.get("listed_at")) or 0)
        placed.append((order, ListItem(film[0], film[1], note, film[2])))
    placed.sort(key=lambda found: found[0])
    list_name = clean_text(name if isinstance(name, str) else "")
    description = clean_lines(meta.get("description") or "") if isinstance(meta.get("description"), str | None) else ""
    if error := name_error(list_name) or description_error(description):
        raise Unreadable(f"{source}: {error}")
    yield ListRead(list_name, description, bool(meta.get("display_numbers")), source, tuple(item for _, item in placed))
