"""Error pages: every HTTP error and any unexpected exception answered in the app's own
layout (or as a banner for HTMX), never with internals."""

from http import HTTPStatus

from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from .rendering import error_response

MESSAGES = {
    400: "That request could not be understood.",
    403: "You are not allowed to do that.",
    404: "That page does not exist.",
    405: "That page cannot be used that way.",
    413: "That form is too large to accept.",
    422: "That form could not be accepted.",
    429: "Too many attempts. Please wait a moment and try again.",
    431: "That request's headers are too large.",
    500: "Something went wrong on our side. Please try again.",
}
NOT_SAVED = "The database is not available right now; your change was not saved. Try again in a moment."
NOT_READ = "The database is not available right now. Try again in a moment."
RETRY_AFTER_SECONDS = 10


def not_found(request: Request) -> Response:
    """What a page that exists only for admins answers anyone else: as if it did not exist."""
    return error_response(request, 404, MESSAGES[404])


WAIT_UNITS = (("hour", 3600), ("minute", 60))


def spoken_wait(seconds: int) -> str:
    """A wait as a person says it, in its largest unit, rounded up: "8 seconds", "5 minutes"."""
    unit, size = next(((unit, size) for unit, size in WAIT_UNITS if seconds >= size), ("second", 1))
    count = -(-seconds // size)
    return f"{count} {unit}{'s' if count != 1 else ''}"


def too_many_attempts(request: Request, wait: int, what: str = "Too many attempts") -> Response:
    response = error_response(request, 429, f"{what}, try again in {spoken_wait(wait)}.")
    response.headers["Retry-After"] = str(wait)
    return response


async def http_error(request: Request, exc: HTTPException) -> Response:
    message = exc.detail
    if message == HTTPStatus(exc.status_code).phrase:
        message = MESSAGES.get(exc.status_code, message)
    response = error_response(request, exc.status_code, message)
    response.headers.update(exc.headers or {})
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    # Starlette re-raises the exception after this response, so the server logs the traceback
    # and drops the connection: the browser is told, so that it opens a new one for its next request.
    response = error_response(request, 500, MESSAGES[500])
    response.headers["Connection"] = "close"
    return response


def database_unavailable(request: Request, exc: Exception) -> Response:
    """A database that cannot take the work just now (middleware/database_faults.py decides):
    whatever the request asked to change was not, and the person is told to try again soon."""
    message = NOT_READ if request.method in ("GET", "HEAD") else NOT_SAVED
    response = error_response(request, 503, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def value_not_stored(request: Request, exc: DataError) -> Response:
    """The database refused a value the checks let through: the change is rolled back, and the
    person told, never shown a 500 (values are validated first; this is the net under them)."""
    return error_response(request, 422, "That value could not be saved. Please shorten or simplify it.")


exception_handlers = {HTTPException: http_error, DataError: value_not_stored, Exception: server_error}
