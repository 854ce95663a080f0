"""Posters, served by FlickList itself (the browser never talks to TMDB): a film's stored
poster, else its placeholder; a row's the same, or for a title typed without a film the
placeholder of that title."""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog.films import NO_SUCH_FILM
from ..lists.rows import NOT_ON_YOUR_LIST
from ..posters.store import poster_of_film, poster_of_movie
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.posters import poster_response


async def film_poster(request: Request) -> Response:
    poster = await poster_of_film(request.app.state.db, request.path_params["film_id"])
    if poster is None:
        raise HTTPException(404, NO_SUCH_FILM)
    return poster_response(request, poster)


async def movie_poster(request: Request) -> Response:
    poster = await poster_of_movie(request.app.state.db, request.path_params["movie_id"], request.state.user.id)
    if poster is None:
        raise HTTPException(404, NOT_ON_YOUR_LIST)
    return poster_response(request, poster)


routes = [
    Route("/films/{film_id:row_id}/poster", film_poster),
    Route("/movies/{movie_id:row_id}/poster", movie_poster),
]
