"""Pure ASGI middleware, outermost first in `app.py`: security headers, (sessions,) the body
limit, CSRF protection, and the login wall. Each answers a refusal through the `refuse`
callable the app gives it, so the refusal looks like every other page."""
