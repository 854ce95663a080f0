"""The login wall: one mechanism in one place. Which paths are open, who the user is and how
a visitor is turned away are the app's to say (`auth.py`); this is the plumbing."""

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

LoadUser = Callable[[Request], Awaitable[Any | None]]


class LoginWall:
    """Requests under `open_prefixes` pass untouched. Every other request gets its user, from
    `load_user` (None: nobody logged in), in request.state.user; a visitor reaches only
    `open_paths` and is otherwise answered by `turn_away`; and `confine` may answer instead
    of the page for a user not yet allowed everywhere (None: go ahead)."""

    def __init__(
        self,
        app: ASGIApp,
        load_user: LoadUser,
        turn_away: Callable[[Request], Response],
        confine: Callable[[Request, Any], Response | None],
        open_paths: tuple[str, ...],
        open_prefixes: tuple[str, ...],
    ) -> None:
        self.app = app
        self.load_user = load_user
        self.turn_away = turn_away
        self.confine = confine
        self.open_paths = open_paths
        self.open_prefixes = open_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.open_prefixes):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        user = await self.load_user(request)
        scope.setdefault("state", {})["user"] = user
        if user is None and scope["path"] not in self.open_paths:
            await self.turn_away(request)(scope, receive, send)
            return
        if (answer := self.confine(request, user)) is not None:
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)
