"""A person's page: who they are, and their films by part, newest first (or by IMDb's rating),
each marked as seen or on the viewer's watchlist, with how many of them the viewer has seen."""

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog.people import NO_SUCH_PERSON, SORTS, filmography, person_by_id
from ..web.rendering import page


async def person_page(request: Request) -> Response:
    db, person_id = request.app.state.db, request.path_params["person_id"]
    person = await person_by_id(db, person_id)
    if person is None:
        raise HTTPException(404, NO_SUCH_PERSON)
    sort = request.query_params.get("sort", "year")
    if sort not in SORTS:
        raise HTTPException(400, f"Films are sorted by {' or '.join(SORTS)}.")
    parts = await filmography(db, person_id, request.state.user.id, sort)
    films = {part.film_id: part for _, group in parts for part in group}
    seen = sum(1 for part in films.values() if part.watched)
    context = {"person": person, "parts": parts, "films": len(films), "seen": seen, "sort": sort}
    return page(request, "templates/person.html", context)


routes = [Route("/people/{person_id:row_id}", person_page)]
