"""A page of a list of one's own, as the query string asks: in the list's order (then numbered
when ranked), or by title or year; all its films, those the person has seen or not; those whose
title holds some words. Paged by keyset: `after` is the id of the last film shown, whose key the
next page reads again, so a page costs the same at the top of a list of 10,000 or at its end."""

import functools
from typing import NamedTuple
from urllib.parse import urlencode

from sqlalchemy import and_, bindparam, false, func, or_, select, true
from sqlalchemy.sql import ColumnElement

from ..catalog.people import CAST_ROLES, credited
from ..catalog.text import search_key
from ..db import Database
from ..tables import film_list_entries, film_lists, films, movies
from .store import BEFORE, PAGE_SIZE, THEIR_MOVIE, ListEntry, count_of, list_entry

entries = film_list_entries
SORTS = {"": "The list's order", "title": "Title", "year": "Year"}
SEEN = {"": "All its films", "yes": "Seen", "no": "Not seen"}
QUERY_MAX = 100
UNKNOWN_YEAR = 9999  # a film of no known year sorts last
KEYS: dict[str, ColumnElement] = {
    "": entries.c.position,
    "title": entries.c.sort_title,
    "year": func.coalesce(films.c.year, entries.c.year, UNKNOWN_YEAR),
}


class EntryView(NamedTuple):
    """What a list page shows. `q` is folded as titles are (catalog/text.search_key)."""

    sort: str = ""
    seen: str = ""
    q: str = ""
    after: int | None = None
    director: int | None = None  # only the films this person (people.id) directed
    actor: int | None = None  # only the films this person played in

    @property
    def in_order(self) -> bool:
        """The list's own order, whole: where places are numbered and films moved."""
        return not (self.sort or self.seen or self.q or self.director or self.actor)

    def query(self, **changed) -> str:
        fields = self._replace(**changed)._asdict()
        fields["with"] = fields.pop("actor")  # as the watchlist's filter is named
        return urlencode({name: value for name, value in fields.items() if value})


JOINED = (
    entries.join(film_lists, film_lists.c.id == entries.c.list_id)
    .outerjoin(films, films.c.id == entries.c.film_id)
    .outerjoin(movies, THEIR_MOVIE)
)
COLUMNS = (
    entries.c.id,
    entries.c.title,
    func.coalesce(films.c.year, entries.c.year),
    entries.c.film_id,
    entries.c.position,
    entries.c.note,
    movies.c.id,
    func.coalesce(movies.c.watched, False),
    movies.c.rating,
)
SEEN_WHERE = {
    "yes": movies.c.watched == true(),
    "no": or_(movies.c.watched.is_(None), movies.c.watched == false()),
}


@functools.cache
def page_statement(sort: str, seen: str, searching: bool, going_on: bool, director: bool, actor: bool):
    """The page's SELECT for a view of this shape (built once a shape: at most 144)."""
    key = KEYS[sort]
    where = [entries.c.list_id == bindparam("list_id")]
    if seen:
        where.append(SEEN_WHERE[seen])
    if searching:
        where.append(entries.c.sort_title.like(bindparam("q"), escape="\\"))
    if director:
        where.append(credited(entries.c.film_id, bindparam("director_id"), ("director",)))
    if actor:
        where.append(credited(entries.c.film_id, bindparam("actor_id"), CAST_ROLES))
    if going_on:
        last = bindparam("after_key", type_=key.type)
        where.append(or_(key > last, and_(key == last, entries.c.id > bindparam("after_id"))))
    return select(*COLUMNS).select_from(JOINED).where(*where).order_by(key, entries.c.id).limit(PAGE_SIZE + 1)


@functools.cache
def key_statement(sort: str):
    """The sort key of the film a page goes on after (none: it is no longer on the list)."""
    return (
        select(KEYS[sort])
        .select_from(entries.outerjoin(films, films.c.id == entries.c.film_id))
        .where(entries.c.id == bindparam("after_id"), entries.c.list_id == bindparam("list_id"))
    )


def holding(words: str) -> str:
    """A LIKE pattern for titles that hold `words`, its own % and _ taken as written."""
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class EntryPage(NamedTuple):
    entries: list[ListEntry]
    first: int  # the place of the first, in the list's order (1 at the top)
    next_after: int | None  # where the next page starts; None: this is the last
    gone: bool = False  # the film the page was to go on after is no longer on the list


async def entry_page(db: Database, list_id: int, view: EntryView, viewer_id: int) -> EntryPage:
    """A page of the list in `view`, each film marked as `viewer_id` has it."""
    values = {"list_id": list_id, "q": holding(search_key(view.q)), "director_id": view.director}
    values["viewer_id"] = viewer_id
    values["actor_id"] = view.actor
    if view.after is not None:
        found = await db.fetch_all(key_statement(view.sort), list_id=list_id, after_id=view.after)
        if not found:
            return EntryPage([], 1, None, gone=True)
        values |= {"after_key": found[0][0], "after_id": view.after}
    shape = (view.sort, view.seen, bool(view.q), view.after is not None, bool(view.director), bool(view.actor))
    statement = page_statement(*shape)
    rows = await db.fetch_all(statement, **values)
    page = [list_entry(row) for row in rows[:PAGE_SIZE]]
    first = 1
    if view.after is not None and page and view.in_order:
        first = 1 + await count_of(db, BEFORE, list_id=list_id, position=page[0].position, entry_id=page[0].id)
    return EntryPage(page, first, page[-1].id if len(rows) > PAGE_SIZE else None)
