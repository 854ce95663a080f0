"""Posters, served by FlickList itself (the browser never talks to TMDB): a film's stored
poster, else its placeholder; and the placeholder for a title typed without a film."""

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..posters.placeholder import placeholder_svg
from ..posters.store import poster_of
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.forms import clean_text

# A stored poster does not change; a placeholder may give way to a poster soon after.
POSTER_CACHE = "private, max-age=2592000"
PLACEHOLDER_CACHE = "private, max-age=300"
TYPED_PLACEHOLDER_CACHE = "private, max-age=31536000, immutable"


def svg(content: str, cache: str) -> Response:
    return Response(content, media_type="image/svg+xml", headers={"Cache-Control": cache})


async def film_poster(request: Request) -> Response:
    poster = await poster_of(request.app.state.db, request.path_params["film_id"])
    if poster is None:
        raise HTTPException(404, "That film is not in the catalog.")
    if poster.file:
        path: Path = request.app.state.settings.poster_dir / poster.file
        if path.is_file():
            return FileResponse(path, headers={"Cache-Control": POSTER_CACHE})
    return svg(placeholder_svg(poster.title, poster.year), PLACEHOLDER_CACHE)


async def typed_title_placeholder(request: Request) -> Response:
    title = clean_text(request.query_params.get("title", ""))[:200]
    year = request.query_params.get("year", "")
    if not title or not (year == "" or (year.isdigit() and len(year) == 4)):
        raise HTTPException(422, "A placeholder needs a title, and a year of four digits if any.")
    return svg(placeholder_svg(title, int(year) if year else None), TYPED_PLACEHOLDER_CACHE)


routes = [
    Route("/films/{film_id:row_id}/poster", film_poster),
    Route("/posters/placeholder.svg", typed_title_placeholder),
]
