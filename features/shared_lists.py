"""What a share link shows (/s/{token}): one person's list, read-only, to anyone holding the
link, outside the login wall. No email, no control that changes anything, no cookie given to
a visitor; not for search engines, never sent on as a referrer; views limited per address.
A revoked, expired or unknown link is a plain 404."""

from sqlalchemy import String, bindparam, select, tuple_
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..diary.pages import read_diary
from ..lists.view import BROKEN, CHOICES, read_page
from ..own_lists import store as own_store
from ..own_lists import views as own_views
from ..posters.store import poster_of_movie
from ..security import address_limits
from ..sharing import links
from ..tables import viewings
from ..web.client import client_address
from ..web.errors import too_many_attempts
from ..web.list_pages import requested_diary_after, requested_entry_view, requested_view, view_url
from ..web.posters import poster_response
from ..web.rendering import fragments, is_htmx, page, wants_fragment

VIEWS_PER_MINUTE = 120
NOT_FOUND = "That page does not exist."
HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
# The reviews of one page of a shared diary: the entries between its first and last, by the diary's index.
PAGE_REVIEWS = select(viewings.c.id, viewings.c.review).where(
    viewings.c.user_id == bindparam("user_id"),
    viewings.c.review != "",
    tuple_(viewings.c.watched_on, viewings.c.id) <= tuple_(bindparam("first_day", type_=String), bindparam("first_id")),
    tuple_(viewings.c.watched_on, viewings.c.id) >= tuple_(bindparam("last_day", type_=String), bindparam("last_id")),
)


async def opened_link(request: Request, count: bool) -> links.Opened:
    link = await links.opened(request.app.state.db, request.path_params["token"], count)
    if link is None:
        raise HTTPException(404, NOT_FOUND)
    return link


async def shared_list(request: Request) -> Response:
    db, token = request.app.state.db, request.path_params["token"]
    if wait := await address_limits.reserve(db, address_limits.SHARE_VIEWS, client_address(request), VIEWS_PER_MINUTE):
        return too_many_attempts(request, wait, "Too many pages from your network")
    more_of_it = bool(request.query_params.get("after"))
    link = await opened_link(request, count=not more_of_it and not is_htmx(request))
    context = {"link": link, "token": token, "lists": links.LISTS, "shared": True}
    if link.list == links.OWN:
        own = await own_store.list_of(db, link.user_id, link.film_list_id)
        if own is None:
            raise HTTPException(404, NOT_FOUND)
        view = requested_entry_view(request.query_params, seen_allowed=False)
        listed = await own_views.entry_page(db, own.id, view, link.user_id)
        more = f"/s/{token}?{view.query(after=listed.next_after)}" if listed.next_after else None
        context |= {"list": own, "entries": listed.entries, "first": listed.first, "more": more, "view": view}
        partial = "partials/shared_list_entries.html"
    elif link.list == "diary":
        after = requested_diary_after(request.query_params)
        entries, next_after = await read_diary(db, link.user_id, after)
        reviews = {}
        if link.include_reviews and entries:
            first, last = entries[0], entries[-1]
            bounds = {"first_day": first.watched_on, "first_id": first.id, "last_day": last.watched_on}
            reviews = dict(await db.fetch_all(PAGE_REVIEWS, user_id=link.user_id, last_id=last.id, **bounds))
        more = f"/s/{token}?after={next_after}" if next_after else None
        context |= {
            "entries": entries,
            "reviews": reviews,
            "more": more,
            "month_before": after[0][:7] if after else None,
        }
        partial = "partials/diary_entries.html"
    else:
        view = requested_view(request.query_params, watched=link.list == "watched")
        if view.liked:  # the owner's hearts are theirs: a link shows none, nor filters by them
            raise HTTPException(400, BROKEN)
        if (canonical := view_url(request, view)) is not None:
            return canonical
        listed = await read_page(db, link.user_id, view, with_review=link.include_reviews and view.watched)
        more = f"/s/{token}?{view.query(after=listed.next_after)}" if listed.next_after else None
        context |= {"movies": listed.movies, "view": view, "more": more, "choices": CHOICES}
        partial = "partials/shared_rows.html"
    if more_of_it and wants_fragment(request) and link.list != links.OWN:  # its "Show more" is a plain link
        response = fragments(request, [partial, "partials/show_more.html"], context, public=True)
    else:
        response = page(request, "templates/shared_list.html", context | {"partial": partial}, public=True)
    response.headers.update(HEADERS)
    return response


async def shared_poster(request: Request) -> Response:
    """A row's poster on a shared list: only of a film on the owner's lists."""
    link = await opened_link(request, count=False)
    poster = await poster_of_movie(request.app.state.db, request.path_params["movie_id"], link.user_id)
    if poster is None:
        raise HTTPException(404, NOT_FOUND)
    response = poster_response(request, poster)
    response.headers.update(HEADERS)
    return response


TOKEN = "{token:str}"
routes = [
    Route(f"/s/{TOKEN}", shared_list),
    Route(f"/s/{TOKEN}/posters/{{movie_id:row_id}}", shared_poster),
]
