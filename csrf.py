"""CSRF protection: a token bound to the session on every unsafe request, plus a refusal of
requests the browser says come from another site (the logic of Go's CrossOriginProtection)."""

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from body_limit import Refuse, replay

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def is_cross_origin(headers: Headers, scheme: str) -> bool:
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        # Neither header: not a browser, or one too old to send them; the token still applies.
        return False
    parts = urlsplit(origin)
    return origin == "null" or (parts.scheme, parts.netloc) != (scheme, headers.get("host"))


class CSRFProtection:
    def __init__(self, app: ASGIApp, refuse: Refuse) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if is_cross_origin(request.headers, scope["scheme"]):
            await self.refuse(request, 403, "Cross-site form posts are refused.")(scope, receive, send)
            return
        body = await request.body()
        sent = request.headers.get("x-csrf-token")
        if sent is None:
            try:
                sent = (await request.form()).get("csrf_token")
            except HTTPException:
                await self.refuse(request, 400, "That form could not be read.")(scope, receive, send)
                return
        expected = request.session.get("csrf")
        if not (isinstance(sent, str) and expected and hmac.compare_digest(sent.encode(), expected.encode())):
            message = "This form has expired or did not come from FlickList. Reload the page and try again."
            await self.refuse(request, 403, message)(scope, receive, send)
            return
        await self.app(scope, replay(body), send)
