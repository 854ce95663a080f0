"""Share a list with a link (/share): make one for the watchlist, the Watched list, the diary
or a list of one's own, see every link made (created, last opened, times opened), revoke or
replace any."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog.text import clean_text
from ..own_lists import store as own_store
from ..security.origin import site_origin
from ..sharing import links
from ..tables import now
from ..web import convertors  # noqa: F401  (registers row_id)
from ..web.flash import flash, pop_shown_once, show_once
from ..web.forms import form_fields, refuse_form
from ..web.rendering import go_to, page
from ..whole_numbers import row_id

DEFAULT_NAMES = {"watchlist": "My watchlist", "watched": "Films I have watched", "diary": "My film diary"}


async def choices_of(request: Request) -> dict[str, str]:
    """The lists a link may show, by the form's value: the three of everyone's, then the
    person's own ("own:12"), each by its name."""
    own = await own_store.lists_of(request.app.state.db, request.state.user.id)
    return {**links.LISTS, **{f"{links.OWN}:{each.id}": each.name for each in own}}


def form_context(chosen: str, choices: dict[str, str]) -> dict:
    """What the form for a new link offers, `chosen` (a list's value) first."""
    chosen = chosen if chosen in choices else "watchlist"
    default_name = DEFAULT_NAMES.get(chosen, choices[chosen])
    return {"lists": choices, "expiries": links.EXPIRIES, "chosen": chosen, "default_name": default_name}


async def share_page(request: Request) -> Response:
    context = {
        **form_context(request.query_params.get("list", ""), await choices_of(request)),
        "links": await links.of_user(request.app.state.db, request.state.user.id),
        "new_link": pop_shown_once(request, "share_link"),
        "now": now(),
    }
    return page(request, "templates/share.html", context)


async def make_link(request: Request) -> Response:
    fields = await form_fields(request, "list", "name", "reviews", "expires")
    name, choices = clean_text(fields["name"]), await choices_of(request)
    errors = {"name": links.check_name(name)}
    if fields["list"] not in choices or fields["expires"] not in links.EXPIRIES:
        errors["list"] = "Choose a list and an expiry from those offered."
    if any(errors.values()):
        kept, back_to = {"name": fields["name"]}, f"/share?list={fields['list']}"
        return await refuse_form(
            request, back_to, "partials/share_form.html", kept, errors, form_context(fields["list"], choices)
        )
    list_name, _, own_id = fields["list"].partition(":")
    async with request.app.state.db.transaction() as connection:
        days = int(fields["expires"]) if fields["expires"] else None
        token = await links.create(
            connection, request.state.user.id, list_name, name, fields["reviews"] == "on", days, row_id(own_id)
        )
    return shown_once(request, token, fields["list"], "Link made. Copy it now: it is shown only once.")


def shown_once(request: Request, token: str, list_name: str, message: str) -> Response:
    show_once(request, "share_link", f"{site_origin(request)}/s/{token}")
    flash(request, message, "success")
    return go_to(request, f"/share?list={list_name}")


async def revoke_link(request: Request) -> Response:
    async with request.app.state.db.transaction() as connection:
        link = await links.revoke(connection, request.state.user.id, request.path_params["link_id"])
    if link is None:
        flash(request, "There is no such link of yours.", "error")
        return go_to(request, "/share")
    flash(request, f"“{link.name}” is revoked: its link opens nothing now.", "success")
    return go_to(request, f"/share?list={link.choice}")


async def replace_link(request: Request) -> Response:
    """The same list, name and settings under a new token; the old link opens nothing."""
    user_id = request.state.user.id
    async with request.app.state.db.transaction() as connection:
        link = await links.revoke(connection, user_id, request.path_params["link_id"])
        if link is not None:
            days = None if link.expires_at is None else (link.expires_at - link.created_at) // 86400
            token = await links.create(
                connection, user_id, link.list, link.name, link.include_reviews, days, link.film_list_id
            )
    if link is None:
        flash(request, "There is no such link of yours.", "error")
        return go_to(request, "/share")
    return shown_once(request, token, link.choice, f"“{link.name}” has a new link; the old one opens nothing now.")


routes = [
    Route("/share", share_page),
    Route("/share", make_link, methods=["POST"]),
    Route("/share/{link_id:row_id}/revoke", revoke_link, methods=["POST"]),
    Route("/share/{link_id:row_id}/replace", replace_link, methods=["POST"]),
]
