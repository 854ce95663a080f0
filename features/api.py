"""The JSON API under /api/v1/: each operation of api/document.py's OPERATIONS made a route,
every one behind the bearer token (a session cookie counts for nothing here, so there is
no CSRF to ride); its OpenAPI document at /api/openapi.json and that document as a page at
/api/docs. Every error under /api/ is JSON, `{"error": "…"}`."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from ..api import bodies, films, items
from ..api.document import CALLS_PER_MINUTE, DOCUMENT, OPERATIONS, PAGE_DEFAULT, PAGE_MAX, SCHEMAS
from ..diary.viewings import HAS_BEEN_WATCHED, LOG_AS_TOLD, LOG_CROSSED_OFF, MARK_WATCHED
from ..history.plan import Film
from ..lists.changes import delete_movies, logged_today
from ..lists.entries import ENTRY, Entry, entry_of
from ..security import account_tokens
from ..security.address_limits import Window, reserve
from ..security.origin import site_origin
from ..security.throttle import Limit
from ..tables import now
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.errors import MESSAGES
from ..web.rendering import page
from ..whole_numbers import whole_number

CALLS = Window(Limit("api", 0), 60)
NO_TOKEN = "This needs an API token (make one on your account page), sent as Authorization: Bearer <token>."
BAD_TOKEN = "That API token is not valid: it was revoked, or never made."
REALM = 'Bearer realm="FlickList"'
LIST_NAMES = {False: "watchlist", True: "Watched list"}


class Refusal(Exception):
    """An answer other than the one asked for: its status, message and headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.headers, self.extra = status, message, headers, extra


def error(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status, headers)


async def refused(request: Request, refusal: Refusal) -> Response:
    return error(refusal.status, refusal.message, refusal.headers, **refusal.extra)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own refusals under /api/ (no such path: 404; no such method: 405) as JSON."""
    message = MESSAGES.get(exc.status_code, exc.detail) if exc.status_code != 404 else "There is no such API path."
    return error(exc.status_code, message, exc.headers)


async def value_not_stored(request: Request, exc: DataError) -> Response:
    return error(422, "That value could not be saved. Please shorten or simplify it.")


Handler = Callable[[Request, int], Awaitable[Response]]


def with_token(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The route for `handler`, which is called with the id of the account whose API token the
    request carries; no token, or one not valid, is a 401, and more than CALLS_PER_MINUTE
    requests a minute with one token a 429."""

    async def endpoint(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Refusal(401, NO_TOKEN, {"WWW-Authenticate": REALM})
        db = request.app.state.db
        held = await account_tokens.holder(db, account_tokens.API, token)
        if held is None:
            raise Refusal(401, BAD_TOKEN, {"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
        if wait := await reserve(db, CALLS, str(held.token_id), CALLS_PER_MINUTE):
            message = f"More than {CALLS_PER_MINUTE:,} requests a minute with this token: try again in {wait} s."
            raise Refusal(429, message, {"Retry-After": str(wait)})
        return await handler(request, held.user_id)

    return endpoint


def page_asked(request: Request) -> tuple[int, str]:
    typed = request.query_params.get("limit", "")
    limit = whole_number(typed, 1, PAGE_MAX) if typed else PAGE_DEFAULT
    if limit is None:
        raise Refusal(400, f"`limit` is a whole number from 1 to {PAGE_MAX}.")
    return limit, request.query_params.get("after", "")


async def a_page(read: Callable[..., Awaitable[items.Page]], *values: Any) -> Response:
    try:
        found = await read(*values)
    except items.BrokenCursor as broken:
        raise Refusal(400, str(broken)) from None
    return Response(found.json(), media_type="application/json")


async def list_watchlist(request: Request, user_id: int) -> Response:
    return await a_page(items.list_page, request.app.state.db, user_id, False, *page_asked(request))


async def list_watched(request: Request, user_id: int) -> Response:
    return await a_page(items.list_page, request.app.state.db, user_id, True, *page_asked(request))


async def list_diary(request: Request, user_id: int) -> Response:
    return await a_page(items.diary_page, request.app.state.db, user_id, *page_asked(request))


async def asked_in(request: Request, schema: str, reader: Callable[[dict[str, Any]], Any]) -> Any:
    """What the request's JSON object asks, read by `reader` (the body's size is bounded already,
    by middleware/request_limits.py)."""
    try:
        return reader(bodies.json_object(await request.body(), schema))
    except bodies.NotJson as not_json:
        raise Refusal(400, str(not_json)) from None
    except bodies.Refused as refusal:
        raise Refusal(422, str(refusal), fields=refusal.fields) from None


async def film_of(request: Request, asked: films.FilmAsked) -> Film:
    try:
        return await films.film_of(request.app.state.db, asked)
    except films.NotFound as not_found:
        raise Refusal(422, str(not_found), fields={"imdb_id": str(not_found)}) from None


async def on_lists(request: Request, user_id: int, film: Film) -> films.Listed:
    state = request.app.state
    try:
        return await films.find_or_add(state.db, user_id, film, state.settings.max_films_per_user)
    except films.ListsFull as full:
        raise Refusal(403, str(full)) from None
    except IntegrityError:
        raise Refusal(409, f"'{film.title}' was added by another request just now.") from None


def already_there(film: films.Listed) -> Refusal:
    return Refusal(409, f"'{film.title}' is already on your {LIST_NAMES[film.watched]}.", movie_id=film.movie_id)


async def add_to_watchlist(request: Request, user_id: int) -> Response:
    film = await film_of(request, await asked_in(request, "FilmNamed", bodies.film_asked))
    listed = await on_lists(request, user_id, film)
    if not listed.new:
        raise already_there(listed)
    return await added(request, listed.movie_id, watched=False)


async def add_to_watched(request: Request, user_id: int) -> Response:
    """Onto the Watched list with a diary entry today, as "I watched it!" does."""
    film = await film_of(request, await asked_in(request, "FilmNamed", bodies.film_asked))
    listed = await on_lists(request, user_id, film)
    if listed.watched:
        raise already_there(listed)
    logged = {"movie_id": listed.movie_id, "user_id": user_id, **logged_today()}
    await request.app.state.db.write_together((LOG_CROSSED_OFF, logged), (MARK_WATCHED, logged))
    return await added(request, listed.movie_id, watched=True)


async def added(request: Request, movie_id: int, watched: bool) -> Response:
    return JSONResponse(await items.listed_item(request.app.state.db, movie_id, watched), 201)


def deleting(watched: bool) -> Handler:
    async def delete(request: Request, user_id: int) -> Response:
        """The film and its diary entries, when it is on that list of the person's."""
        ids = {"movie_id": request.path_params["id"], "user_id": user_id}
        async with request.app.state.db.transaction() as connection:
            entry = (await connection.execute(ENTRY, ids)).first()
            if entry is None or bool(Entry(*entry).watched) != watched:
                raise Refusal(404, f"No film of yours has that id on your {LIST_NAMES[watched]}.")
            await delete_movies(connection, user_id, [ids["movie_id"]])
        return Response(status_code=204)

    return delete


async def log_viewing(request: Request, user_id: int) -> Response:
    """As the diary's form logs: the viewing, and the film onto the Watched list."""
    asked = await asked_in(request, "NewDiaryEntry", bodies.viewing_asked)
    db = request.app.state.db
    if asked.film is not None:
        movie_id = (await on_lists(request, user_id, await film_of(request, asked.film))).movie_id
    elif await entry_of(db, user_id, asked.movie_id) is None:
        raise Refusal(404, "No film of yours has that movie_id.")
    else:
        movie_id = asked.movie_id
    viewing = asked.viewing._asdict()
    if not asked.rewatch_given:
        viewing["rewatch"] = bool((await db.fetch_all(HAS_BEEN_WATCHED, movie_id=movie_id))[0][0])
    logged = {"movie_id": movie_id, "user_id": user_id, "now": now(), **viewing}
    (viewing_id,), _ = await db.write_together((LOG_AS_TOLD, logged), (MARK_WATCHED, logged))
    return JSONResponse(await items.diary_item(db, user_id, viewing_id), 201)


HANDLERS: dict[str, Handler] = {
    "listWatchlist": list_watchlist,
    "addToWatchlist": add_to_watchlist,
    "deleteFromWatchlist": deleting(watched=False),
    "listWatched": list_watched,
    "addToWatched": add_to_watched,
    "deleteFromWatched": deleting(watched=True),
    "listDiary": list_diary,
    "logViewing": log_viewing,
}
DOCUMENT_JSON = json.dumps(DOCUMENT, ensure_ascii=False).encode()


async def openapi_document(request: Request) -> Response:
    return Response(DOCUMENT_JSON, media_type="application/json")


async def docs_page(request: Request) -> Response:
    """The document as a page: every path, method, parameter, body and answer, then the schemas."""
    context = {"document": DOCUMENT, "schemas": SCHEMAS, "origin": site_origin(request)}
    return page(request, "templates/api_docs.html", context, public=True)


def route(path: str) -> Route:
    """The route of one path of the document, for each of its methods the operation's handler
    (one route a path, so that a method it lacks is a 405 that names every one it has)."""
    handlers = {op.method.upper(): with_token(HANDLERS[op.operation_id]) for op in OPERATIONS if op.path == path}

    async def endpoint(request: Request) -> Response:
        return await handlers["GET" if request.method == "HEAD" else request.method](request)

    # Under the /api mount; ids in a path are row ids.
    return Route(path.removeprefix("/api").replace("{id}", "{id:row_id}"), endpoint, methods=list(handlers))


routes = [
    Mount(
        "/api",
        routes=[
            *(route(path) for path in dict.fromkeys(op.path for op in OPERATIONS)),
            Route("/openapi.json", openapi_document),
            Route("/docs", docs_page),
        ],
        middleware=[
            Middleware(
                ExceptionMiddleware,
                handlers={Refusal: refused, HTTPException: http_error, DataError: value_not_stored},
            )
        ],
    )
]
