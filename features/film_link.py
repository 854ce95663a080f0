""" "Which film is this?": linking a free-text entry on a list to a catalog film."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog.films import film_by_id
from ..catalog.link import link_movie
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.flash import flash
from ..web.forms import form_fields
from ..web.list_pages import the_users_entry
from ..web.posters import want_posters
from ..web.rendering import go_to, page
from ..whole_numbers import row_id


async def which_film_page(request: Request) -> Response:
    title = (await the_users_entry(request, request.path_params["movie_id"])).title
    query = request.query_params.get("q", title)[:200]
    found = await request.app.state.searches.search(request.app.state.db, query)
    context = {"movie_id": request.path_params["movie_id"], "title": title, "query": query, "films": found}
    return page(request, "templates/which_film.html", context)


async def link_to_film(request: Request) -> Response:
    entry = await the_users_entry(request, request.path_params["movie_id"])
    title, watched = entry.title, entry.watched
    picked = (await form_fields(request, "film"))["film"]
    film = await film_by_id(request.app.state.db, film_id) if (film_id := row_id(picked)) else None
    back_to = "/watched" if watched else "/"
    if film is None:
        flash(request, "Choose one of the films listed.", "error")
        return go_to(request, f"/movies/{request.path_params['movie_id']}/film")
    if not await link_movie(request.app.state.db, request.path_params["movie_id"], film):
        flash(request, f"'{film.title}' ({film.year or 'year unknown'}) is on your list already.", "error")
        return go_to(request, back_to)
    want_posters(request, [film.id])
    flash(request, f"'{title}' is now {film.title} ({film.year or 'year unknown'}).", "success")
    return go_to(request, back_to)


routes = [
    Route("/movies/{movie_id:row_id}/film", which_film_page),
    Route("/movies/{movie_id:row_id}/film", link_to_film, methods=["POST"]),
]
