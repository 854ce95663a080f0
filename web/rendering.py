"""Rendering: the one place that decides whether a request gets a full page or, from HTMX,
only the fragments that change with the flash banner riding along out-of-band."""

import functools
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from ..lists.counts import LIST_COUNTS
from ..lists.rows import ListedMovie
from ..own_lists.fields import NOTE_MAX
from ..own_lists.store import ListEntry, OwnList
from ..settings import PACKAGE_DIR
from .film_state import state_of_open_page
from .flash import pop_flashes, pop_form

# auto_reload off: templates compile once per process, not re-checked on disk at every include.
templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(PACKAGE_DIR), autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False
    )
)


def utc(seconds: int, layout: str) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime(layout)


# Unix seconds as a person reads them: "25 Nov 2026", "25 Nov 2026 14:05".
FILTERS = {
    "date": lambda seconds: utc(seconds, "%-d %b %Y"),
    "datetime": lambda seconds: utc(seconds, "%-d %b %Y %H:%M"),
}


class Stencil:
    """A row macro rendered once per shape with stand-ins for its values, which each row then
    fills in: Jinja escaping every value of fifty rows, each through Markup, was most of a list
    page's time (bench/results.md, "Why the outside figures differed"). The macro stays the one
    source of the row's HTML and of which values it escapes. `choices` pick the macro's branches
    and are rendered as given; a `values` entry is a stand-in when it is true, else given as it
    is, so that `{% if details %}` takes the same branch for the stand-in as for the value. Line
    breaks and the indentation after them are the template's layout, not the page's."""

    MARK = "\x00"

    def __init__(self, template: str, macro: str) -> None:
        self.template, self.macro = template, macro
        # Per shape: the row's pieces, None where a value goes, and for each value (its name,
        # whether the macro escapes it, the indexes of its pieces).
        self.shapes: dict[tuple, tuple[list[str | None], list[tuple[str, bool, list[int]]]]] = {}

    def __call__(self, choices: dict[str, Any], values: dict[str, Any]) -> str:
        key = (*choices.values(), *map(bool, values.values()))
        shape = self.shapes.get(key)
        if shape is None:
            shape = self.shapes[key] = self.shape(choices, values)
        pieces, slots = shape
        html = pieces.copy()
        for name, escaped, indexes in slots:
            value = values[name]
            text = escape(value) if escaped and type(value) is str else str(value)
            for index in indexes:
                html[index] = text
        return "".join(html)

    def shape(self, choices: dict[str, Any], values: dict[str, Any]) -> tuple[list, list[tuple[str, bool, list[int]]]]:
        # The "<" tells whether the macro escaped the value (it comes back as "&lt;") or not.
        stand_ins = {name: f"{self.MARK}{name}<{self.MARK}" if value else value for name, value in values.items()}
        macro = getattr(templates.env.get_template(self.template).module, self.macro)
        html = "".join(line.lstrip() for line in str(macro(**choices, **stand_ins)).splitlines())
        pieces: list[str | None] = html.split(self.MARK)
        slots: dict[tuple[str, bool], list[int]] = {}
        for index in range(1, len(pieces), 2):
            stand_in = pieces[index]
            escaped = stand_in.endswith("&lt;")
            slots.setdefault((stand_in.removesuffix("&lt;").removesuffix("<"), escaped), []).append(index)
            pieces[index] = None
        return pieces, [(name, escaped, indexes) for (name, escaped), indexes in slots.items()]


@functools.cache
def drawn(template: str, macro: str, *choices: Any) -> Markup:
    """A macro's output for `choices`, drawn once a process: what depends on nothing but a few
    choices from a known set, such as a select's options and which is selected."""
    return getattr(templates.env.get_template(template).module, macro)(*choices)


WATCHLIST_ROW = Stencil("partials/movie_rows.html", "row")
WATCHED_ROW = Stencil("partials/watched_rows.html", "row")
LIST_ENTRY_ROW = Stencil("partials/list_entry.html", "row")


def place_before(places: dict[int, int | None] | None, movie_id: int) -> str:
    """The id of the row a row coming onto the page goes before (web/list_pages.rows_in_place)."""
    return f"movie-{places[movie_id]}" if places and places[movie_id] else ""


def watchlist_rows(
    movies: Sequence[ListedMovie],
    csrf: str,
    has_catalog: bool,
    places: dict[int, int | None] | None,
    on_lists: dict[int, str] | None,
    on_friends: dict[int, str] | None = None,
) -> Markup:
    """partials/movie_rows.html's rows; `places`, when rows come onto the page out-of-band;
    `on_lists`, the names of the person's own lists holding each film, where it has some;
    `on_friends`, what the people they follow made of each (friends/activity.py)."""
    choices, csrf = {"has_catalog": has_catalog, "placed": places is not None}, escape(csrf)
    return Markup(
        "\n".join(
            WATCHLIST_ROW(
                choices,
                {
                    "id": movie.id,
                    "title": movie.title,
                    "film_id": movie.film_id,
                    "details": movie.details,
                    "csrf": csrf,
                    "place_before": place_before(places, movie.id),
                    "lists": (on_lists or {}).get(movie.id, ""),
                    "friends": (on_friends or {}).get(movie.id, ""),
                },
            )
            for movie in movies
        )
    )


def watched_rows(
    movies: Sequence[ListedMovie],
    csrf: str,
    places: dict[int, int | None] | None,
    on_lists: dict[int, str] | None,
    on_friends: dict[int, str] | None = None,
) -> Markup:
    """partials/watched_rows.html's rows, as watchlist_rows."""
    # strftime took longer than the rest of a row: each day is written once a page.
    days = {day: templates.env.filters["day"](day) for day in {movie.last_watched for movie in movies} if day}
    csrf = escape(csrf)
    return Markup(
        "\n".join(
            WATCHED_ROW(
                {
                    "placed": places is not None,
                    "rating": movie.rating,
                    "many_times": movie.times > 1,
                    "liked": movie.liked_at is not None,
                },
                {
                    "id": movie.id,
                    "title": movie.title,
                    "film_id": movie.film_id,
                    "details": movie.details,
                    "csrf": csrf,
                    "watched_on": days.get(movie.last_watched),
                    "times": movie.times,
                    "place_before": place_before(places, movie.id),
                    "lists": (on_lists or {}).get(movie.id, ""),
                    "friends": (on_friends or {}).get(movie.id, ""),
                },
            )
            for movie in movies
        )
    )


def list_entry_rows(entries: Sequence[ListEntry], first: int, own: OwnList, in_order: bool, csrf: str) -> Markup:
    """partials/list_entry.html's rows: the films of a list of one's own, from place `first`."""
    csrf = escape(csrf)
    return Markup(
        "\n".join(
            LIST_ENTRY_ROW(
                {
                    "numbered": own.ranked and in_order,
                    "in_order": in_order,
                    "first": place == 1,
                    "last": place == own.films,
                    "watched": entry.watched,
                    "rating": entry.rating,
                },
                {
                    "id": entry.id,
                    "title": entry.title,
                    "year": entry.year,
                    "film_id": entry.film_id,
                    "movie_id": entry.movie_id,
                    "note": entry.note,
                    "place": place,
                    "list_id": own.id,
                    "films": own.films,
                    "csrf": csrf,
                    "note_max": NOTE_MAX,
                },
            )
            for place, entry in enumerate(entries, start=first)
        )
    )


def register_template_helpers(filters: dict[str, Any], **names: Any) -> None:
    """What every template may use: the filters above and `filters`, the flash messages, the
    lists' rows, and `names` (create_app's: the add form's limit, the lists' default order)."""
    templates.env.filters.update(FILTERS, **filters)
    templates.env.globals.update(
        pop_flashes=pop_flashes,
        drawn=drawn,
        watchlist_rows=watchlist_rows,
        watched_rows=watched_rows,
        list_entry_rows=list_entry_rows,
        **names,
    )


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def wants_fragment(request: Request) -> bool:
    """htmx asking for a piece of a page ("Show more", another pick), not a boosted navigation."""
    return is_htmx(request) and not request.headers.get("hx-boosted")


def csrf_token(request: Request) -> str:
    """The session's token for forms, made on first use; middleware/csrf.py checks it."""
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def template_context(request: Request, context: dict[str, Any] | None, public: bool = False) -> dict[str, Any]:
    """What every template sees. The CSRF token is read once here, not by each of a page's
    hundreds of forms (what that cost: bench/results.md, "Where the time went"). A `public` page (a
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
    the navigation's counts after a change. Made from a film's page, the change sends back
    that page's own part instead, whatever list fragments it would send elsewhere."""
    if is_htmx(request):
        if getattr(request.state, "user", None):
            if (state := await state_of_open_page(request)) is not None:
                names, context = ["partials/film_state.html"], {**state, "oob": True}
            if status < 400:
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


JSON_ERRORS_UNDER = "/api/"  # the JSON API answers every error in JSON, its own or not
TEXT_ERRORS_UNDER = "/webhooks/"  # a media server's log shows the answer to its call: one line of text


def error_response(request: Request, status: int, message: str) -> Response:
    """An error as a page in the app's layout, or for HTMX as the flash banner alone,
    leaving the part of the page the request aimed at untouched; for the JSON API (a body
    too large, a fault) as its own errors are, `{"error": message}`; for a webhook, as text."""
    if request.url.path.startswith(JSON_ERRORS_UNDER):
        return JSONResponse({"error": message}, status_code=status)
    if request.url.path.startswith(TEXT_ERRORS_UNDER):
        return PlainTextResponse(message, status_code=status)
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
