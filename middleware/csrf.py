"""CSRF protection: a token bound to the session on every unsafe request, plus a refusal of
requests the browser says come from another site (the logic of Go's CrossOriginProtection).
Paths under `open_prefixes` carry their own credential (a bearer token, a token in the path)
and never act on the session cookie, so there is nothing for another site to ride on."""

import hmac

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from .request_limits import Refuse, replay

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_cross_origin(headers: Headers, own_origin: str) -> bool:
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        # Neither header: not a browser, or one too old to send them; the token still applies.
        return False
    return origin != own_origin


class CSRFProtection:
    def __init__(
        self, app: ASGIApp, refuse: Refuse, public_origin: str = "", open_prefixes: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.refuse = refuse
        self.open_prefixes = open_prefixes
        # Behind a proxy the Host the app sees may not be the one the browser used; then the
        # configured public origin is the one to compare against.
        self.public_origin = public_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS or scope["path"].startswith(self.open_prefixes):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        own_origin = self.public_origin or f"{scope['scheme']}://{request.headers.get('host', '')}"
        if is_cross_origin(request.headers, own_origin):
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
