"""Signing in through the instance's OpenID Connect provider: the first login makes an
account (as the sign-up mode allows), later ones find it by issuer and subject, and a
password account links a provider account from its own page, never by a matching email."""

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..admin import registration
from ..auth import EMAIL_TAKEN, create_user, first_factor_given, has_password, normalise_email
from ..security import audit, events
from ..security.oidc import Identity, SignOnFailed, identity_from_callback, redirect_to_provider
from ..tables import now, oidc_identities, users
from ..web.flash import flash
from ..web.forms import form_fields
from ..web.redirects import safe_next
from ..web.rendering import error_response, go_to

PURPOSE = "single_sign_on"  # the session's note of why the browser went to the provider
LINKED_USER = select(oidc_identities.c.user_id).where(
    oidc_identities.c.issuer == bindparam("issuer"), oidc_identities.c.subject == bindparam("subject")
)
NOT_CONFIGURED = "Single sign-on is not set up on this FlickList."


def name_of(request: Request) -> str:
    return request.app.state.settings.oidc_name


async def start(request: Request, purpose: dict) -> Response:
    if request.app.state.single_sign_on is None:
        return error_response(request, 404, NOT_CONFIGURED)
    request.session[PURPOSE] = purpose
    try:
        return await redirect_to_provider(request)
    except SignOnFailed as failure:
        return error_response(request, 502, f"Signing in with {name_of(request)} did not work: {failure}.")


async def log_in(request: Request) -> Response:
    fields = await form_fields(request, "next", "invite")
    return await start(request, {"for": "login", "next": safe_next(fields["next"]), "invite": fields["invite"][:200]})


async def link(request: Request) -> Response:
    return await start(request, {"for": "link", "user": request.state.user.id})


async def callback(request: Request) -> Response:
    if request.app.state.single_sign_on is None:
        return error_response(request, 404, NOT_CONFIGURED)
    purpose = request.session.pop(PURPOSE, None)
    try:
        identity = await identity_from_callback(request)
    except SignOnFailed as failure:
        message = f"Signing in with {name_of(request)} did not work: {failure}. Please try again."
        if isinstance(purpose, dict) and purpose.get("for") == "link":
            flash(request, message, "error")
            return go_to(request, "/account")
        return error_response(request, 400, message)
    if not isinstance(purpose, dict):
        return error_response(request, 400, "That sign-in did not start here. Please try again.")
    if purpose.get("for") == "link":
        return await link_identity(request, identity, purpose.get("user"))
    return await log_in_identity(request, identity, purpose)


async def log_in_identity(request: Request, identity: Identity, purpose: dict) -> Response:
    db, settings = request.app.state.db, request.app.state.settings
    name = name_of(request)
    rows = await db.fetch_all(LINKED_USER, issuer=identity.issuer, subject=identity.subject)
    admin = bool(settings.oidc_admin_group) and settings.oidc_admin_group in identity.groups
    if rows:
        user_id = rows[0][0]
        if admin:
            await promote_by_group(db, user_id, settings.oidc_admin_group)
        return await first_factor_given(request, user_id, name, purpose.get("next", "/"))
    mode = await registration.mode(db, settings)
    if mode == registration.CLOSED:
        return error_response(
            request,
            403,
            f"No FlickList account is linked to that {name} account, and sign-up is closed here. "
            f"If you have an account, log in with its password and link {name} from your account page.",
        )
    email = normalise_email(identity.email) if identity.email else None
    if email is None:
        return error_response(request, 400, f"{name} did not tell FlickList an email address, which an account needs.")
    invitation = purpose.get("invite", "") if mode == registration.INVITE else None
    created = await create_user(db, email, None, invitation, admin=admin, identity=(identity.issuer, identity.subject))
    if created == EMAIL_TAKEN:
        return error_response(
            request,
            409,
            f"A FlickList account with {email} exists already, and it is not linked to {name}. "
            f"Log in to it with its password, then link {name} from your account page.",
        )
    if isinstance(created, str):
        return error_response(request, 403, created)
    response = await first_factor_given(request, created, name, purpose.get("next", "/"))
    flash(request, f"Welcome to FlickList, {email}! Add the first movie you want to see.", "success")
    return response


async def promote_by_group(db, user_id: int, group: str) -> None:
    async with db.transaction() as connection:
        result = await connection.execute(
            update(users).where(users.c.id == user_id, ~users.c.is_admin).values(is_admin=True).returning(users.c.email)
        )
        if (email := result.scalar_one_or_none()) is not None:
            await audit.record(connection, f"single sign-on group “{group}”", "made admin", email)


async def link_identity(request: Request, identity: Identity, user_id) -> Response:
    user, name = request.state.user, name_of(request)
    if user is None or user.id != user_id:
        return error_response(request, 403, f"Log in to the account you want to link {name} to first.")
    db = request.app.state.db
    try:
        async with db.transaction() as connection:
            await connection.execute(
                insert(oidc_identities).values(
                    issuer=identity.issuer, subject=identity.subject, user_id=user.id, created_at=now()
                )
            )
    except IntegrityError:
        flash(request, f"That {name} account already signs in to a FlickList account.", "error")
        return go_to(request, "/account")
    await events.record(db, request, user.id, events.SIGN_ON_LINKED, name)
    flash(request, f"Linked: you can now sign in with {name}.", "success")
    return go_to(request, "/account")


async def unlink(request: Request) -> Response:
    user, db, name = request.state.user, request.app.state.db, name_of(request)
    if not await has_password(db, user.id):
        flash(request, f"Set a password first: without {name} or a password, you could not log in.", "error")
        return go_to(request, "/account")
    async with db.transaction() as connection:
        await connection.execute(delete(oidc_identities).where(oidc_identities.c.user_id == user.id))
    await events.record(db, request, user.id, events.SIGN_ON_UNLINKED, name)
    flash(request, f"{name} no longer signs in to this account.", "success")
    return go_to(request, "/account")


routes = [
    Route("/login/oidc", log_in, methods=["POST"]),
    Route("/login/oidc/callback", callback),
    Route("/account/single-sign-on", link, methods=["POST"]),
    Route("/account/single-sign-on/remove", unlink, methods=["POST"]),
]
