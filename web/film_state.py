"""A film page's own part: what this user has done with the film (its lists, rating and
viewings). The page shows it in place; a change made while the page is open (its own buttons,
the banner's Undo) sends it back whole, out-of-band, for htmx to put where the old one was."""

import re
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from ..db import Database
from ..diary.viewings import VIEWINGS_OF_MOVIE, Viewing
from ..lists.entries import Entry, entry_of, entry_of_film
from ..own_lists.store import holding
from ..tables import title_key

FILM_PAGE = re.compile(r"/(films|movies)/([1-9][0-9]{0,17})")


async def film_state(db: Database, user_id: int, film_id: int | None, entry: Entry | None) -> dict[str, Any]:
    """The context of partials/film_state.html: a catalog film's (`film_id`), on this user's
    lists as `entry` or not; or a typed entry's (`film_id` None)."""
    logged = []
    if entry is not None:
        found = await db.fetch_all(VIEWINGS_OF_MOVIE, movie_id=entry.id, user_id=user_id)
        logged = [Viewing(*row) for row in found]
    key = title_key(entry.title, None) if film_id is None else title_key("", film_id)
    own_lists = await holding(db, user_id, key)
    return {"film_id": film_id, "entry": entry, "viewings": logged, "own_lists": own_lists}


async def state_of_open_page(request: Request) -> dict[str, Any] | None:
    """The film state of the page an htmx request came from (its HX-Current-URL), when that is
    a film's page; None on any other page, or for an entry no longer on this user's lists."""
    found = FILM_PAGE.fullmatch(urlsplit(request.headers.get("HX-Current-URL", "")).path)
    if found is None:
        return None
    db, user_id, page_id = request.app.state.db, request.state.user.id, int(found[2])
    if found[1] == "films":
        return await film_state(db, user_id, page_id, await entry_of_film(db, user_id, page_id))
    entry = await entry_of(db, user_id, page_id)
    return None if entry is None else await film_state(db, user_id, entry.film_id, entry)
