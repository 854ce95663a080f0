"""The watchlist as Radarr's "StevenLu Custom" import list reads it: a JSON array of
{"title", "imdb_id", "poster_url"} (Radarr's StevenLuParser takes the title and the IMDb id,
and finds the film by the id; poster_url it ignores, and is null here). Films without an
IMDb id (a typed title the catalog does not hold) are left out: Radarr could not tell which
film they are."""

from sqlalchemy import bindparam, select

from ..db import Database
from ..lists.rows import IMDB_ID, WITH_FILM
from ..tables import movies

WATCHLIST = (
    select(movies.c.title, IMDB_ID)
    .select_from(WITH_FILM)
    .where(movies.c.user_id == bindparam("user_id"), movies.c.watched.is_(False), IMDB_ID.is_not(None))
    .order_by(movies.c.added_at.desc(), movies.c.id.desc())
)


async def radarr_list(db: Database, user_id: int) -> list[dict[str, str | None]]:
    rows = await db.fetch_all(WATCHLIST, user_id=user_id)
    return [{"title": title, "imdb_id": imdb_id, "poster_url": None} for title, imdb_id in rows]
