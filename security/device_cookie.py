"""Device cookies (OWASP's scheme against account lock-out): a browser that has logged in to
an account gets a signed cookie naming that account and a random nonce, and its later
password attempts on that account are throttled on their own, apart from everyone else's."""

import secrets

from itsdangerous import BadSignature
from starlette.requests import Request
from starlette.responses import Response

from .signing import serializer

COOKIE = "flicklist_device"
LIFETIME = 365 * 24 * 3600
ACCOUNTS_KEPT = 5  # the accounts one browser is known for; the oldest is dropped first


def known_devices(request: Request) -> dict[str, str]:
    """{user id: nonce} for each account this browser has logged in to, if its cookie is genuine."""
    try:
        devices = serializer(request, "device-cookie").loads(request.cookies.get(COOKIE, ""), max_age=LIFETIME)
    except BadSignature:
        return {}
    return devices if isinstance(devices, dict) else {}


def device_nonce(request: Request, user_id: int | None) -> str | None:
    nonce = known_devices(request).get(str(user_id)) if user_id is not None else None
    return nonce if isinstance(nonce, str) else None


def remember_device(request: Request, response: Response, user_id: int) -> None:
    """After a successful login: this browser is now known for `user_id` (a fresh nonce each time)."""
    devices = {key: value for key, value in known_devices(request).items() if key != str(user_id)}
    devices = dict(list(devices.items())[-(ACCOUNTS_KEPT - 1) :])
    devices[str(user_id)] = secrets.token_urlsafe(16)
    response.set_cookie(
        COOKIE,
        serializer(request, "device-cookie").dumps(devices),
        max_age=LIFETIME,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
