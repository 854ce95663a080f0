"""Posters over HTTP: the films a page shows handed to the fetcher, and a poster as an answer
(the stored file, else the placeholder drawn for the title)."""

from collections.abc import Iterable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..posters.placeholder import placeholder_svg
from ..posters.store import PosterOf

# A stored poster does not change; a placeholder may give way to a poster soon after.
POSTER_CACHE = "private, max-age=2592000"
PLACEHOLDER_CACHE = "private, max-age=300"


def want_posters(request: Request, film_ids: Iterable[int]) -> None:
    """Tells this worker's fetcher, if there is one, which films a page shows."""
    if request.app.state.posters is not None:
        request.app.state.posters.want(film_ids)


def poster_response(request: Request, poster: PosterOf) -> Response:
    if poster.file:
        path: Path = request.app.state.settings.poster_dir / poster.file
        if path.is_file():
            return FileResponse(path, headers={"Cache-Control": POSTER_CACHE})
    content = placeholder_svg(poster.title, poster.year)
    return Response(content, media_type="image/svg+xml", headers={"Cache-Control": PLACEHOLDER_CACHE})
