"""Admin pages hidden from everyone else: under `prefix`, a request whose user (set by the
login wall) is not an admin gets `refuse`'s answer, a 404 as for a page that does not exist."""

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send


class AdminOnly:
    def __init__(self, app: ASGIApp, prefix: str, refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.prefix = prefix
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == self.prefix or path.startswith(self.prefix + "/")):
            user = scope.get("state", {}).get("user")
            if not getattr(user, "is_admin", False):
                await self.refuse(Request(scope))(scope, receive, send)
                return
        await self.app(scope, receive, send)
