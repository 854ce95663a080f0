"""Security headers on every response: a strict Content-Security-Policy (no inline script or
style, no framing), nosniff, a referrer policy, no caching of pages, and over HTTPS (said by
the configuration, or by a trusted proxy's X-Forwarded-Proto) HSTS and Secure on every cookie.
It wraps the whole app, error handling included (see app.py), so a 500 carries them too."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(form_targets: str = "") -> str:
    """`form_targets`: origins besides this one that a form may lead to (through a redirect,
    which form-action covers too): the single sign-on provider's."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        f"form-action 'self'{' ' + form_targets if form_targets else ''}; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, https: bool, form_targets: str = "") -> None:
        self.app = app
        self.https = https
        self.content_security_policy = content_security_policy(form_targets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.content_security_policy
                headers["X-Content-Type-Options"] = "nosniff"
                headers.setdefault("Referrer-Policy", "same-origin")  # a shared list's is no-referrer
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if self.https or scope["scheme"] == "https":
                    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
                    message["headers"] = [secure_cookie(name, value) for name, value in message["headers"]]
                if not is_static:
                    # Pages hold a user's list: never kept where Back or a shared cache could show it later.
                    # Only a route that says otherwise is kept (the posters, "private").
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def secure_cookie(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    if name.lower() == b"set-cookie" and b"; secure" not in value.lower():
        return name, value + b"; Secure"
    return name, value
