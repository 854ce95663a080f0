"""The account page: change the password, log out everywhere else, delete the account."""

from sqlalchemy import bindparam, delete, func, select, update
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import end_session, end_sessions, has_password, leave, start_session, throttled_password_check
from ..security import events, passkeys, recovery_codes, totp
from ..security.passwords import PASSWORD_RULE, check_password, hash_password
from ..tables import movies, oidc_identities, users
from ..web.flash import flash
from ..web.forms import form_fields, refuse_form
from ..web.rendering import after_post, go_to, page

WRONG_PASSWORD = "That is not your current password."
PASSWORD_HASH = select(users.c.password_hash).where(users.c.id == bindparam("user_id"))
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
    }
    return page(request, "templates/account.html", context)


async def current_password_matches(request: Request, password: str) -> bool | Response:
    """Checks the password typed to confirm a change, throttled like a login, since a borrowed
    session could otherwise guess it at leisure. A Response means: too many tries."""
    user = request.state.user
    [(stored,)] = await request.app.state.db.fetch_all(PASSWORD_HASH, user_id=user.id)
    return await throttled_password_check(request, user.email, user.id, stored, password)


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
    new_hash = await hash_password(fields["password"])
    async with request.app.state.db.transaction() as connection:
        await connection.execute(update(users).where(users.c.id == user.id).values(password_hash=new_hash))
        await end_sessions(connection, user.id)
    await events.record(request.app.state.db, request, user.id, events.PASSWORD_CHANGED)
    return await rotate_session(
        request, "Password changed. Every other browser you were logged in on has been logged out."
    )


async def renew_session(request: Request) -> None:
    """After a change to how the account is protected: this browser gets a new session (and
    CSRF token), so a copy of its cookie taken before the change is worthless."""
    async with request.app.state.db.transaction() as connection:
        await end_session(connection, request.session["sid"])
    await start_session(request, request.state.user.id)


async def rotate_session(request: Request, message: str) -> Response:
    """renew_session(), then back to the account page, reloaded to pick the new token up."""
    response = go_to(request, "/account")
    await renew_session(request)
    flash(request, message, "success")
    return response


async def log_out_elsewhere(request: Request) -> Response:
    async with request.app.state.db.transaction() as connection:
        await end_sessions(connection, request.state.user.id, keep_token=request.session["sid"])
    await events.record(request.app.state.db, request, request.state.user.id, events.SESSIONS_ENDED, "all others")
    flash(request, "Logged out everywhere else. This browser stays logged in.", "success")
    return await after_post(request, "/account")


async def delete_account(request: Request) -> Response:
    user, db = request.state.user, request.app.state.db
    typed = (await form_fields(request, "confirm"))["confirm"]
    if await has_password(db, user.id):
        checked = await current_password_matches(request, typed)
        refusal = WRONG_PASSWORD
    else:
        # An account made through single sign-on has no password: its email, typed, confirms.
        checked, refusal = typed.strip().casefold() == user.email, "Type your email address exactly."
    if isinstance(checked, Response):
        return checked
    if not checked:
        context = {"has_password": refusal == WRONG_PASSWORD}
        return await refuse_form(
            request, "/account", "partials/delete_account_form.html", {}, {"confirm": refusal}, context
        )
    async with request.app.state.db.transaction() as connection:
        count = (await connection.execute(select(func.count()).where(movies.c.user_id == user.id))).scalar_one()
        # Movies and sessions go with the user (ON DELETE CASCADE).
        await connection.execute(delete(users).where(users.c.id == user.id))
    return leave(
        request, f"Your account and its {count} movie{'s' if count != 1 else ''} are deleted. Goodbye!", "/register"
    )


routes = [
    Route("/account", account_page),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/logout-others", log_out_elsewhere, methods=["POST"]),
    Route("/account/delete", delete_account, methods=["POST"]),
]
