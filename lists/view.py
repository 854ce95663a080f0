"""A list page's view: its sort and filters as the query string gives them (so a view is a
bookmark, and Back works), and the keyset query that reads one page of rows in the order of
that sort's index. A page of 50 costs the same at 50 films or 50,000: no OFFSET, no sort step."""

import functools
from dataclasses import dataclass, replace
from typing import Any, NamedTuple
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Integer, String, bindparam, func, literal, select, tuple_
from sqlalchemy.sql import Select
from starlette.datastructures import QueryParams

from ..catalog.people import CAST_ROLES, credited
from ..catalog.text import clean_text, search_key
from ..db import Database
from ..tables import LIST_SORT_KEYS, movies, viewings
from ..whole_numbers import BIG_INTEGER_MAX, INTEGER_MAX, row_id, whole_number
from .rows import ROW_COLUMNS, WITH_FILM, ListedMovie

PAGE_SIZE = 50


@dataclass(frozen=True)
class Sort:
    name: str
    label: str
    descending: bool
    watched_only: bool = False
    key_max: int | None = INTEGER_MAX  # the largest its key can be; None: a text key (the title)


SORTS = {
    sort.name: sort
    for sort in (
        Sort("added", "Date added", descending=True, key_max=BIG_INTEGER_MAX),
        Sort("title", "Title", descending=False, key_max=None),
        Sort("year", "Year", descending=True),
        Sort("runtime", "Runtime, shortest first", descending=False),
        Sort("rating", "Your rating", descending=True, watched_only=True),
        Sort("watched", "Date watched", descending=True, watched_only=True, key_max=BIG_INTEGER_MAX),
    )
}
# IMDb's genres, as title.basics writes them.
GENRES = (
    "Action", "Adventure", "Animation", "Biography", "Comedy", "Crime", "Documentary", "Drama",
    "Family", "Fantasy", "Film-Noir", "History", "Horror", "Music", "Musical", "Mystery", "News",
    "Romance", "Sci-Fi", "Sport", "Thriller", "War", "Western",
)  # fmt: skip
DECADES = tuple(range(2020, 1870, -10))
LENGTHS = (90, 100, 120, 150)
TEXT_MAX = 200
CHOICES = {"sorts": tuple(SORTS.values()), "genres": GENRES, "decades": DECADES, "lengths": LENGTHS}


@dataclass(frozen=True)
class ListView:
    """What one list page shows: which list, in which order, narrowed how, from where on."""

    watched: bool
    sort: Sort
    text: str = ""  # as typed
    genre: str = ""
    decade: int | None = None
    rated: str = ""  # "yes", "no" or either
    max_minutes: int | None = None
    liked: bool = False  # only the films given a heart
    director: int | None = None  # only the films this person (people.id) directed
    actor: int | None = None  # only the films this person played in
    after: tuple[Any, int] | None = None  # the last row shown: its sort key and id

    @property
    def filtered(self) -> bool:
        narrowing = (self.text, self.genre, self.decade, self.rated, self.max_minutes, self.liked)
        return any(narrowing) or bool(self.director or self.actor)

    def query(self, **changes: Any) -> str:
        """This view's query string, with `changes`: what links and forms carry."""
        view = replace(self, **changes)
        pairs = {
            "sort": "" if view.sort.name == default_sort(view.watched) else view.sort.name,
            "q": view.text,
            "genre": view.genre,
            "decade": f"{view.decade}s" if view.decade else "",
            "rated": view.rated,
            "length": view.max_minutes or "",
            "liked": "yes" if view.liked else "",
            "director": view.director or "",
            "with": view.actor or "",
            "after": f"{view.after[1]}.{view.after[0]}" if view.after else "",
        }
        return urlencode({name: value for name, value in pairs.items() if value})

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"watched": self.watched}
        if self.text:
            values["text_pattern"] = f"%{search_key(self.text)}%"
        if self.genre:
            values["genre_pattern"] = f"%,{self.genre},%"
        if self.decade:
            values |= {"decade_from": self.decade, "decade_to": self.decade + 9}
        if self.max_minutes:
            values["max_minutes"] = self.max_minutes
        if self.director:
            values["director_id"] = self.director
        if self.actor:
            values["actor_id"] = self.actor
        if self.after:
            values |= {"after_key": self.after[0], "after_id": self.after[1]}
        return values

    def statement(self, with_review: bool = False) -> Select:
        return page_statement(self.shape(), bool(self.after), with_review)

    def pick_statement(self) -> Select:
        """One row at random from this view's rows."""
        return pick_statement(self.shape())

    def shape(self) -> "Shape":
        return Shape(
            self.sort.name,
            bool(self.text),
            bool(self.genre),
            bool(self.decade),
            self.rated,
            bool(self.max_minutes),
            self.liked,
            bool(self.director),
            bool(self.actor),
        )


class Shape(NamedTuple):
    """What a view's statement depends on (its values aside): one statement is built per shape."""

    sort_name: str
    text: bool
    genre: bool
    decade: bool
    rated: str
    length: bool
    liked: bool
    director: bool
    actor: bool


def default_sort(watched: bool) -> str:
    """What was just added to a list comes first: to the Watched list, what was just watched."""
    return "watched" if watched else "added"


BROKEN = "That list link is broken: it names a sort or filter FlickList does not have."
BROKEN_MORE = "That “Show more” link is broken. Go back to the top of the list."


class BrokenView(ValueError):
    """A query string that names no view; its message is the one the person reads."""


def read_view(params: QueryParams, watched: bool) -> ListView:
    """The view the query string asks for; BrokenView naming the problem for one it cannot mean."""
    sort = SORTS.get(params.get("sort") or default_sort(watched))
    if sort is None or (sort.watched_only and not watched):
        raise BrokenView(BROKEN)
    text = clean_text(params.get("q", ""))
    if len(text) > TEXT_MAX:
        raise BrokenView(f"Search within a list for at most {TEXT_MAX} characters.")
    genre = params.get("genre", "")
    decade = chosen(params.get("decade", "").removesuffix("s"), DECADES)
    rated = params.get("rated", "")
    length = chosen(params.get("length", ""), LENGTHS)
    liked = params.get("liked", "")
    director, actor = (person_of(params.get(name, "")) for name in ("director", "with"))
    if (genre and genre not in GENRES) or rated not in ("", "yes", "no") or liked not in ("", "yes"):
        raise BrokenView(BROKEN)
    if (rated or liked) and not watched:  # the Watched list's own filters
        raise BrokenView(BROKEN)
    view = ListView(watched, sort, text, genre, decade, rated, length, liked == "yes", director, actor)
    return replace(view, after=read_after(params.get("after", ""), sort))


def person_of(typed: str) -> int | None:
    """A person's id, as a filter's link gives it; None when it gives none."""
    if not typed:
        return None
    if (person := whole_number(typed, 0, INTEGER_MAX)) is None:  # nm0000000 is a person's id too
        raise BrokenView(BROKEN)
    return person


def chosen(typed: str, offered: tuple[int, ...]) -> int | None:
    """One of the numbers `offered`, as a filter's link gives it; None when it gives none."""
    if not typed:
        return None
    number = whole_number(typed, min(offered), max(offered))
    if number not in offered:
        raise BrokenView(BROKEN)
    return number


def read_after(after: str, sort: Sort) -> tuple[Any, int] | None:
    """ "1234.the thing": the last row shown was movie 1234, whose sort key is "the thing"."""
    if not after:
        return None
    typed_id, _, typed_key = after.partition(".")
    movie_id = row_id(typed_id)
    if sort.key_max is None:
        key = typed_key if len(typed_key) <= 500 and typed_key.isprintable() else None
    else:
        key = whole_number(typed_key, 0, sort.key_max)
    if movie_id is None or key is None:
        raise BrokenView(BROKEN_MORE)
    return (key, movie_id)


# A shared Watched list with its reviews: each film's newest review (on the viewings' index by movie).
NEWEST_REVIEW = (
    select(viewings.c.review)
    .where(viewings.c.movie_id == movies.c.id, viewings.c.review != "")
    .order_by(viewings.c.watched_on.desc(), viewings.c.id.desc())
    .limit(1)
    .scalar_subquery()
)


class ListPage(NamedTuple):
    movies: list[ListedMovie]
    next_after: tuple[Any, int] | None  # where the next page starts, if there is one


async def read_page(db: Database, user_id: int, view: ListView, with_review: bool = False) -> ListPage:
    """A page of rows (with the newest review, `with_review`)."""
    rows = await db.fetch_all(view.statement(with_review), user_id=user_id, **view.values())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return ListPage([ListedMovie(*row[:-1]) for row in rows], (rows[-1][-1], rows[-1][0]) if more else None)


@functools.cache
def pick_statement(shape: Shape) -> Select:
    return page_statement(shape, False).order_by(None).order_by(func.random()).limit(1)


@functools.cache
def next_row_statement(shape: Shape) -> Select:
    """The id of the row after movie `after_id` in the view's order: its sort key read by a
    subquery (on movies as a table of its own, not the outer query's row), then the keyset."""
    key = select(LIST_SORT_KEYS[shape.sort_name]).where(movies.c.id == bindparam("after_id")).correlate(None)
    return in_view_order(select(movies.c.id), shape, after_key=key.scalar_subquery()).limit(1)


async def row_after(db: Database, user_id: int, view: ListView, movie_id: int) -> int | None:
    """The id of the row that follows movie `movie_id` in `view`'s order; None when it is last."""
    values = replace(view, after=None).values()
    rows = await db.fetch_all(next_row_statement(view.shape()), user_id=user_id, after_id=movie_id, **values)
    return rows[0][0] if rows else None


@functools.cache
def page_statement(shape: Shape, after: bool, with_review=False) -> Select:
    """One page's rows (and one more, to tell whether there is a next page), each followed by
    its sort key; built once per shape, filter values bound."""
    key = LIST_SORT_KEYS[shape.sort_name]
    statement = select(*ROW_COLUMNS, *([NEWEST_REVIEW] if with_review else []), key).select_from(WITH_FILM)
    after_key = bindparam("after_key", type_=String if shape.sort_name == "title" else Integer) if after else None
    return in_view_order(statement, shape, after_key=after_key).limit(PAGE_SIZE + 1)


def in_view_order(statement: Select, shape: Shape, after_key: ColumnElement | None = None) -> Select:
    """`statement` narrowed to one user's list and the view's filters, in its sort's order;
    past the row whose sort key is `after_key` and id `after_id`, when given."""
    sort_name, text, genre, decade, rated, length, liked, director, actor = shape
    sort, key = SORTS[sort_name], LIST_SORT_KEYS[sort_name]
    statement = statement.where(movies.c.user_id == bindparam("user_id"), movies.c.watched == bindparam("watched"))
    if text:
        statement = statement.where(movies.c.sort_title.like(bindparam("text_pattern")))
    if genre:
        genres = literal(",", String) + movies.c.genres + literal(",", String)
        statement = statement.where(genres.like(bindparam("genre_pattern")))
    if decade:
        statement = statement.where(movies.c.list_year.between(bindparam("decade_from"), bindparam("decade_to")))
    if rated:
        statement = statement.where(movies.c.rating.is_not(None) if rated == "yes" else movies.c.rating.is_(None))
    if length:
        statement = statement.where(movies.c.runtime <= bindparam("max_minutes"))
    if liked:
        statement = statement.where(movies.c.liked_at.is_not(None))
    if director:
        statement = statement.where(credited(movies.c.film_id, bindparam("director_id"), ("director",)))
    if actor:
        statement = statement.where(credited(movies.c.film_id, bindparam("actor_id"), CAST_ROLES))
    if after_key is not None:
        last, position = tuple_(after_key, bindparam("after_id")), tuple_(key, movies.c.id)
        statement = statement.where(position < last if sort.descending else position > last)
    order = (key.desc(), movies.c.id.desc()) if sort.descending else (key.asc(), movies.c.id.asc())
    return statement.order_by(*order)
