"""Where posters are kept: the image files in the poster folder (FLICKLIST_POSTER_DIR), and
each film's state in `film_posters` (see tables.FilmPoster for the states).

A worker claims a film before asking TMDB, with one conditional upsert the database applies
atomically, so of several workers (or several tasks) wanting the same poster one asks."""

import os
import secrets
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import BigInteger, bindparam, func, or_, select, update

from ..db import Database, Upsert
from ..settings import make_private_dir
from ..tables import film_posters, films, movies
from .tmdb import Poster

FETCHING, STORED, MISSING, RETRY = "fetching", "stored", "missing", "retry"
CLAIM_SECONDS = 5 * 60  # a worker that dies mid-fetch holds its claim no longer than this


def is_due(timestamp):
    """A film whose poster is not stored and whose claim or wait is over."""
    return (film_posters.c.state != STORED) & (film_posters.c.next_try_at <= timestamp)


def claim_statement() -> Upsert:
    timestamp = bindparam("now", type_=BigInteger)
    return Upsert(
        film_posters,
        values={
            "film_id": bindparam("film_id"),
            "state": FETCHING,
            "tries": 0,
            "next_try_at": timestamp + CLAIM_SECONDS,
        },
        key=["film_id"],
        update={"state": FETCHING, "next_try_at": timestamp + CLAIM_SECONDS},
        where=is_due(timestamp),
        returning=[film_posters.c.tries],
    )


CLAIM = claim_statement()
SETTLE = (
    update(film_posters)
    .where(film_posters.c.film_id == bindparam("film_id"))
    .values(state=bindparam("state"), file=bindparam("file"), tries=bindparam("tries"), next_try_at=bindparam("at"))
    .returning(film_posters.c.tries)
)
IMDB_ID = select(films.c.imdb_id).where(films.c.id == bindparam("film_id"))
# Films on someone's list whose poster is neither stored nor waiting out a retry or a claim.
DUE_ON_LISTS = (
    select(movies.c.film_id)
    .distinct()
    .select_from(movies.outerjoin(film_posters, film_posters.c.film_id == movies.c.film_id))
    .where(
        movies.c.film_id.is_not(None),
        or_(
            film_posters.c.film_id.is_(None),
            is_due(bindparam("now", type_=BigInteger)),
        ),
    )
    .limit(bindparam("limit"))
)
# What the poster route needs: the film's title and year (for a placeholder), its file if stored.
FOR_FILM = (
    select(films.c.title, films.c.year, film_posters.c.file)
    .select_from(
        films.outerjoin(film_posters, (film_posters.c.film_id == films.c.id) & (film_posters.c.state == STORED))
    )
    .where(films.c.id == bindparam("film_id"))
)


# The same for an entry on this user's list: its film's, or for a typed title the title alone.
FOR_MOVIE = (
    select(func.coalesce(films.c.title, movies.c.title), films.c.year, film_posters.c.file)
    .select_from(
        movies.outerjoin(films, films.c.id == movies.c.film_id).outerjoin(
            film_posters, (film_posters.c.film_id == films.c.id) & (film_posters.c.state == STORED)
        )
    )
    .where(movies.c.id == bindparam("movie_id"), movies.c.user_id == bindparam("user_id"))
)


class PosterOf(NamedTuple):
    title: str
    year: int | None
    file: str | None


class Tries(NamedTuple):
    tries: int


class Claimed(NamedTuple):
    imdb_id: str
    tries: int  # failed tries so far


async def claim(db: Database, film_id: int, now: int) -> Claimed | None:
    """The film, if this worker may fetch its poster now; None if it is stored, another
    worker holds it, or its next try is not due."""
    claimed = await db.upsert(CLAIM, Tries, film_id=film_id, now=now)
    rows = await db.fetch_all(IMDB_ID, film_id=film_id) if claimed else []
    return Claimed(rows[0][0], claimed.tries) if rows else None


async def settle(db: Database, film_id: int, state: str, tries: int, at: int, file: str | None = None) -> None:
    await db.write_returning(SETTLE, Tries, film_id=film_id, state=state, file=file, tries=tries, at=at)


async def due_on_lists(db: Database, now: int, limit: int) -> list[int]:
    return [row[0] for row in await db.fetch_all(DUE_ON_LISTS, now=now, limit=limit)]


async def poster_of_film(db: Database, film_id: int) -> PosterOf | None:
    rows = await db.fetch_all(FOR_FILM, film_id=film_id)
    return PosterOf(*rows[0]) if rows else None


async def poster_of_movie(db: Database, movie_id: int, user_id: int) -> PosterOf | None:
    rows = await db.fetch_all(FOR_MOVIE, movie_id=movie_id, user_id=user_id)
    return PosterOf(*rows[0]) if rows else None


def save(folder: Path, film_id: int, poster: Poster) -> str:
    """Writes the image whole under a temporary name, then renames it into place, so the
    poster route never serves half a file."""
    make_private_dir(folder)
    name = f"{film_id}.{poster.extension}"
    draft = folder / f".{name}.{secrets.token_hex(4)}"
    draft.write_bytes(poster.content)
    os.replace(draft, folder / name)
    return name
