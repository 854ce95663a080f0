"""Rendering: the one place that decides whether a request gets a full page or, from HTMX,
only the fragments that change with the flash banner riding along out-of-band."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from ..diary.days import written_day, written_month
from ..diary.ratings import spoken, stars, written
from ..lists.counts import LIST_COUNTS
from ..middleware.csrf import csrf_token
from ..settings import PACKAGE_DIR
from .flash import pop_flashes, pop_form

# auto_reload off: templates compile once per process, not re-checked on disk at every include.
templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(PACKAGE_DIR), autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False
    )
)
templates.env.globals.update(pop_flashes=pop_flashes)


def utc(seconds: int, layout: str) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime(layout)


# Unix seconds as a person reads them: "25 Nov 2026", "25 Nov 2026 14:05"; a diary's ISO day
# as "25 Nov 2026", its month as "November 2026"; half stars as a form writes them ("3.5"),
# as a sentence says them ("3.5 stars") and drawn ("★★★½").
templates.env.filters.update(
    date=lambda seconds: utc(seconds, "%-d %b %Y"),
    datetime=lambda seconds: utc(seconds, "%-d %b %Y %H:%M"),
    day=written_day,
    month=written_month,
    rating=written,
    spoken_rating=spoken,
    stars=stars,
)


class StarsOnRows:
    """The half-star control of partials/stars.html, rendered once per rating with stand-ins for
    the row's id and title, which each Watched row then fills in: ten inputs a row, fifty rows
    a page, drawn by the macro each time, made /watched cost twice GET / (README, "Where the
    time went"). The partial stays the one source of the control's HTML."""

    ID, TITLE = "STAR-ROW-ID", "STAR-ROW-TITLE"

    def __init__(self) -> None:
        self.by_rating: dict[int | None, Markup] = {}

    def __call__(self, movie_id: int, rating: int | None, title: str) -> Markup:
        if not self.by_rating:
            stars = templates.env.get_template("partials/stars.html").module.stars
            self.by_rating = {halves: stars(self.ID, halves, self.TITLE) for halves in (None, *range(1, 11))}
        return self.by_rating[rating].replace(self.ID, str(movie_id)).replace(self.TITLE, title)


templates.env.globals.update(stars_on_row=StarsOnRows())


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def wants_fragment(request: Request) -> bool:
    """htmx asking for a piece of a page ("Show more", another pick), not a boosted navigation."""
    return is_htmx(request) and not request.headers.get("hx-boosted")


def template_context(request: Request, context: dict[str, Any] | None, public: bool = False) -> dict[str, Any]:
    """What every template sees. The CSRF token is read once here, not by each of a page's
    hundreds of forms (what that cost: README, "Where the time went"). A `public` page (a
    shared list, outside the login wall) holds no form and leaves the session alone, so a
    visitor is never given a cookie."""
    csrf = csrf_token(request) if "session" in request.scope and not public else ""
    return {"request": request, "csrf": csrf, "errors": {}, **(context or {})}


def page(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200, public: bool = False
) -> Response:
    """A full page; a form refused earlier without JavaScript comes back with what was typed."""
    kept = pop_form(request) if "session" in request.scope and not public else {}
    context = template_context(request, {"form": kept, **(context or {})}, public)
    return templates.TemplateResponse(request, name, context, status_code=status)


def fragments(
    request: Request,
    names: Sequence[str],
    context: dict[str, Any] | None = None,
    status: int = 200,
    public: bool = False,
) -> Response:
    context = template_context(request, context, public)
    html = "".join(templates.get_template(name).render(context) for name in names)
    if not public:
        html += templates.get_template("partials/flash.html").render(context, oob=True)
    if "list_counts" in context:
        html += templates.get_template("partials/list_counts.html").render(context, oob=True)
    return HTMLResponse(html, status_code=status)


async def list_counts(request: Request) -> tuple[int, int]:
    """The user's films on the watchlist and on the Watched list, as they are now."""
    rows = await request.app.state.db.fetch_all(LIST_COUNTS, user_id=request.state.user.id)
    return tuple(rows[0])


async def after_post(
    request: Request,
    redirect_to: str,
    names: Sequence[str] = (),
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """Post/Redirect/Get for a plain form; for HTMX, the fragments that change in place, and
    the navigation's counts after a change."""
    if is_htmx(request):
        if status < 400 and getattr(request.state, "user", None):
            context = {**(context or {}), "list_counts": await list_counts(request)}
        return fragments(request, names, context, status)
    return RedirectResponse(redirect_to, status_code=303)


# What RedirectResponse leaves unencoded in Location; HX-Redirect is encoded the same way.
URL_SAFE = ":/%#?=@[]!$&'()*+,;"


def go_to(request: Request, url: str) -> Response:
    """Send the browser to another page: a 303 for a plain form, HX-Redirect for HTMX."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": quote(url, safe=URL_SAFE)})
    return RedirectResponse(url, status_code=303)


def error_response(request: Request, status: int, message: str) -> Response:
    """An error as a page in the app's layout, or for HTMX as the flash banner alone,
    leaving the part of the page the request aimed at untouched."""
    if is_htmx(request):
        messages = [{"text": message, "category": "error"}]
        html = templates.get_template("partials/flash.html").render(
            template_context(request, None), oob=True, messages=messages
        )
        return HTMLResponse(html, status_code=status, headers={"HX-Reswap": "none"})
    context = {"status": status, "message": message}
    if status >= 500:
        # Sent past the session middleware: a token shown here would not be the session's.
        context["csrf"] = ""
    context = template_context(request, context)
    return templates.TemplateResponse(request, "templates/error.html", context, status_code=status)
