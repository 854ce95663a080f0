"""Posters, served by FlickList itself (the browser never talks to TMDB): a film's stored
poster, else its placeholder; a row's the same, or for a title typed without a film the
placeholder of that title."""

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..posters.placeholder import placeholder_svg
from ..posters.store import PosterOf, poster_of_film, poster_of_movie
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from .film_page import NO_SUCH_FILM
from .watchlist import NOT_ON_YOUR_LIST

# A stored poster does not change; a placeholder may give way to a poster soon after.
POSTER_CACHE = "private, max-age=2592000"
PLACEHOLDER_CACHE = "private, max-age=300"


def poster_response(request: Request, poster: PosterOf) -> Response:
    if poster.file:
        path: Path = request.app.state.settings.poster_dir / poster.file
        if path.is_file():
            return FileResponse(path, headers={"Cache-Control": POSTER_CACHE})
    content = placeholder_svg(poster.title, poster.year)
    return Response(content, media_type="image/svg+xml", headers={"Cache-Control": PLACEHOLDER_CACHE})


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
