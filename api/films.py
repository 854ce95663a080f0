"""The film a request names, found in the catalog as the add form finds one (by IMDb id, else
the one film a title and year name: catalog/films.only_film_named), else kept by title and
year as an imported film is; then found on the person's lists, or added to them, its row
written as an import writes it (history/plan.movie_row)."""

from typing import NamedTuple

from sqlalchemy import Integer, bindparam, insert, select

from ..catalog.films import CatalogFilm, only_film_named
from ..db import Database
from ..history.plan import Film, movie_row
from ..lists.counts import LIST_COUNTS
from ..tables import films, movies, now, title_key, users

NOT_IN_CATALOG = "That IMDb id is not in this FlickList's catalog: send the film's title (and year) with it."


class FilmAsked(NamedTuple):
    imdb_id: str | None
    title: str | None
    year: int | None


class Listed(NamedTuple):
    movie_id: int
    title: str
    watched: bool
    new: bool  # added by this request


class NotFound(Exception):
    """Nothing to go on: an IMDb id the catalog lacks, and no title; the message says so."""


class ListsFull(Exception):
    """The lists hold as many films as the instance keeps for one person; the message says so."""


OF_IMDB_ID = select(films.c.id, films.c.title, films.c.year).where(films.c.imdb_id == bindparam("imdb_id"))


async def film_of(db: Database, asked: FilmAsked) -> Film:
    """The catalog's film, if it holds the one asked for; else the film as asked."""
    if asked.imdb_id and (rows := await db.fetch_all(OF_IMDB_ID, imdb_id=asked.imdb_id)):
        found: CatalogFilm | None = CatalogFilm(*rows[0])
    elif asked.title is None:
        raise NotFound(NOT_IN_CATALOG)
    else:
        found = await only_film_named(db, f"{asked.title} ({asked.year})" if asked.year else asked.title)
    if found is not None:
        return Film(found.title, found.year, found.id)
    return Film(asked.title, asked.year, None, asked.imdb_id)


LISTED_AS = select(movies.c.id, movies.c.title, movies.c.watched).where(
    movies.c.user_id == bindparam("user_id"), movies.c.title_key == bindparam("key")
)
# The film's row (history/plan.movie_row's columns), unless the lists are full: one write.
ROW_COLUMNS = tuple(movie_row(0, Film("", None, None), 0))
# FOR UPDATE (PostgreSQL; SQLite has one writer at a time): two adds at once each wait for the
# other's count (the triggers of migration 0012 keep it), so the cap holds under concurrency.
LISTED_NOW = (
    select(users.c.watchlist_films + users.c.watched_films).where(users.c.id == bindparam("user_id")).with_for_update()
)
ADD_IF_ROOM = (
    insert(movies)
    .from_select(
        ROW_COLUMNS,
        select(*(bindparam(name, type_=movies.c[name].type) for name in ROW_COLUMNS)).where(
            LISTED_NOW.scalar_subquery() < bindparam("max_films", type_=Integer)
        ),
    )
    .returning(movies.c.id)
)


async def add(db: Database, user_id: int, film: Film, max_films: int) -> int:
    """The film added to the watchlist (its movie id), unless the lists are full (ListsFull)
    or it is on them already (IntegrityError)."""
    movie_id = await db.write_returning(ADD_IF_ROOM, int, **movie_row(user_id, film, now()), max_films=max_films)
    if movie_id is None:
        listed = sum((await db.fetch_all(LIST_COUNTS, user_id=user_id))[0])
        raise ListsFull(
            f"Your lists hold {listed:,} films, as many as this FlickList keeps for one person. "
            "Delete some to add more."
        )
    return movie_id


async def find_or_add(db: Database, user_id: int, film: Film, max_films: int) -> Listed:
    """The film on the person's lists, added to the watchlist when it was on neither (a film
    added meanwhile by another request: IntegrityError)."""
    found = await db.fetch_all(LISTED_AS, user_id=user_id, key=title_key(film.title, film.film_id, film.year))
    if found:
        return Listed(found[0][0], found[0][1], bool(found[0][2]), new=False)
    return Listed(await add(db, user_id, film, max_films), film.title, False, new=True)
