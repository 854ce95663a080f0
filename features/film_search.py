"""Searching the catalog as you type: `GET /films/search?q=…` answers with the add field's
listbox (up to 10 films) and a count for screen readers."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..web.posters import want_posters
from ..web.rendering import fragments


async def film_search(request: Request) -> Response:
    query = request.query_params.get("q", "")
    found = await request.app.state.searches.search(request.app.state.db, query)
    want_posters(request, (film.id for film in found))
    context = {"films": found, "searched": bool(query.strip()), "count_oob": True}
    return fragments(request, ["partials/film_options.html", "partials/film_options_count.html"], context)


routes = [Route("/films/search", film_search)]
