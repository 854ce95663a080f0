"""The second step of logging in (a passkey, an authenticator code or a recovery code, after
the password), and signing in with a passkey alone."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import PENDING_LOGIN, complete_login
from ..security import events, passkeys, recovery_codes, throttle, totp
from ..security.passkeys import PasskeyRefused
from ..tables import now
from ..web.client import client_address
from ..web.errors import too_many_attempts
from ..web.flash import flash
from ..web.forms import form_fields, refuse_form
from ..web.redirects import safe_next
from ..web.rendering import error_response, go_to, page

PENDING_SECONDS = 5 * 60
WRONG_CODE = "That code is not right, or was used already. Codes change every 30 seconds."


def pending_user(request: Request) -> int | None:
    """The account whose password this browser gave in the last few minutes, if any."""
    pending = request.session.get(PENDING_LOGIN)
    if not isinstance(pending, dict) or now() - pending.get("since", 0) > PENDING_SECONDS:
        return None
    return pending.get("user")


def pending_next(request: Request) -> str:
    return safe_next(request.session.get(PENDING_LOGIN, {}).get("next"))


def pending_how(request: Request) -> str:
    """The first factor given ("password", or single sign-on's)."""
    return str(request.session.get(PENDING_LOGIN, {}).get("how", "password"))


def start_over(request: Request) -> Response:
    request.session.pop(PENDING_LOGIN, None)
    flash(request, "That took too long. Please log in again.", "error")
    return go_to(request, "/login")


async def verify_page(request: Request) -> Response:
    user_id = pending_user(request)
    if user_id is None:
        return start_over(request)
    db = request.app.state.db
    context = {
        "has_passkeys": bool(await passkeys.of_user(db, user_id)),
        "has_totp": await totp.is_enabled(db, user_id),
    }
    return page(request, "templates/verify_login.html", context)


async def verify_code(request: Request) -> Response:
    """An authenticator code, or else a recovery code, throttled like a password."""
    user_id = pending_user(request)
    if user_id is None:
        return start_over(request)
    code = (await form_fields(request, "code"))["code"]
    db = request.app.state.db
    limits = throttle.login_limits(f"second-factor:{user_id}", client_address(request))
    if wait := await throttle.reserve(db, limits):
        await events.record(db, request, user_id, events.LOGIN_THROTTLED, "second factor")
        return too_many_attempts(request, wait)
    if await totp.accept_code(db, user_id, code):
        await throttle.succeeded(db, limits)
        return await complete_login(
            request, user_id, f"{pending_how(request)} and authenticator app", pending_next(request)
        )
    if await recovery_codes.use_code(db, user_id, code):
        await throttle.succeeded(db, limits)
        left = await recovery_codes.unused(db, user_id)
        await events.record(db, request, user_id, events.RECOVERY_CODE_USED, f"{left} left")
        response = await complete_login(
            request, user_id, f"{pending_how(request)} and recovery code", pending_next(request)
        )
        flash(request, f"You used a recovery code; {left} left. Your account page makes new ones.", "info")
        return response
    await events.record(db, request, user_id, events.LOGIN_FAILED, "second factor")
    return await refuse_form(request, "/login/verify", "partials/code_form.html", {}, {"code": WRONG_CODE})


async def passkey_options(request: Request) -> Response:
    """Options for the browser's passkey prompt: the pending account's passkeys after a
    password, or any of this site's passkeys the device holds (passkey sign-in)."""
    options = await passkeys.authentication_options(request, pending_user(request))
    return Response(options, media_type="application/json")


async def passkey_sign_in(request: Request) -> Response:
    fields = await form_fields(request, "credential", "next")
    pending = pending_user(request)
    if pending is None and request.app.state.settings.oidc_only:
        return error_response(request, 403, f"Sign in with {request.app.state.settings.oidc_name}.")
    back_to = "/login/verify" if pending is not None else "/login"
    try:
        user_id, name = await passkeys.signed_in_user(request, fields["credential"])
    except PasskeyRefused as refusal:
        flash(request, str(refusal), "error")
        return go_to(request, back_to)
    next_url = pending_next(request) if pending is not None else fields["next"]
    how = f"{pending_how(request)} and passkey “{name}”" if pending is not None else f"passkey “{name}”"
    return await complete_login(request, user_id, how, next_url)


routes = [
    Route("/login/verify", verify_page),
    Route("/login/verify", verify_code, methods=["POST"]),
    Route("/login/passkey/options", passkey_options, methods=["POST"]),
    Route("/login/passkey", passkey_sign_in, methods=["POST"]),
]
