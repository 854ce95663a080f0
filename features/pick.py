"""'Pick one for tonight': a film at random from the watchlist, within the list's filters
(a genre, under 100 minutes), with another pick a click away."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..lists.rows import ListedMovie
from ..lists.view import CHOICES
from ..web.list_pages import requested_view, view_url, with_view_url
from ..web.rendering import fragments, page, wants_fragment


async def pick(request: Request) -> Response:
    view = requested_view(request.query_params, watched=False)
    if (canonical := view_url(request, view)) is not None:
        return canonical
    rows = await request.app.state.db.fetch_all(view.pick_statement(), user_id=request.state.user.id, **view.values())
    context = {"movie": ListedMovie(*rows[0][:-1]) if rows else None, "view": view, "choices": CHOICES, "picking": True}
    if wants_fragment(request):
        return with_view_url(request, fragments(request, ["partials/pick.html"], context), view)
    return page(request, "templates/pick.html", context)


routes = [Route("/pick", pick)]
