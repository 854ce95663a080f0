"""Changes to a person's lists that more than one page makes: crossing a film off, putting it
back, liking it, deleting films with their viewings. Each statement that changes a row returns it as a
`ListedMovie` (lists/rows.py)."""

from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..diary.days import today
from ..diary.viewings import MARK_WATCHED, STORED_COLUMNS, THE_USERS_MOVIE
from ..tables import movies, now, viewings
from .rows import RETURNED_COLUMNS

CROSS_OFF = MARK_WATCHED.returning(*RETURNED_COLUMNS)
UNDO_CROSS_OFF = delete(viewings).where(
    viewings.c.id == bindparam("viewing_id"),
    viewings.c.movie_id == bindparam("movie_id"),
    viewings.c.user_id == bindparam("user_id"),
)
# Off the Watched list, the heart goes too: on Letterboxd a film liked is a film watched.
PUT_BACK = (
    update(movies)
    .where(*THE_USERS_MOVIE)
    .values(watched=False, watched_at=None, liked_at=None)
    .returning(*RETURNED_COLUMNS)
)
# A heart given (a film liked already keeps the moment it was) or taken back, as Letterboxd's,
# to a film of the Watched list.
ON_THE_WATCHED_LIST = (*THE_USERS_MOVIE, movies.c.watched == true())
LIKE = (
    update(movies)
    .where(*ON_THE_WATCHED_LIST)
    .values(liked_at=func.coalesce(movies.c.liked_at, bindparam("now", type_=BigInteger)))
    .returning(*RETURNED_COLUMNS)
)
UNLIKE = update(movies).where(*ON_THE_WATCHED_LIST).values(liked_at=None).returning(*RETURNED_COLUMNS)
MOVIE_STORED = (
    movies.c.title,
    movies.c.year,
    movies.c.imdb_id,
    movies.c.film_id,
    movies.c.watched,
    movies.c.rating,
    movies.c.added_at,
    movies.c.watched_at,
    movies.c.liked_at,
)
DELETE = delete(movies).where(*THE_USERS_MOVIE).returning(*MOVIE_STORED)
VIEWINGS_STORED = select(*STORED_COLUMNS).where(viewings.c.movie_id == bindparam("movie_id"))


def logged_today() -> dict[str, Any]:
    """What "I watched it!" logs (LOG_CROSSED_OFF): a viewing today, no rating, review or tags."""
    return {"watched_on": today().isoformat(), "rating": None, "review": "", "tags": "", "now": now()}


async def delete_movies(connection: AsyncConnection, user_id: int, movie_ids: list[int]) -> list[dict[str, Any]]:
    """Deletes those of `movie_ids` on the user's lists, with their viewings, within the
    caller's transaction: what was deleted, as the trash keeps it for the Undo."""
    deleted = []
    for movie_id in movie_ids:
        ids = {"movie_id": movie_id, "user_id": user_id}
        logged = [dict(row._mapping) for row in await connection.execute(VIEWINGS_STORED, ids)]
        if (movie := (await connection.execute(DELETE, ids)).first()) is not None:
            deleted.append({"movie": dict(movie._mapping), "viewings": logged})
    return deleted
