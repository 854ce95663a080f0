"""One movie on a person's lists, as its own page and the forms about it see it."""

from typing import NamedTuple

from sqlalchemy import bindparam, select

from ..db import Database
from ..diary.viewings import THE_USERS_MOVIE
from ..tables import movies


class Entry(NamedTuple):
    """A movie on this user's lists, as its page shows it; `rating` in half stars; `liked_at`,
    when it was given their heart (None: not liked)."""

    id: int
    user_id: int
    title: str
    year: int | None
    film_id: int | None
    watched: bool
    rating: int | None
    added_at: int
    liked_at: int | None


ENTRY_COLUMNS = (
    movies.c.id,
    movies.c.user_id,
    movies.c.title,
    movies.c.year,
    movies.c.film_id,
    movies.c.watched,
    movies.c.rating,
    movies.c.added_at,
    movies.c.liked_at,
)
ENTRY = select(*ENTRY_COLUMNS).where(*THE_USERS_MOVIE)
ENTRY_OF_FILM = select(*ENTRY_COLUMNS).where(
    movies.c.film_id == bindparam("film_id"), movies.c.user_id == bindparam("user_id")
)


def entry_url(movie_id: int, film_id: int | None) -> str:
    """Where an entry's page is: its film's, if it has one."""
    return f"/films/{film_id}" if film_id is not None else f"/movies/{movie_id}"


async def entry_of(db: Database, user_id: int, movie_id: int) -> Entry | None:
    """The entry, if it is on this user's lists; None for anyone else's, or none."""
    rows = await db.fetch_all(ENTRY, movie_id=movie_id, user_id=user_id)
    return Entry(*rows[0]) if rows else None


async def entry_of_film(db: Database, user_id: int, film_id: int) -> Entry | None:
    """This user's entry for the catalog film, if the film is on their lists."""
    rows = await db.fetch_all(ENTRY_OF_FILM, film_id=film_id, user_id=user_id)
    return Entry(*rows[0]) if rows else None
