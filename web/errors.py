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


async def http_error(request: Request, exc: HTTPException) -> Response:
    message = exc.detail
    if message == HTTPStatus(exc.status_code).phrase:
        message = MESSAGES.get(exc.status_code, message)
    response = error_response(request, exc.status_code, message)
    response.headers.update(exc.headers or {})
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    # Starlette re-raises the exception after this response, so the server logs the traceback.
    return error_response(request, 500, MESSAGES[500])


async def value_not_stored(request: Request, exc: DataError) -> Response:
    """The database refused a value the checks let through: the change is rolled back, and the
    person told, never shown a 500 (values are validated first; this is the net under them)."""
    return error_response(request, 422, "That value could not be saved. Please shorten or simplify it.")


exception_handlers = {HTTPException: http_error, DataError: value_not_stored, Exception: server_error}
