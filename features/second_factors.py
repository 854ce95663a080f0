"""Second factors on the account page: passkeys (add, name, remove), an authenticator app
(set up with a QR code, remove), and recovery codes (shown once, made anew on demand). Each
change rotates this browser's session, and removing anything needs the password again."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import WRONG_PASSWORD, current_password_matches, renew_session, rotate_session
from ..catalog.text import clean_text
from ..security import events, passkeys, recovery_codes, totp
from ..security.passkeys import NAME_MAX, PasskeyRefused
from ..security.second_factors import has_second_factor
from ..web import convertors  # noqa: F401 (registers {…:row_id} for the routes below)
from ..web.flash import flash
from ..web.forms import form_fields, refuse_form
from ..web.rendering import go_to, page

TOTP_SETUP = "totp_setup"  # the secret being set up, until a code from it is typed back


async def first_factor_added(request: Request, was_protected: bool, message: str) -> Response:
    """After a factor is added: the first one also makes the recovery codes, shown once."""
    db, user = request.app.state.db, request.state.user
    if was_protected:
        return await rotate_session(request, message)
    codes = await recovery_codes.replace_codes(db, user.id)
    await events.record(db, request, user.id, events.RECOVERY_CODES_MADE)
    await renew_session(request)
    flash(request, message, "success")
    return page(request, "templates/recovery_codes.html", {"codes": codes})


async def totp_setup_page(request: Request) -> Response:
    secret = request.session.get(TOTP_SETUP)
    if not isinstance(secret, str):
        secret = request.session[TOTP_SETUP] = totp.new_secret()
    uri = totp.setup_uri(secret, request.state.user.email)
    return page(request, "templates/totp_setup.html", {"secret": secret, "qr_code": totp.qr_code_svg(uri)})


async def confirm_totp(request: Request) -> Response:
    code = (await form_fields(request, "code"))["code"]
    secret = request.session.get(TOTP_SETUP)
    if not isinstance(secret, str):
        flash(request, "Scan the new code first.", "error")
        return go_to(request, "/account/totp")
    if totp.matching_step(secret, code) is None:
        error = "That code is not right. Type the 6 digits the app shows for FlickList now."
        return await refuse_form(request, "/account/totp", "partials/code_form.html", {}, {"code": error})
    db, user = request.app.state.db, request.state.user
    was_protected = await has_second_factor(db, user.id)
    await totp.enable(db, user.id, secret)
    await totp.accept_code(db, user.id, code)  # the code just shown cannot log in again
    await events.record(db, request, user.id, events.FACTOR_ADDED, "authenticator app")
    return await first_factor_added(request, was_protected, "Your authenticator app is set up.")


async def confirmed_by_password(request: Request) -> Response | None:
    """None when the `confirm` field holds the password; else the answer to send."""
    password = (await form_fields(request, "confirm"))["confirm"]
    checked = await current_password_matches(request, password)
    if isinstance(checked, Response):
        return checked
    if not checked:
        flash(request, WRONG_PASSWORD, "error")
        return go_to(request, "/account")
    return None


async def factor_removed(request: Request, what: str) -> Response:
    db, user = request.app.state.db, request.state.user
    await events.record(db, request, user.id, events.FACTOR_REMOVED, what)
    message = f"Removed {what}."
    if not await has_second_factor(db, user.id):
        await recovery_codes.remove_all(db, user.id)
        message += " Your account has no second factor now, and its recovery codes are void."
    return await rotate_session(request, message)


async def remove_totp(request: Request) -> Response:
    if refusal := await confirmed_by_password(request):
        return refusal
    await totp.remove(request.app.state.db, request.state.user.id)
    return await factor_removed(request, "the authenticator app")


async def passkey_options(request: Request) -> Response:
    user = request.state.user
    return Response(await passkeys.registration_options(request, user.id, user.email), media_type="application/json")


async def add_passkey(request: Request) -> Response:
    fields = await form_fields(request, "name", "credential")
    name = clean_text(fields["name"])[:NAME_MAX] or "Passkey"
    user = request.state.user
    was_protected = await has_second_factor(request.app.state.db, user.id)
    try:
        await passkeys.register(request, user.id, name, fields["credential"])
    except PasskeyRefused as refusal:
        flash(request, str(refusal), "error")
        return go_to(request, "/account")
    await events.record(request.app.state.db, request, user.id, events.FACTOR_ADDED, f"passkey “{name}”")
    return await first_factor_added(request, was_protected, f"Passkey “{name}” added.")


async def remove_passkey(request: Request) -> Response:
    if refusal := await confirmed_by_password(request):
        return refusal
    name = await passkeys.remove(request.app.state.db, request.state.user.id, request.path_params["passkey_id"])
    if name is None:
        flash(request, "That passkey is not on your account.", "error")
        return go_to(request, "/account")
    return await factor_removed(request, f"passkey “{name}”")


async def new_recovery_codes(request: Request) -> Response:
    if refusal := await confirmed_by_password(request):
        return refusal
    db, user = request.app.state.db, request.state.user
    if not await has_second_factor(db, user.id):
        flash(
            request, "Recovery codes come with a second factor: add a passkey or an authenticator app first.", "error"
        )
        return go_to(request, "/account")
    codes = await recovery_codes.replace_codes(db, user.id)
    await events.record(db, request, user.id, events.RECOVERY_CODES_MADE)
    await renew_session(request)
    flash(request, "New recovery codes made; the old ones no longer work.", "success")
    return page(request, "templates/recovery_codes.html", {"codes": codes})


routes = [
    Route("/account/totp", totp_setup_page),
    Route("/account/totp", confirm_totp, methods=["POST"]),
    Route("/account/totp/remove", remove_totp, methods=["POST"]),
    Route("/account/passkeys/options", passkey_options, methods=["POST"]),
    Route("/account/passkeys", add_passkey, methods=["POST"]),
    Route("/account/passkeys/{passkey_id:row_id}/remove", remove_passkey, methods=["POST"]),
    Route("/account/recovery-codes", new_recovery_codes, methods=["POST"]),
]
