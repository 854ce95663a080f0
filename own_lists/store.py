"""What the lists of a person's own making read and write. Every statement names the owner: a
list id that is someone else's finds nothing, which the routes answer with a 404."""

from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database, id_slots, slot_values
from ..lists.view import PAGE_SIZE as LIST_PAGE_SIZE
from ..tables import film_list_entries, film_lists, movies, now
from .editors import MAY_CHANGE
from .positions import GAP, between, spaced

entries = film_list_entries
PAGE_SIZE = 100  # films on a page of a list


class OwnList(NamedTuple):
    """A list with its counts: its films, and how many of them the person has watched."""

    id: int
    name: str
    description: str
    ranked: bool
    updated_at: int
    films: int
    seen: int  # by the person looking at it
    owner_id: int


class ListEntry(NamedTuple):
    """A film on a list as its page shows it, with the person's own row of the film, if any
    (`movie_id`, `watched`, `rating` in half stars)."""

    id: int
    title: str
    year: int | None
    film_id: int | None
    position: int
    note: str
    movie_id: int | None
    watched: bool
    rating: int | None


# Named unlike the columns: SQLAlchemy keeps a column's name for its own value in an UPDATE.
THE_USERS_LIST = (film_lists.c.id == bindparam("list_id"), film_lists.c.user_id == bindparam("owner_id"))
THE_LISTS_ENTRY = (entries.c.id == bindparam("entry_id"), entries.c.list_id == bindparam("in_list"))
# The viewer's own row of an entry's film: the same key on their watchlist or Watched list (on a
# list shared with them, their own marks, not its owner's).
THEIR_MOVIE = and_(movies.c.user_id == bindparam("viewer_id"), movies.c.title_key == entries.c.title_key)

FILMS_ON_IT = select(func.count()).where(entries.c.list_id == film_lists.c.id).scalar_subquery()
SEEN_OF_IT = (
    select(func.count())
    .select_from(entries.join(movies, THEIR_MOVIE))
    .where(entries.c.list_id == film_lists.c.id, movies.c.watched == true())
    .scalar_subquery()
)
LIST_COLUMNS = (
    film_lists.c.id,
    film_lists.c.name,
    film_lists.c.description,
    film_lists.c.ranked,
    film_lists.c.updated_at,
    FILMS_ON_IT,
    SEEN_OF_IT,
    film_lists.c.user_id,
)
USERS_LISTS = (
    select(*LIST_COLUMNS)
    .where(film_lists.c.user_id == bindparam("user_id"))
    .order_by(film_lists.c.updated_at.desc(), film_lists.c.id.desc())
)
A_LIST = select(*LIST_COLUMNS).where(*THE_USERS_LIST)
A_LIST_TO_CHANGE = select(*LIST_COLUMNS).where(film_lists.c.id == bindparam("list_id"), MAY_CHANGE)
LISTS_COUNTED = select(func.count()).where(film_lists.c.user_id == bindparam("user_id"))

# How many entries come before one: its place on the list, less one.
BEFORE = select(func.count()).where(
    entries.c.list_id == bindparam("list_id"),
    or_(
        entries.c.position < bindparam("position"),
        and_(entries.c.position == bindparam("position"), entries.c.id < bindparam("entry_id")),
    ),
)
AN_ENTRY = select(entries.c.id, entries.c.title, entries.c.position).where(*THE_LISTS_ENTRY)
ENTRYS_FILM = select(entries.c.title, entries.c.year, entries.c.film_id).where(*THE_LISTS_ENTRY)
# The positions of the entries at a place and the one after it, the moving entry left out.
NEIGHBOURS = (
    select(entries.c.position)
    .where(entries.c.list_id == bindparam("list_id"), entries.c.id != bindparam("entry_id"))
    .order_by(entries.c.position, entries.c.id)
    .limit(2)
    .offset(bindparam("skip"))
)
OTHERS_IN_ORDER = (
    select(entries.c.id)
    .where(entries.c.list_id == bindparam("list_id"), entries.c.id != bindparam("entry_id"))
    .order_by(entries.c.position, entries.c.id)
)
AT_PLACE = (
    select(entries.c.id)
    .where(entries.c.list_id == bindparam("list_id"))
    .order_by(entries.c.position, entries.c.id)
    .limit(1)
    .offset(bindparam("skip"))
)
SET_POSITION = update(entries).where(entries.c.id == bindparam("entry_id")).values(position=bindparam("new_position"))
LAST_POSITION = select(func.max(entries.c.position)).where(entries.c.list_id == bindparam("list_id"))

CREATE = (
    insert(film_lists)
    .values(
        user_id=bindparam("user_id"),
        name=bindparam("name"),
        description=bindparam("description"),
        ranked=bindparam("ranked"),
        source=bindparam("source"),
        created_at=bindparam("created_at"),
        updated_at=bindparam("now"),
    )
    .returning(film_lists.c.id)
)
EDIT = (
    update(film_lists)
    .where(*THE_USERS_LIST)
    .values(
        name=bindparam("new_name"),
        description=bindparam("new_description"),
        ranked=bindparam("new_ranked"),
        updated_at=bindparam("now"),
    )
    .returning(film_lists.c.id)
)
TOUCH = update(film_lists).where(*THE_USERS_LIST).values(updated_at=bindparam("now")).returning(film_lists.c.id)
ADD = (
    insert(entries)
    .values(
        list_id=bindparam("list_id"),
        user_id=bindparam("user_id"),
        title=bindparam("title"),
        title_key=bindparam("title_key"),
        sort_title=bindparam("sort_title"),
        year=bindparam("year"),
        film_id=bindparam("film_id"),
        note="",
        added_at=bindparam("now"),
        position=func.coalesce(LAST_POSITION.scalar_subquery(), 0) + GAP,
    )
    .returning(entries.c.id)
)
REMOVE = delete(entries).where(*THE_LISTS_ENTRY).returning(entries.c.title)
NOTE = update(entries).where(*THE_LISTS_ENTRY).values(note=bindparam("new_note")).returning(entries.c.title)
DELETE_LIST = delete(film_lists).where(*THE_USERS_LIST).returning(film_lists.c.id)
KEPT_LIST = select(
    film_lists.c.name, film_lists.c.description, film_lists.c.ranked, film_lists.c.source, film_lists.c.created_at
).where(*THE_USERS_LIST)
KEPT_ENTRIES = (
    select(
        entries.c.title,
        entries.c.title_key,
        entries.c.sort_title,
        entries.c.year,
        entries.c.film_id,
        entries.c.position,
        entries.c.note,
        entries.c.added_at,
    )
    .where(entries.c.list_id == bindparam("list_id"))
    .order_by(entries.c.position, entries.c.id)
)
# The person's lists by name, and whether each holds the film of `title_key`.
HOLDING = (
    select(
        film_lists.c.id,
        film_lists.c.name,
        select(entries.c.id)
        .where(entries.c.list_id == film_lists.c.id, entries.c.title_key == bindparam("title_key"))
        .exists(),
    )
    .where(film_lists.c.user_id == bindparam("user_id"))
    .order_by(film_lists.c.name, film_lists.c.id)
)


class Holding(NamedTuple):
    id: int
    name: str
    holds: bool


# Which of the person's lists hold the films of a page of their watchlist or Watched list.
# Written out, not in_(): the direct paths (db.py) take no list parameters.
ROW_IDS = id_slots("row", LIST_PAGE_SIZE)
ON_LISTS = (
    select(movies.c.id, film_lists.c.name)
    .select_from(
        movies.join(
            entries, and_(entries.c.user_id == movies.c.user_id, entries.c.title_key == movies.c.title_key)
        ).join(film_lists, film_lists.c.id == entries.c.list_id)
    )
    .where(movies.c.user_id == bindparam("user_id"), movies.c.id.in_(ROW_IDS))
    .order_by(film_lists.c.name, film_lists.c.id)
)


def own_list(row) -> OwnList:
    return OwnList(row[0], row[1], row[2], bool(row[3]), *row[4:])


def list_entry(row) -> ListEntry:
    return ListEntry(*row[:7], bool(row[7]), row[8])


async def lists_of(db: Database, user_id: int) -> list[OwnList]:
    return [own_list(row) for row in await db.fetch_all(USERS_LISTS, user_id=user_id, viewer_id=user_id)]


async def list_of(db: Database, user_id: int, list_id: int) -> OwnList | None:
    """The person's own list."""
    rows = await db.fetch_all(A_LIST, owner_id=user_id, list_id=list_id, viewer_id=user_id)
    return own_list(rows[0]) if rows else None


async def list_to_change(db: Database, user_id: int, list_id: int) -> OwnList | None:
    """The list, if the person may change its films: their own, or one shared with them."""
    rows = await db.fetch_all(A_LIST_TO_CHANGE, list_id=list_id, viewer_id=user_id)
    return own_list(rows[0]) if rows else None


async def holding(db: Database, user_id: int, key: str) -> list[Holding]:
    """Each of the person's lists, by name, and whether the film of `key` is on it."""
    return [
        Holding(list_id, name, bool(holds))
        for list_id, name, holds in await db.fetch_all(HOLDING, user_id=user_id, title_key=key)
    ]


async def lists_holding(db: Database, user_id: int, movie_ids: list[int]) -> dict[int, str]:
    """For each of a page's movies on some of the person's lists, those lists' names."""
    rows = await db.fetch_all(ON_LISTS, user_id=user_id, **slot_values("row", movie_ids, LIST_PAGE_SIZE))
    names: dict[int, list[str]] = {}
    for movie_id, name in rows:
        names.setdefault(movie_id, []).append(name)
    return {movie_id: ", ".join(found) for movie_id, found in names.items()}


async def count_of(db: Database, statement, **values: Any) -> int:
    return (await db.fetch_all(statement, **values))[0][0]


async def place_of(connection: AsyncConnection, list_id: int, entry_id: int, position: int) -> int:
    values = {"list_id": list_id, "position": position, "entry_id": entry_id}
    return 1 + (await connection.execute(BEFORE, values)).scalar_one()


async def move(connection: AsyncConnection, list_id: int, entry_id: int, place: int) -> None:
    """Moves the entry to `place` (1 at the top) on its list, within the caller's transaction:
    the entry's row alone is written, unless its new neighbours touch and the list is spaced
    out again."""
    ids = {"list_id": list_id, "entry_id": entry_id}
    neighbours = (await connection.execute(NEIGHBOURS, {**ids, "skip": max(place - 2, 0)})).scalars().all()
    if place == 1:
        before, after = None, (neighbours[0] if neighbours else None)
    else:
        before, after = [*neighbours, None, None][:2]
    position = between(before, after)
    if position is not None:
        await connection.execute(SET_POSITION, {"entry_id": entry_id, "new_position": position})
        return
    order = list((await connection.execute(OTHERS_IN_ORDER, ids)).scalars())
    order.insert(place - 1, entry_id)
    positions = spaced(len(order))
    await connection.execute(
        SET_POSITION, [{"entry_id": moved, "new_position": at} for moved, at in zip(order, positions, strict=True)]
    )


async def page_with(db: Database, list_id: int, place: int) -> str:
    """The address of the list's page that shows the entry at `place` (1 at the top): the first
    page, or one that starts with that entry."""
    if place <= PAGE_SIZE:
        return f"/lists/{list_id}"
    rows = await db.fetch_all(AT_PLACE, list_id=list_id, skip=place - 2)
    return f"/lists/{list_id}?after={rows[0][0]}" if rows else f"/lists/{list_id}"


async def deleted(connection: AsyncConnection, user_id: int, list_id: int) -> dict[str, Any] | None:
    """Deletes the list, within the caller's transaction: what it held, for the Undo."""
    ids = {"owner_id": user_id, "list_id": list_id}
    kept = (await connection.execute(KEPT_LIST, ids)).mappings().first()
    if kept is None:
        return None
    kept_entries = [dict(row) for row in (await connection.execute(KEPT_ENTRIES, ids)).mappings()]
    await connection.execute(DELETE_LIST, ids)
    return {"list": dict(kept), "entries": kept_entries}


async def restored(connection: AsyncConnection, user_id: int, kept: dict[str, Any]) -> int:
    """A deleted list made again, with its films in their order and notes: its new id."""
    values = {**kept["list"], "user_id": user_id, "now": now()}
    list_id = (await connection.execute(CREATE, values)).scalar_one()
    if kept["entries"]:
        rows = [{**entry, "list_id": list_id, "user_id": user_id} for entry in kept["entries"]]
        await connection.execute(insert(entries), rows)
    return list_id
