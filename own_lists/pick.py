"""'Pick one for tonight' from a list of one's own or one shared with one: a film at random
that none of the people watching tonight has seen (they are among the list's owner and editors)."""

from typing import NamedTuple

from sqlalchemy import bindparam, exists, func, select, true

from ..db import Database, id_slots, slot_values
from ..tables import film_list_entries, films, movies

WATCHERS_AT_MOST = 8
WATCHERS = id_slots("watcher", WATCHERS_AT_MOST)
entries = film_list_entries
SEEN_BY_ANY = exists().where(
    movies.c.title_key == entries.c.title_key, movies.c.watched == true(), movies.c.user_id.in_(WATCHERS)
)
PICK = (
    select(entries.c.id, entries.c.title, func.coalesce(films.c.year, entries.c.year), entries.c.film_id)
    .select_from(entries.outerjoin(films, films.c.id == entries.c.film_id))
    .where(entries.c.list_id == bindparam("list_id"), ~SEEN_BY_ANY)
    .order_by(func.random())
    .limit(1)
)


class Picked(NamedTuple):
    entry_id: int
    title: str
    year: int | None
    film_id: int | None


async def pick_from(db: Database, list_id: int, watcher_ids: list[int]) -> Picked | None:
    """A film of the list none of `watcher_ids` has watched; None when they have seen them all."""
    rows = await db.fetch_all(PICK, list_id=list_id, **slot_values("watcher", watcher_ids, WATCHERS_AT_MOST))
    return Picked(*rows[0]) if rows else None
