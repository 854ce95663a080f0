"""The lists an import brings (Letterboxd's lists/*.csv, Trakt's lists), planned against the
person's own lists as they are, then written one transaction a list. A list is found again by
where it came from (its `source`, "letterboxd:<slug>"), else by its very name, each of the
person's lists by one list of the file at most (two lists called "Top" stay two), and gets only
the films it lacks, after those it has: importing the same file twice changes nothing."""

from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select

from ..catalog.text import stored_key
from ..own_lists import store
from ..own_lists.positions import GAP
from ..tables import film_list_entries, film_lists, title_key
from .plan import Match, Named
from .readers import ListRead
from .threads import Blocking, in_one_row, rows_of

entries = film_list_entries


class ListChange(NamedTuple):
    """What importing does to one list: `list_id` is the person's list it goes to (None: a new
    one), which holds `had` films; `rows`, the films it lacks, in the list's order."""

    read: ListRead
    list_id: int | None
    had: int
    rows: list[dict[str, Any]]
    matched: int


THEIR_LISTS = in_one_row(
    select(film_lists.c.id, film_lists.c.name, film_lists.c.source)
    .where(film_lists.c.user_id == bindparam("user_id"))
    .order_by(film_lists.c.id)
)
KEYS_ON = in_one_row(select(entries.c.title_key).where(entries.c.list_id == bindparam("list_id")))


def list_changes(
    connection: Blocking, user_id: int, reads: list[ListRead], matches: dict[Named, Match | None]
) -> list[ListChange]:
    """Each list read, matched to the person's list it goes to, with the films it lacks: a film
    the catalog matched is that film, as on the watchlist; else its title and year as written."""
    theirs = rows_of(connection, THEIR_LISTS, {"user_id": user_id})
    by_source = {source: list_id for list_id, _, source in theirs if source}
    by_name: dict[str, list[int]] = {}
    for list_id, name, _ in theirs:
        by_name.setdefault(name, []).append(list_id)
    claimed: set[int] = set()
    changes = []
    for read in reads:
        unclaimed = (found for found in [by_source.get(read.source), *by_name.get(read.name, [])] if found)
        list_id = next((found for found in unclaimed if found not in claimed), None)
        if list_id is not None:
            claimed.add(list_id)
        have = {key for (key,) in rows_of(connection, KEYS_ON, {"list_id": list_id})} if list_id else set()
        had, rows, matched = len(have), [], 0
        for item in read.items:
            match = matches.get(Named(item.imdb_id, item.title, item.year))
            matched += match is not None
            key = title_key("", match.film_id) if match else title_key(item.title, None, item.year)
            if key not in have:
                have.add(key)
                title, year, film_id = (match.title, None, match.film_id) if match else (item.title, item.year, None)
                rows.append(
                    {
                        "title": title,
                        "title_key": key,
                        "sort_title": stored_key(title),
                        "year": year,
                        "film_id": film_id,
                        "note": item.note,
                    }
                )
        changes.append(ListChange(read, list_id, had, rows, matched))
    return changes


def own_lists_counted(connection: Blocking, user_id: int) -> int:
    return connection.execute(store.LISTS_COUNTED, {"user_id": user_id}).scalar_one()


def summary(changes: list[ListChange]) -> list[dict[str, Any]]:
    """For the import's page: each list, its films, how many the catalog matched, how many come in."""
    return [
        {
            "name": change.read.name,
            "films": len(change.read.items),
            "matched": change.matched,
            "adding": len(change.rows),
            "new": change.list_id is None,
        }
        for change in changes
    ]


def too_many(changes: list[ListChange], lists_now: int, max_lists: int, max_films: int) -> str | None:
    """Why the import would pass a limit on lists (FLICKLIST_MAX_LISTS_PER_USER, _FILMS_PER_LIST), if it would."""
    made = sum(1 for change in changes if change.list_id is None)
    if lists_now + made > max_lists:
        return f"This import would bring you to {lists_now + made:,} lists; this FlickList keeps at most {max_lists:,}."
    for change in changes:
        if change.had + len(change.rows) > max_films:
            return f"The list '{change.read.name}' would hold more than {max_films:,} films, the most on one list."
    return None


def write_lists(connection: Blocking, user_id: int, changes: list[ListChange], timestamp: int) -> None:
    """Each change in its own transaction: the list made if new, its films added after its last."""
    for change in changes:
        read = change.read
        with connection.begin():
            list_id = change.list_id
            if list_id is None:
                about = {"name": read.name, "description": read.description, "ranked": read.ranked}
                made = {**about, "source": read.source, "created_at": timestamp, "now": timestamp}
                list_id = connection.execute(store.CREATE, {"user_id": user_id, **made}).scalar_one()
            last = connection.execute(store.LAST_POSITION, {"list_id": list_id}).scalar_one() or 0
            if change.rows:
                placed = [
                    {
                        **row,
                        "list_id": list_id,
                        "user_id": user_id,
                        "position": last + GAP * place,
                        "added_at": timestamp,
                    }
                    for place, row in enumerate(change.rows, start=1)
                ]
                connection.execute(insert(entries), placed)
                connection.execute(store.TOUCH, {"list_id": list_id, "owner_id": user_id, "now": timestamp})
