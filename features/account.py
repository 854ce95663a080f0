"""The account page: change the password, log out everywhere else, delete the account."""

from sqlalchemy import bindparam, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..account_changes import Refused, delete_account, end_sessions, set_password
from ..auth import WRONG_PASSWORD, current_password_matches, has_password, leave, rotate_session
from ..friends.profiles import profile_of
from ..security import account_tokens, events, passkeys, recovery_codes, totp
from ..security.passwords import PASSWORD_RULE, check_password
from ..tables import oidc_identities
from ..web.flash import flash
from ..web.forms import form_fields, refuse_form
from ..web.rendering import after_post, page

SIGN_ON_LINKS = select(oidc_identities.c.issuer).where(oidc_identities.c.user_id == bindparam("user_id"))


async def single_sign_on_linked(db, user_id: int) -> bool:
    return bool(await db.fetch_all(SIGN_ON_LINKS, user_id=user_id))


async def account_page(request: Request) -> Response:
    db, user = request.app.state.db, request.state.user
    context = {
        "password_rule": PASSWORD_RULE,
        "passkeys": await passkeys.of_user(db, user.id),
        "has_totp": await totp.is_enabled(db, user.id),
        "recovery_codes_left": await recovery_codes.unused(db, user.id),
        "events": await events.recent(db, user.id),
        "has_password": await has_password(db, user.id),
        "sign_on_linked": await single_sign_on_linked(db, user.id),
        "tokens": await account_tokens.listed(db, user.id, account_tokens.API),
        "profile": await profile_of(db, user.id),
    }
    return page(request, "templates/account.html", context)


async def change_password(request: Request) -> Response:
    fields = await form_fields(request, "current", "password", "verify")
    user = request.state.user
    errors = {"password": check_password(fields["password"], user.email)}
    if not errors["password"] and fields["password"] != fields["verify"]:
        errors["verify"] = "Passwords did not match."
    checked = await current_password_matches(request, fields["current"])
    if isinstance(checked, Response):
        return checked
    if not checked:
        errors["current"] = WRONG_PASSWORD
    if any(errors.values()):
        context = {"password_rule": PASSWORD_RULE}
        return await refuse_form(request, "/account", "partials/password_form.html", {}, errors, context)
    await set_password(request.app.state.db, user.id, fields["password"], keep_token=request.session["sid"])
    await events.record(request.app.state.db, request, user.id, events.PASSWORD_CHANGED)
    return await rotate_session(
        request, "Password changed. Every other browser you were logged in on has been logged out."
    )


async def log_out_elsewhere(request: Request) -> Response:
    async with request.app.state.db.transaction() as connection:
        await end_sessions(connection, request.state.user.id, keep_token=request.session["sid"])
    await events.record(request.app.state.db, request, request.state.user.id, events.SESSIONS_ENDED, "all others")
    flash(request, "Logged out everywhere else. This browser stays logged in.", "success")
    return await after_post(request, "/account")


async def delete_own_account(request: Request) -> Response:
    user, db = request.state.user, request.app.state.db
    typed = (await form_fields(request, "confirm"))["confirm"]
    with_password = await has_password(db, user.id)
    if with_password:
        checked = await current_password_matches(request, typed)
    else:
        # An account made through single sign-on has no password: its email, typed, confirms.
        checked = typed.strip().casefold() == user.email
    if isinstance(checked, Response):
        return checked
    refusal = None if checked else WRONG_PASSWORD if with_password else "Type your email address exactly."
    if refusal is None:
        try:
            async with db.transaction() as connection:
                _, count = await delete_account(connection, user.id)
        except Refused as refused:
            refusal = str(refused)
    if refusal is not None:
        context = {"has_password": with_password}
        return await refuse_form(
            request, "/account", "partials/delete_account_form.html", {}, {"confirm": refusal}, context
        )
    return leave(
        request, f"Your account and its {count} movie{'s' if count != 1 else ''} are deleted. Goodbye!", "/register"
    )


routes = [
    Route("/account", account_page),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/logout-others", log_out_elsewhere, methods=["POST"]),
    Route("/account/delete", delete_own_account, methods=["POST"]),
]
