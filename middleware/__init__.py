"""Pure ASGI middleware, outermost first as `app.py` stacks it: security headers (around the
error handling too), database faults, the encrypted session, request limits, the login wall,
admin only, CSRF protection. A refusal is answered through the callable the app gives each
(`refuse`, the wall's `turn_away`), so it looks like every other page."""
