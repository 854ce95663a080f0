"""Linking free-text entries on people's lists to catalog films, once a catalog is loaded:
each entry whose title names exactly one film (catalog/films.only_film_named)."""

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..tables import movies
from .films import CatalogFilm, only_film_named
from .text import stored_key

CHUNK = 500
UNLINKED = (
    select(movies.c.id, movies.c.title)
    .where(movies.c.film_id.is_(None), movies.c.id > bindparam("after"))
    .order_by(movies.c.id)
    .limit(CHUNK)
)
LINK = (
    update(movies)
    .where(movies.c.id == bindparam("movie_id"))
    .values(
        film_id=bindparam("film_id"),
        title=bindparam("film_title"),
        title_key=bindparam("film_key"),
        sort_title=bindparam("film_sort_title"),
    )
    .returning(movies.c.id)
)


@dataclass(frozen=True)
class Linked:
    linked: int
    left_as_typed: int
    already_listed: int  # the film was on that list already, under another entry


async def link_movie(db: Database, movie_id: int, film: CatalogFilm) -> bool:
    """Make entry `movie_id` that film (its title becomes the film's); False when the film
    is on that list already."""
    try:
        values = {
            "film_id": film.id,
            "film_title": film.title,
            "film_key": f"film:{film.id}",
            "film_sort_title": stored_key(film.title),
        }
        return await db.write_returning(LINK, int, movie_id=movie_id, **values) is not None
    except IntegrityError:
        return False


async def link_all(db: Database) -> Linked:
    linked = left = duplicates = 0
    after = 0
    while rows := await db.fetch_all(UNLINKED, after=after):
        for movie_id, title in rows:
            film = await only_film_named(db, title)
            if film is None:
                left += 1
            elif await link_movie(db, movie_id, film):
                linked += 1
            else:
                duplicates += 1
        after = rows[-1][0]
    return Linked(linked, left, duplicates)
