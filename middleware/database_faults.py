"""A fault of the database's moment (busy past its timeout, a full disk, a lost connection, a
server that is down), met anywhere in the app, the login wall's session lookup included,
answered as a 503 that asks to try again soon, and logged as one line rather than a traceback
per request."""

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..db import unavailable_because
from ..web.errors import database_unavailable

logger = logging.getLogger(__name__)


class DatabaseFaults:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception as error:
            cause = unavailable_because(error)
            if cause is None or started:
                raise
            first_line = str(cause).strip().split("\n", 1)[0]
            logger.warning(
                "%s %s answered 503, the database unavailable: %s: %s",
                scope["method"],
                scope["path"],
                type(cause).__name__,
                first_line,
            )
            await database_unavailable(Request(scope), error)(scope, receive, send)
