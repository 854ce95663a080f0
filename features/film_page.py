"""A film's page: what the catalog knows of it (its people and its titles elsewhere too), and
what this user has done with it (lists, rating, every viewing in the diary). An entry typed
without a catalog film has the same page at /movies/{id}; a linked entry's /movies/{id} leads
to its film's page."""

from sqlalchemy import bindparam, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..catalog.films import NO_SUCH_FILM
from ..catalog.people import akas_of_film, credits_of_film
from ..friends.activity import friends_on_film
from ..lists.entries import Entry, entry_of_film, entry_url
from ..tables import films
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.film_state import film_state
from ..web.list_pages import the_users_entry
from ..web.posters import want_posters
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


async def entry_page(request: Request, film: tuple | None, entry: Entry | None, people: dict | None = None) -> Response:
    db, user_id = request.app.state.db, request.state.user.id
    state = await film_state(db, user_id, film[0] if film else None, entry)
    return page(request, "templates/film.html", {"film": film, **state, **(people or {})})


async def film_page(request: Request) -> Response:
    db, film_id = request.app.state.db, request.path_params["film_id"]
    rows = await db.fetch_all(FILM, film_id=film_id)
    if not rows:
        raise HTTPException(404, NO_SUCH_FILM)
    want_posters(request, [film_id])
    entry = await entry_of_film(db, request.state.user.id, film_id)
    people = {
        "credits": await credits_of_film(db, film_id),
        "akas": await akas_of_film(db, film_id),
        "friends": await friends_on_film(db, request.state.user.id, film_id),
    }
    return await entry_page(request, rows[0], entry, people)


async def movie_page(request: Request) -> Response:
    entry = await the_users_entry(request, request.path_params["movie_id"])
    if entry.film_id is not None:
        return RedirectResponse(entry_url(entry.id, entry.film_id), status_code=303)
    return await entry_page(request, None, entry)


routes = [
    Route("/films/{film_id:row_id}", film_page),
    Route("/movies/{movie_id:row_id}", movie_page),
]
