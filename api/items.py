"""The API's items as JSON, and the one keyset query that reads a page of them: a list in its
page's default order (lists/view.py's sorts, on their indexes), the diary newest first. A
list's items are made into JSON by the database itself (`json_item`), a row's columns beside
the names they become; the diary's, with their tags to read, by `Shape`."""

import functools
import json
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Integer, String, bindparam, literal_column, select, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.functions import FunctionElement

from ..db import Database
from ..diary.pages import read_diary_after
from ..diary.viewings import LAST_WATCHED, NEWEST_FIRST, TIMES_WATCHED, read_tags
from ..history.export import moment
from ..lists.rows import IMDB_ID, WITH_FILM, YEAR
from ..lists.view import SORTS, default_sort, read_after
from ..tables import LIST_SORT_KEYS, films, movies, viewings


class iso_moment(FunctionElement):
    """Unix seconds as history.export.moment writes them, in SQL."""

    type = String()
    inherit_cache = True


@compiles(iso_moment, "sqlite")
def iso_moment_sqlite(element: iso_moment, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {compiler.process(element.clauses, **kw)}, 'unixepoch')"


@compiles(iso_moment, "postgresql")
def iso_moment_postgresql(element: iso_moment, compiler: Any, **kw: Any) -> str:
    seconds = compiler.process(element.clauses, **kw)
    return f"""to_char(to_timestamp({seconds}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


class json_item(FunctionElement):
    """A JSON object as text, from names and values in turn."""

    type = String()
    inherit_cache = True


@compiles(json_item, "sqlite")
def json_item_sqlite(element: json_item, compiler: Any, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(json_item, "postgresql")
def json_item_postgresql(element: json_item, compiler: Any, **kw: Any) -> str:
    return f"json_build_object({compiler.process(element.clauses, **kw)})::text"


def item_of(**columns: Any) -> json_item:
    """The item whose fields are `columns`' names, each its column's value."""
    pairs = [part for name, column in columns.items() for part in (literal_column(f"'{name}'"), column)]
    return json_item(*pairs)


LISTED_COLUMNS = {
    "id": movies.c.id,
    "title": movies.c.title,
    "year": YEAR,
    "imdb_id": IMDB_ID,
    "added_at": iso_moment(movies.c.added_at),
}
LISTED = item_of(**LISTED_COLUMNS)
WATCHED = item_of(
    **LISTED_COLUMNS,
    rating=movies.c.rating,
    watched_at=iso_moment(movies.c.watched_at),
    last_watched=LAST_WATCHED,
    times_watched=TIMES_WATCHED,
)


class Shape(NamedTuple):
    """How one kind of item is read: its columns, the name each becomes, and how a value is
    written (None: as it is)."""

    columns: tuple
    names: tuple[str, ...]
    written: dict[str, Callable[[Any], Any]]

    def item(self, row: Sequence[Any]) -> dict[str, Any]:
        item = dict(zip(self.names, row, strict=False))
        for name, write in self.written.items():
            item[name] = write(item[name])
        return item


DIARY = Shape(
    (
        viewings.c.id,
        viewings.c.movie_id,
        movies.c.title,
        YEAR,
        IMDB_ID,
        viewings.c.watched_on,
        viewings.c.rating,
        viewings.c.rewatch,
        viewings.c.review,
        viewings.c.tags,
        viewings.c.created_at,
    ),
    ("id", "movie_id", "title", "year", "imdb_id", "date", "rating", "rewatch", "review", "tags", "logged_at"),
    {"rewatch": bool, "tags": read_tags, "logged_at": moment},
)


class BrokenCursor(ValueError):
    """An `after` that names no place in the list; the message is the one the caller reads."""


BROKEN_CURSOR = "That `after` is not one this list gave: start again from the first page."


class Page(NamedTuple):
    items: list[str]  # each item as JSON text
    next: str | None

    def json(self) -> bytes:
        """The page as the API answers it: `{"items": [...], "next": ...}`."""
        return f'{{"items":[{",".join(self.items)}],"next":{json.dumps(self.next)}}}'.encode()


def as_json(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


@functools.cache
def list_statement(watched: bool, after: bool) -> Select:
    """A page of a list and one row more (to tell whether a next page exists): each film as
    JSON, its id and its sort key; in the list page's default order, on that order's index."""
    sort = SORTS[default_sort(watched)]
    key = LIST_SORT_KEYS[sort.name]
    statement = (
        select(WATCHED if watched else LISTED, movies.c.id, key)
        .select_from(WITH_FILM)
        .where(movies.c.user_id == bindparam("user_id"), movies.c.watched == bindparam("watched"))
    )
    if after:
        last = tuple_(bindparam("after_key", type_=Integer), bindparam("after_id", type_=Integer))
        statement = statement.where(tuple_(key, movies.c.id) < last)
    return statement.order_by(key.desc(), movies.c.id.desc()).limit(bindparam("rows", type_=Integer))


async def list_page(db: Database, user_id: int, watched: bool, limit: int, after: str) -> Page:
    """`limit` films of the list from after `after` (a `next` this gave; "" for the first page)."""
    place = {}
    if after:
        try:
            key, movie_id = read_after(after, SORTS[default_sort(watched)])
        except ValueError:
            raise BrokenCursor(BROKEN_CURSOR) from None
        place = {"after_key": key, "after_id": movie_id}
    statement = list_statement(watched, bool(after))
    rows = await db.fetch_all(statement, user_id=user_id, watched=watched, rows=limit + 1, **place)
    last = rows[limit - 1] if len(rows) > limit else None
    return Page([row[0] for row in rows[:limit]], f"{last[1]}.{last[2]}" if last else None)


@functools.cache
def diary_statement(after: bool) -> Select:
    statement = (
        select(*DIARY.columns)
        .select_from(viewings.join(movies).outerjoin(films, films.c.id == movies.c.film_id))
        .where(viewings.c.user_id == bindparam("user_id"))
    )
    if after:
        last = tuple_(bindparam("after_day", type_=String), bindparam("after_id", type_=Integer))
        statement = statement.where(tuple_(viewings.c.watched_on, viewings.c.id) < last)
    return statement.order_by(*NEWEST_FIRST).limit(bindparam("rows", type_=Integer))


async def diary_page(db: Database, user_id: int, limit: int, after: str) -> Page:
    """`limit` diary entries, newest first, from after `after` (a `next` this gave)."""
    place = {}
    if after:
        try:
            day, viewing_id = read_diary_after(after)
        except ValueError:
            raise BrokenCursor(BROKEN_CURSOR) from None
        place = {"after_day": day, "after_id": viewing_id}
    rows = await db.fetch_all(diary_statement(bool(after)), user_id=user_id, rows=limit + 1, **place)
    last = rows[limit - 1] if len(rows) > limit else None
    return Page([as_json(DIARY.item(row)) for row in rows[:limit]], f"{last[0]}.{last[5]}" if last else None)


LISTED_ONE = select(LISTED).select_from(WITH_FILM).where(movies.c.id == bindparam("movie_id"))
WATCHED_ONE = select(WATCHED).select_from(WITH_FILM).where(movies.c.id == bindparam("movie_id"))
DIARY_ONE = diary_statement(False).where(viewings.c.id == bindparam("viewing_id")).limit(None)


async def listed_item(db: Database, movie_id: int, watched: bool) -> dict[str, Any]:
    """The film just added, as the list's page of the API shows it."""
    return json.loads((await db.fetch_all(WATCHED_ONE if watched else LISTED_ONE, movie_id=movie_id))[0][0])


async def diary_item(db: Database, user_id: int, viewing_id: int) -> dict[str, Any]:
    """The diary entry just logged."""
    return DIARY.item((await db.fetch_all(DIARY_ONE, user_id=user_id, viewing_id=viewing_id))[0])
