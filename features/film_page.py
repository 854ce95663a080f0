"""A film's page: what the catalog knows of it, and what this user has done with it."""

from sqlalchemy import bindparam, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..posters.fetcher import want_posters
from ..tables import films, movies
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.rendering import page

FILM = select(
    films.c.id,
    films.c.imdb_id,
    films.c.title,
    films.c.original_title,
    films.c.details,
    films.c.rating,
    films.c.votes,
).where(films.c.id == bindparam("film_id"))
NO_SUCH_FILM = "That film is not in the catalog."
ON_THE_USERS_LISTS = select(movies.c.watched, movies.c.rating, movies.c.added_at, movies.c.watched_at).where(
    movies.c.film_id == bindparam("film_id"), movies.c.user_id == bindparam("user_id")
)


async def film_page(request: Request) -> Response:
    db, film_id = request.app.state.db, request.path_params["film_id"]
    rows = await db.fetch_all(FILM, film_id=film_id)
    if not rows:
        raise HTTPException(404, NO_SUCH_FILM)
    want_posters(request, [film_id])
    entry = await db.fetch_all(ON_THE_USERS_LISTS, film_id=film_id, user_id=request.state.user.id)
    return page(request, "templates/film.html", {"film": rows[0], "entry": entry[0] if entry else None})


routes = [Route("/films/{film_id:row_id}", film_page)]
