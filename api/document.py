"""The API's OpenAPI 3.1 document, written as data: each operation once in OPERATIONS, from
which features/api.py makes its routes and /api/docs its page, so the document cannot miss
a route nor name one that is not there."""

from dataclasses import dataclass
from typing import Any

from ..diary.viewings import REVIEW_MAX, TAG_MAX, TAGS_MAX
from ..history.readers import TITLE_MAX
from ..whole_numbers import INTEGER_MAX

API_PREFIX = "/api/v1"
PAGE_DEFAULT, PAGE_MAX = 50, 500
CALLS_PER_MINUTE = 1200  # per token; security/address_limits.py counts them


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


RATING = {
    "type": "integer",
    "minimum": 1,
    "maximum": 10,
    "description": "In half stars: 1 is ½ a star, 10 is five stars.",
}
MOMENT = {"type": "string", "format": "date-time", "description": "UTC, such as 2026-11-25T20:14:03Z."}
DAY = {"type": "string", "format": "date", "description": "Such as 2026-11-25."}
IMDB_ID = {"type": "string", "pattern": "^tt[0-9]+$", "maxLength": 16, "examples": ["tt0113277"]}
ROW_ID = {"type": "integer", "minimum": 1, "maximum": INTEGER_MAX}

LISTED = {
    "id": {**ROW_ID, "description": "The film's id on your lists (what DELETE takes)."},
    "title": {"type": "string"},
    "year": nullable({"type": "integer", "description": "The catalog film's year, else the year given."}),
    "imdb_id": nullable({**IMDB_ID, "description": "Null when the film is not linked to one."}),
    "added_at": MOMENT,
}
WATCHED = {
    **LISTED,
    "rating": nullable(RATING),
    "watched_at": nullable({**MOMENT, "description": "When it went onto the Watched list."}),
    "last_watched": nullable({**DAY, "description": "The day of its newest diary entry."}),
    "times_watched": {"type": "integer", "minimum": 0, "description": "Its diary entries."},
}
DIARY_ENTRY = {
    "id": {**ROW_ID, "description": "The diary entry's id."},
    "movie_id": {**ROW_ID, "description": "The film's id on your lists."},
    "title": {"type": "string"},
    "year": nullable({"type": "integer"}),
    "imdb_id": nullable(IMDB_ID),
    "date": {**DAY, "description": "The day it was watched."},
    "rating": nullable(RATING),
    "rewatch": {"type": "boolean"},
    "review": {"type": "string"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "logged_at": MOMENT,
}
FILM_NAMED = {
    "imdb_id": {**IMDB_ID, "description": "The film's IMDb id: the surest way to name it."},
    "title": {"type": "string", "maxLength": TITLE_MAX, "description": "Its title, when not named by IMDb id."},
    "year": {"type": "integer", "minimum": 1870, "maximum": 2100, "description": "Its year, with a title."},
}
NAMED_BY = [{"required": ["imdb_id"]}, {"required": ["title"]}]


def page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": ref(item)},
            "next": {
                "type": ["string", "null"],
                "description": "Pass it as `after` for the next page; null on the last page.",
            },
        },
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "What went wrong, as a person reads it."},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "For a refused body: the message for each field that is wrong.",
            },
            "movie_id": {**ROW_ID, "description": "For a film already on a list (409): its id there."},
        },
    },
    "ListedFilm": {"type": "object", "required": list(LISTED), "properties": LISTED},
    "WatchedFilm": {"type": "object", "required": list(WATCHED), "properties": WATCHED},
    "DiaryEntry": {"type": "object", "required": list(DIARY_ENTRY), "properties": DIARY_ENTRY},
    "WatchlistPage": page_of("ListedFilm"),
    "WatchedPage": page_of("WatchedFilm"),
    "DiaryPage": page_of("DiaryEntry"),
    "FilmNamed": {
        "type": "object",
        "description": "A film by IMDb id, or by title (and year). One the catalog does not hold is kept by "
        "title and year, as a typed one is.",
        "properties": FILM_NAMED,
        "additionalProperties": False,
        "anyOf": NAMED_BY,
    },
    "NewDiaryEntry": {
        "type": "object",
        "description": "A viewing of a film on your lists (`movie_id`) or of one named as FilmNamed names it, "
        "which goes onto your Watched list (off the watchlist).",
        "properties": {
            "movie_id": {**ROW_ID, "description": "A film on your lists, by its id."},
            **FILM_NAMED,
            "date": {**DAY, "description": "The day it was watched; today (UTC) when left out."},
            "rating": nullable(RATING),
            "rewatch": {"type": "boolean", "description": "Left out: whether you had watched it before."},
            "review": {"type": "string", "maxLength": REVIEW_MAX},
            "tags": {"type": "array", "maxItems": TAGS_MAX, "items": {"type": "string", "maxLength": TAG_MAX}},
        },
        "additionalProperties": False,
        "anyOf": [{"required": ["movie_id"]}, *NAMED_BY],
    },
}

LIMIT = {
    "name": "limit",
    "in": "query",
    "description": "How many items a page holds.",
    "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": PAGE_DEFAULT},
}
AFTER = {
    "name": "after",
    "in": "query",
    "description": "Where the page starts: the `next` of the page before. Left out: the first page.",
    "schema": {"type": "string"},
}
MOVIE_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "The film's id on your lists.",
    "schema": ROW_ID,
}


@dataclass(frozen=True)
class Operation:
    """One method on one path. `responses`: status -> (description, schema name or None)."""

    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    responses: dict[int, tuple[str, str | None]]
    parameters: tuple[dict[str, Any], ...] = ()
    body: str | None = None  # the request body's schema


NO_TOKEN = (401, ("No API token, or one that is not valid (revoked, or never made).", "Error"))
TOO_MANY = (429, (f"More than {CALLS_PER_MINUTE:,} requests a minute with this token; see Retry-After.", "Error"))
BAD_PAGE = (400, ("`limit` or `after` is not one this list gives.", "Error"))
BAD_BODY = (400, ("The body is not JSON.", "Error"))
TOO_LARGE = (413, ("The body is larger than this FlickList takes.", "Error"))
REFUSED = (422, ("The body is JSON but not what this takes: `fields` says what is wrong.", "Error"))
NOT_LISTED = (404, ("No film of yours has that id on this list.", "Error"))


def reading(path: str, operation_id: str, what: str, page: str, order: str) -> Operation:
    return Operation(
        "get",
        path,
        operation_id,
        f"Your {what}",
        f"A page of your {what}, {order}, and where the next page starts.",
        {200: (f"A page of your {what}.", page), **dict([BAD_PAGE, NO_TOKEN, TOO_MANY])},
        (LIMIT, AFTER),
    )


def adding(path: str, operation_id: str, to: str, item: str, there: str, note: str) -> Operation:
    return Operation(
        "post",
        path,
        operation_id,
        f"Add a film to {to}",
        f"Adds the film named by IMDb id, or by title and year. {note}",
        {
            201: ("The film, as it is now on the list.", item),
            409: (f"The film is on {there} already; `movie_id` is its id there.", "Error"),
            **dict([BAD_BODY, REFUSED, TOO_LARGE, NO_TOKEN, TOO_MANY]),
        },
        body="FilmNamed",
    )


def deleting(path: str, operation_id: str, of: str) -> Operation:
    return Operation(
        "delete",
        path,
        operation_id,
        f"Delete a film from {of}",
        "Deletes the film and its diary entries, as the list page's Delete does.",
        {204: ("Deleted.", None), **dict([NOT_LISTED, NO_TOKEN, TOO_MANY])},
        (MOVIE_ID,),
    )


OPERATIONS = (
    reading(f"{API_PREFIX}/watchlist", "listWatchlist", "watchlist", "WatchlistPage", "the latest added first"),
    adding(
        f"{API_PREFIX}/watchlist",
        "addToWatchlist",
        "your watchlist",
        "ListedFilm",
        "your watchlist or Watched list",
        "",
    ),
    deleting(f"{API_PREFIX}/watchlist/{{id}}", "deleteFromWatchlist", "your watchlist"),
    reading(f"{API_PREFIX}/watched", "listWatched", "Watched list", "WatchedPage", "the latest watched first"),
    adding(
        f"{API_PREFIX}/watched",
        "addToWatched",
        "your Watched list",
        "WatchedFilm",
        "your Watched list",
        "A film on the watchlist moves off it. A diary entry dated today (UTC) is logged, as the "
        "watchlist's “I watched it!” logs one.",
    ),
    deleting(f"{API_PREFIX}/watched/{{id}}", "deleteFromWatched", "your Watched list"),
    reading(f"{API_PREFIX}/diary", "listDiary", "diary", "DiaryPage", "newest first"),
    Operation(
        "post",
        f"{API_PREFIX}/diary",
        "logViewing",
        "Log a viewing in your diary",
        "A diary entry for a film on your lists, or for one named by IMDb id or title, which is added "
        "if it is not on them. The film goes onto the Watched list, rated as its newest rated entry is.",
        {
            201: ("The diary entry.", "DiaryEntry"),
            404: ("No film of yours has that `movie_id`.", "Error"),
            **dict([BAD_BODY, REFUSED, TOO_LARGE, NO_TOKEN, TOO_MANY]),
        },
        body="NewDiaryEntry",
    ),
)


def operation_object(operation: Operation) -> dict[str, Any]:
    described: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "description": operation.description,
        "responses": {
            str(status): {"description": description}
            | ({"content": {"application/json": {"schema": ref(schema)}}} if schema else {})
            for status, (description, schema) in operation.responses.items()
        },
    }
    if operation.parameters:
        described["parameters"] = list(operation.parameters)
    if operation.body:
        content = {"application/json": {"schema": ref(operation.body)}}
        described["requestBody"] = {"required": True, "content": content}
    return described


def paths(operations: tuple[Operation, ...]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for operation in operations:
        found.setdefault(operation.path, {})[operation.method] = operation_object(operation)
    return found


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "FlickList API",
        "version": "1",
        "description": "Your watchlist, Watched list and diary, for other programs. Make a token on your "
        "account page and send it with every request as `Authorization: Bearer <token>`. Requests and "
        'answers are JSON; an error is `{"error": "…"}` with a 4xx status.',
    },
    "security": [{"bearer": []}],
    "paths": paths(OPERATIONS),
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "An API token from your account page."}
        },
    },
}
