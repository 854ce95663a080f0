"""What the pages of lists and diaries share over HTTP: the view a query string asks for (a
400 when it names none), the view's own URL, the rows put in place on the page showing them,
and the entry a path names (a 404 when it is not the user's)."""

import functools
from urllib.parse import urlsplit

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..catalog.text import clean_text
from ..diary.pages import BrokenDiaryLink, read_diary_after
from ..lists.entries import Entry, entry_of
from ..lists.rows import NOT_ON_YOUR_LIST, ListedMovie
from ..lists.view import BrokenView, ListView, person_of, read_view, row_after
from ..own_lists.views import QUERY_MAX, SEEN, SORTS, EntryView
from ..whole_numbers import row_id
from .rendering import is_htmx


def requested_view(params: QueryParams, watched: bool) -> ListView:
    """The view the query string asks for; a 400 saying what is wrong with one it cannot mean."""
    try:
        return read_view(params, watched)
    except BrokenView as broken:
        raise HTTPException(400, str(broken)) from None


def requested_diary_after(params: QueryParams) -> tuple[str, int] | None:
    """Where the diary's next page starts, if the query string says; a 400 for a broken link."""
    if not params.get("after"):
        return None
    try:
        return read_diary_after(params["after"])
    except BrokenDiaryLink as broken:
        raise HTTPException(400, str(broken)) from None


BROKEN_SHOW_MORE = "That “Show more” link is broken: go back to the top of the list."
BROKEN_LIST_VIEW = "That list link is broken: it names a sort or filter FlickList does not have."


def requested_entry_view(params: QueryParams, seen_allowed: bool = True) -> EntryView:
    """The view of a list of one's own the query string asks for (own_lists/views.py); a 400
    for a sort or filter FlickList does not have, or a broken "Show more" (`after`, the last
    film shown). A shared list has no `seen`: the owner's viewings are not shown."""
    sort, seen, after = params.get("sort", ""), params.get("seen", ""), params.get("after", "")
    if sort not in SORTS or seen not in SEEN or (seen and not seen_allowed):
        raise HTTPException(400, BROKEN_LIST_VIEW)
    if after and row_id(after) is None:
        raise HTTPException(400, BROKEN_SHOW_MORE)
    q = clean_text(params.get("q", ""))[:QUERY_MAX]
    try:
        people = [person_of(params.get(name, "")) for name in ("director", "with")]
    except BrokenView:
        raise HTTPException(400, BROKEN_LIST_VIEW) from None
    return EntryView(sort, seen, q, row_id(after) if after else None, *people)


def with_view_url(request: Request, response: Response, view: ListView) -> Response:
    """htmx pushes the view's own URL to the history, not the form's every field."""
    if is_htmx(request):
        response.headers["HX-Push-Url"] = view_path(request, view)
    return response


def view_path(request: Request, view: ListView) -> str:
    return f"{request.url.path}?{view.query()}".removesuffix("?")


def view_url(request: Request, view: ListView) -> Response | None:
    """A plain GET whose query string is not the view's own (the controls form sends every
    field, empty ones too) goes to the view's URL, the one worth bookmarking."""
    if is_htmx(request) or request.url.query == view.query():
        return None
    return RedirectResponse(view_path(request, view), status_code=303)


@functools.lru_cache(maxsize=256)
def view_shown(query: str, watched: bool) -> ListView:
    """The view of the list page whose query string is `query` (its default view, when that is
    broken). Cached: each HTMX change on a list page asks, mostly for the same few views."""
    try:
        return read_view(QueryParams(query), watched)
    except BrokenView:
        return read_view(QueryParams(), watched)


async def rows_in_place(request: Request, watched: bool, rows: list[ListedMovie]) -> tuple[list[str], dict]:
    """Rows coming (back) onto the list the user is looking at, out-of-band, each marked with
    the row it goes before in that page's sort (static/app.js puts it there); none when that
    list is not on the page."""
    showing = urlsplit(request.headers.get("hx-current-url", ""))
    if showing.path != ("/watched" if watched else "/"):
        return [], {}
    view = view_shown(showing.query, watched)
    places = {row.id: await row_after(request.app.state.db, request.state.user.id, view, row.id) for row in rows}
    return ["partials/watched_row_added.html" if watched else "partials/movie_row_added.html"], {"places": places}


async def the_users_entry(request: Request, movie_id: int) -> Entry:
    """The entry, if it is on this user's lists; anyone else's, or none, is a 404."""
    entry = await entry_of(request.app.state.db, request.state.user.id, movie_id)
    if entry is None:
        raise HTTPException(404, NOT_ON_YOUR_LIST)
    return entry
