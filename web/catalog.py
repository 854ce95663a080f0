"""Whether this instance has a film catalog: the add fields search it only then."""

from sqlalchemy import select
from starlette.requests import Request

from ..tables import films

ANY_FILM = select(films.c.id).limit(1)


async def has_catalog(request: Request) -> bool:
    """Whether a catalog is loaded: the add field searches it only then. Once one is, it stays
    (a load never removes films), so each process asks only until it sees one."""
    state = request.app.state
    if not getattr(state, "catalog_loaded", False):
        state.catalog_loaded = bool(await state.db.fetch_all(ANY_FILM))
    return state.catalog_loaded
