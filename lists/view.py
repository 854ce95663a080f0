"""A list page's view: its sort and filters as the query string gives them (so a view is a
bookmark, and Back works), and the keyset query that reads one page of rows in the order of
that sort's index. A page of 50 costs the same at 50 films or 50,000: no OFFSET, no sort step."""

import functools
from dataclasses import dataclass, replace
from typing import Any, NamedTuple
from urllib.parse import urlencode

from sqlalchemy import Integer, String, bindparam, func, literal, select, tuple_
from sqlalchemy.sql import Select
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException

from ..catalog.text import search_key
from ..db import Database
from ..diary.viewings import DETAILS, LAST_WATCHED, TIMES_WATCHED
from ..tables import LIST_SORT_KEYS, films, movies, viewings
from ..web.forms import clean_text

PAGE_SIZE = 50


@dataclass(frozen=True)
class Sort:
    name: str
    label: str
    descending: bool
    watched_only: bool = False


SORTS = {
    sort.name: sort
    for sort in (
        Sort("added", "Date added", descending=True),
        Sort("title", "Title", descending=False),
        Sort("year", "Year", descending=True),
        Sort("runtime", "Runtime, shortest first", descending=False),
        Sort("rating", "Your rating", descending=True, watched_only=True),
        Sort("watched", "Date watched", descending=True, watched_only=True),
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
    after: tuple[Any, int] | None = None  # the last row shown: its sort key and id

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.genre or self.decade or self.rated or self.max_minutes)

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
        if self.after:
            values |= {"after_key": self.after[0], "after_id": self.after[1]}
        return values

    def statement(self, with_review: bool = False) -> Select:
        return page_statement(*self.shape(), bool(self.after), with_review)

    def pick_statement(self) -> Select:
        """One row at random from this view's rows."""
        return pick_statement(*self.shape())

    def shape(self) -> tuple:
        return (
            self.sort.name,
            bool(self.text),
            bool(self.genre),
            bool(self.decade),
            self.rated,
            bool(self.max_minutes),
        )


def default_sort(watched: bool) -> str:
    """What was just added to a list comes first: to the Watched list, what was just watched."""
    return "watched" if watched else "added"


BROKEN = "That list link is broken: it names a sort or filter FlickList does not have."


def read_view(params: QueryParams, watched: bool) -> ListView:
    """The view the query string asks for; a 400 naming the problem for one it cannot mean."""
    sort = SORTS.get(params.get("sort") or default_sort(watched))
    if sort is None or (sort.watched_only and not watched):
        raise HTTPException(400, BROKEN)
    text = clean_text(params.get("q", ""))
    if len(text) > TEXT_MAX:
        raise HTTPException(400, f"Search within a list for at most {TEXT_MAX} characters.")
    genre = params.get("genre", "")
    decade = params.get("decade", "").removesuffix("s")
    rated = params.get("rated", "")
    length = params.get("length", "")
    if (
        (genre and genre not in GENRES)
        or (decade and not (decade.isdigit() and int(decade) in DECADES))
        or rated not in ("", "yes", "no")
        or (rated and not watched)
        or (length and not (length.isdigit() and int(length) in LENGTHS))
    ):
        raise HTTPException(400, BROKEN)
    view = ListView(watched, sort, text, genre, int(decade) if decade else None, rated, int(length) if length else None)
    return replace(view, after=read_after(params.get("after", ""), sort))


def read_after(after: str, sort: Sort) -> tuple[Any, int] | None:
    """ "1234.the thing": the last row shown was movie 1234, whose sort key is "the thing"."""
    if not after:
        return None
    movie_id, _, key = after.partition(".")
    numeric = sort.name != "title"
    if not (movie_id.isdigit() and len(movie_id) <= 18) or (numeric and not key.isdigit()) or len(key) > 500:
        raise HTTPException(400, "That “Show more” link is broken. Go back to the top of the list.")
    return (int(key) if numeric else key, int(movie_id))


# A row as the list partials unpack it: `ListedMovie` (features/watchlist.py), here from a join.
ROW_COLUMNS = (movies.c.id, movies.c.title, movies.c.rating, DETAILS, movies.c.film_id, LAST_WATCHED, TIMES_WATCHED)
# A shared Watched list with its reviews: each film's newest review (on the viewings' index by movie).
NEWEST_REVIEW = (
    select(viewings.c.review)
    .where(viewings.c.movie_id == movies.c.id, viewings.c.review != "")
    .order_by(viewings.c.watched_on.desc(), viewings.c.id.desc())
    .limit(1)
    .scalar_subquery()
)


class ListPage(NamedTuple):
    movies: list[tuple]  # rows of ROW_COLUMNS
    next_after: tuple[Any, int] | None  # where the next page starts, if there is one


async def read_page(db: Database, user_id: int, view: ListView, with_review: bool = False) -> ListPage:
    """A page of rows of ROW_COLUMNS (and NEWEST_REVIEW after them, `with_review`)."""
    rows = await db.fetch_all(view.statement(with_review), user_id=user_id, **view.values())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return ListPage([row[:-1] for row in rows], (rows[-1][-1], rows[-1][0]) if more else None)


@functools.cache
def pick_statement(*shape) -> Select:
    return page_statement(*shape, False).order_by(None).order_by(func.random()).limit(1)


@functools.cache
def sort_key_of(sort_name: str) -> Select:
    return select(LIST_SORT_KEYS[sort_name]).where(movies.c.id == bindparam("movie_id"))


async def row_after(db: Database, user_id: int, view: ListView, movie_id: int) -> int | None:
    """The id of the row that follows movie `movie_id` in `view`'s order; None when it is last."""
    [(key,)] = await db.fetch_all(sort_key_of(view.sort.name), movie_id=movie_id)
    following = await read_page(db, user_id, replace(view, after=(key, movie_id)))
    return following.movies[0][0] if following.movies else None


@functools.cache
def page_statement(
    sort_name: str, text: bool, genre: bool, decade: bool, rated: str, length: bool, after: bool, with_review=False
) -> Select:
    """One page's rows (and one more, to tell whether there is a next page), each followed by
    its sort key; built once per shape, filter values bound."""
    sort, key = SORTS[sort_name], LIST_SORT_KEYS[sort_name]
    statement = (
        select(*ROW_COLUMNS, *([NEWEST_REVIEW] if with_review else []), key)
        .select_from(movies.outerjoin(films, films.c.id == movies.c.film_id))
        .where(movies.c.user_id == bindparam("user_id"), movies.c.watched == bindparam("watched"))
    )
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
    if after:
        last = tuple_(bindparam("after_key", type_=String if sort_name == "title" else Integer), bindparam("after_id"))
        position = tuple_(key, movies.c.id)
        statement = statement.where(position < last if sort.descending else position > last)
    order = (key.desc(), movies.c.id.desc()) if sort.descending else (key.asc(), movies.c.id.asc())
    return statement.order_by(*order).limit(PAGE_SIZE + 1)
