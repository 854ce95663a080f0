"""A film's page: what the catalog knows of it, and what this user has done with it (lists,
rating, every viewing in the diary). An entry typed without a catalog film has the same page
at /movies/{id}; a linked entry's /movies/{id} leads to its film's page."""

from typing import NamedTuple

from sqlalchemy import bindparam, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..diary.viewings import THE_USERS_MOVIE, VIEWINGS_OF_MOVIE, Viewing
from ..posters.fetcher import want_posters
from ..tables import films, movies
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.rendering import page
from .watchlist import NOT_ON_YOUR_LIST

NO_SUCH_FILM = "That film is not in the catalog."
FILM = select(
    films.c.id,
    films.c.imdb_id,
    films.c.title,
    films.c.original_title,
    films.c.details,
    films.c.rating,
    films.c.votes,
).where(films.c.id == bindparam("film_id"))


class Entry(NamedTuple):
    """A movie on this user's lists, as its page shows it; `rating` in half stars."""

    id: int
    user_id: int
    title: str
    year: int | None
    film_id: int | None
    watched: bool
    rating: int | None
    added_at: int


ENTRY_COLUMNS = (
    movies.c.id,
    movies.c.user_id,
    movies.c.title,
    movies.c.year,
    movies.c.film_id,
    movies.c.watched,
    movies.c.rating,
    movies.c.added_at,
)
ENTRY = select(*ENTRY_COLUMNS).where(*THE_USERS_MOVIE)
ENTRY_OF_FILM = select(*ENTRY_COLUMNS).where(
    movies.c.film_id == bindparam("film_id"), movies.c.user_id == bindparam("user_id")
)


def entry_url(movie_id: int, film_id: int | None) -> str:
    """Where an entry's page is: its film's, if it has one."""
    return f"/films/{film_id}" if film_id is not None else f"/movies/{movie_id}"


async def the_users_entry(request: Request, movie_id: int) -> Entry:
    """The entry, if it is on this user's lists; anyone else's, or none, is a 404."""
    rows = await request.app.state.db.fetch_all(ENTRY, movie_id=movie_id, user_id=request.state.user.id)
    if not rows:
        raise HTTPException(404, NOT_ON_YOUR_LIST)
    return Entry(*rows[0])


async def entry_page(request: Request, film: tuple | None, entry: Entry | None) -> Response:
    logged = []
    if entry is not None:
        found = await request.app.state.db.fetch_all(VIEWINGS_OF_MOVIE, movie_id=entry.id, user_id=entry.user_id)
        logged = [Viewing(*row) for row in found]
    return page(request, "templates/film.html", {"film": film, "entry": entry, "viewings": logged})


async def film_page(request: Request) -> Response:
    db, film_id = request.app.state.db, request.path_params["film_id"]
    rows = await db.fetch_all(FILM, film_id=film_id)
    if not rows:
        raise HTTPException(404, NO_SUCH_FILM)
    want_posters(request, [film_id])
    entry = await db.fetch_all(ENTRY_OF_FILM, film_id=film_id, user_id=request.state.user.id)
    return await entry_page(request, rows[0], Entry(*entry[0]) if entry else None)


async def movie_page(request: Request) -> Response:
    entry = await the_users_entry(request, request.path_params["movie_id"])
    if entry.film_id is not None:
        return RedirectResponse(entry_url(entry.id, entry.film_id), status_code=303)
    return await entry_page(request, None, entry)


routes = [
    Route("/films/{film_id:row_id}", film_page),
    Route("/movies/{movie_id:row_id}", movie_page),
]
