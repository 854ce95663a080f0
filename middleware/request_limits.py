"""Request size limits. A request head (request line and headers) past its cap gets a 431
page: the server (`flicklist serve`) stops heads that never end; this refuses the ones that
arrive whole. Request bodies are read whole, up to a cap, before anything else sees them:
FlickList only takes small forms, and a body over the cap gets a 413 page instead of a
half-read request."""

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..whole_numbers import BIG_INTEGER_MAX, whole_number

# Renders a refusal (request, status, message) in the app's style; the app passes its own.
Refuse = Callable[[Request, int, str], Response]

TOO_LARGE = "That form is too large to accept."


def replay(body: bytes) -> Receive:
    """A receive callable that hands over an already-read body."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def head_size(scope: Scope) -> int:
    line = len(scope["method"]) + len(scope.get("raw_path") or b"") + len(scope.get("query_string", b"")) + 12
    return line + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


class RequestLimits:
    """`uploads` names the paths that take a file, each with its own cap and the message for a
    file over it (a name ending in "/": every path under it); every other path takes `max_bytes`."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_header_bytes: int,
        refuse: Refuse,
        uploads: dict[str, tuple[int, str]] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_header_bytes = max_header_bytes
        self.refuse = refuse
        self.uploads = uploads or {}

    def cap(self, path: str) -> tuple[int, str]:
        for name, cap in self.uploads.items():
            if path == name or (name.endswith("/") and path.startswith(name)):
                return cap
        return self.max_bytes, TOO_LARGE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if head_size(scope) > self.max_header_bytes:
            message = "That request's headers are too large. Clearing this site's cookies may help."
            await self.refuse(Request(scope, receive), 431, message)(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        declared = whole_number(request.headers.get("content-length", "0"), 0, BIG_INTEGER_MAX)
        if declared is None:
            await self.refuse(request, 400, "The request's Content-Length is not a number.")(scope, receive, send)
            return
        max_bytes, too_large = self.cap(scope["path"])
        if declared > max_bytes:
            await self.refuse(request, 413, too_large)(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                await self.refuse(request, 413, too_large)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replay(b"".join(chunks)), send)
