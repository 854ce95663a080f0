"""A person's page: who they are, and their films by part, newest first (or by IMDb's rating),
each marked as seen or on the viewer's watchlist, with how many of them the viewer has seen;
and, after a confirmation, every one of their films not yet on the viewer's lists added to
the watchlist."""

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..api.films import ListsFull, find_or_add
from ..catalog.people import NO_SUCH_PERSON, SORTS, Part, Person, filmography, marks_of, person_in_catalog
from ..history.plan import Film
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.filmographies import marked
from ..web.flash import flash
from ..web.rendering import page


async def the_person(request: Request) -> tuple[Person, tuple[int, int]]:
    """The URL's person, and the catalog their films are read from."""
    if (found := await person_in_catalog(request.app.state.db, request.path_params["person_id"])) is None:
        raise HTTPException(404, NO_SUCH_PERSON)
    return found


def by_film(parts: list[tuple[str, list[Part]]]) -> dict[int, Part]:
    """Each film once (a director who also wrote it is one film of theirs)."""
    return {part.film_id: part for _, group in parts for part in group}


async def person_page(request: Request) -> Response:
    person, catalog = await the_person(request)
    sort = request.query_params.get("sort") or "year"
    if sort not in SORTS:
        raise HTTPException(400, f"Films are sorted by {' or '.join(SORTS)}.")
    db = request.app.state.db
    drawn = await request.app.state.filmographies.drawn_for(
        (person.id, sort, *catalog), lambda: filmography(db, person.id, sort)
    )
    marks = await marks_of(db, person.id, request.state.user.id)
    films = {film_id for _, rows in drawn for film_id, *_ in rows}
    context = {
        "person": person,
        "parts": marked(drawn, marks),
        "films": len(films),
        "seen": sum(1 for film_id in films if marks.get(film_id)),
        "not_listed": len(films - marks.keys()),
        "sort": sort,
    }
    return page(request, "templates/person.html", context)


async def films_not_listed(request: Request, person: Person) -> list[Part]:
    """The person's films on none of the viewer's lists, newest first."""
    db = request.app.state.db
    marks = await marks_of(db, person.id, request.state.user.id)
    return [part for part in by_film(await filmography(db, person.id)).values() if part.film_id not in marks]


async def confirm_adding(request: Request) -> Response:
    person, _ = await the_person(request)
    adding = await films_not_listed(request, person)
    return page(request, "templates/person_add_films.html", {"person": person, "adding": adding})


async def add_films(request: Request) -> Response:
    """Every film of the person's not on the viewer's lists, onto the watchlist, newest first,
    until the lists are full."""
    person, _ = await the_person(request)
    state, user_id = request.app.state, request.state.user.id
    added = 0
    for part in await films_not_listed(request, person):
        try:
            listed = await find_or_add(
                state.db, user_id, Film(part.title, part.year, part.film_id), state.settings.max_films_per_user
            )
        except ListsFull as full:
            flash(request, f"Added {added:,} of {person.name}'s films. {full}", "error")
            break
        except IntegrityError:  # added meanwhile by another request
            continue
        added += listed.new
    else:
        flash(request, f"Added {added:,} of {person.name}'s films to your watchlist.")
    return RedirectResponse(f"/people/{person.id}", status_code=303)


routes = [
    Route("/people/{person_id:row_id}", person_page),
    Route("/people/{person_id:row_id}/add-films", confirm_adding),
    Route("/people/{person_id:row_id}/add-films", add_films, methods=["POST"]),
]
