"""The admin page (/admin): the instance's counts, the sign-up mode, invitations, accounts
(disable, enable, end sessions, promote, demote, delete, a password reset link), pending
account links (revocable) and the audit trail. Non-admins
get a 404 for all of it (middleware/admin_only.py); changes to accounts need the password
or a passkey given within the last ten minutes (/admin/confirm)."""

from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import account_changes
from ..account_changes import Refused
from ..admin import accounts, invitations, registration
from ..auth import (
    CONFIRMATION_SECONDS,
    WRONG_PASSWORD,
    confirm_identity,
    confirmed_recently,
    current_password_matches,
    has_password,
)
from ..security import account_links, audit, passkeys
from ..security.origin import site_origin
from ..security.passkeys import PasskeyRefused
from ..settings import REGISTRATION_MODES
from ..tables import now
from ..web import convertors  # noqa: F401  (registers row_id)
from ..web.flash import flash, pop_shown_once, show_once
from ..web.forms import form_fields
from ..web.rendering import go_to, page
from ..whole_numbers import whole_number


async def admin_page(request: Request) -> Response:
    db, settings = request.app.state.db, request.app.state.settings
    context = {
        "counts": await accounts.counts(db),
        "accounts": await accounts.listed(db),
        "registration": await registration.mode(db, settings),
        "registration_from_environment": bool(settings.registration),
        "modes": REGISTRATION_MODES,
        "invitations": await invitations.listed(db),
        "new_invitation": pop_shown_once(request, "invitation"),
        "links": await account_links.pending(db),
        "new_reset_link": pop_shown_once(request, "reset_link"),
        "reset_minutes": (
            account_links.RESET_LINK_MINUTES,
            account_links.MIN_RESET_LINK_MINUTES,
            account_links.MAX_RESET_LINK_MINUTES,
        ),
        "actions": await audit.recent(db),
        "defaults": (invitations.DEFAULT_DAYS, invitations.DEFAULT_USES),
        "confirmation_minutes": CONFIRMATION_SECONDS // 60,
        "now": now(),
    }
    return page(request, "templates/admin.html", context)


async def set_registration(request: Request) -> Response:
    settings, user = request.app.state.settings, request.state.user
    mode = (await form_fields(request, "mode"))["mode"]
    if settings.registration:
        flash(request, f"FLICKLIST_REGISTRATION={settings.registration} is set, and wins over this page.", "error")
    elif mode not in REGISTRATION_MODES:
        flash(request, f"Sign-up can be {', '.join(REGISTRATION_MODES)}.", "error")
    else:
        async with request.app.state.db.transaction() as connection:
            await registration.store_mode(request.app.state.db, connection, mode)
            await audit.record(connection, user.email, "set sign-up mode", "", mode)
        flash(request, f"Sign-up is now {mode}.", "success")
    return go_to(request, "/admin")


async def make_invitation(request: Request) -> Response:
    fields = await form_fields(request, "days", "uses")
    days = whole_number(fields["days"] or str(invitations.DEFAULT_DAYS), 1, invitations.MAX_DAYS)
    uses = whole_number(fields["uses"] or str(invitations.DEFAULT_USES), 1, invitations.MAX_USES)
    if days is None or uses is None:
        flash(
            request,
            f"An invitation lasts 1 to {invitations.MAX_DAYS} days and serves 1 to {invitations.MAX_USES:,} sign-ups.",
            "error",
        )
        return go_to(request, "/admin#invitations")
    user = request.state.user
    async with request.app.state.db.transaction() as connection:
        token = await invitations.create(connection, user.id, days, uses)
        detail = f"{days} day{'s' if days != 1 else ''}, {uses} use{'s' if uses != 1 else ''}"
        await audit.record(connection, user.email, "made invitation", f"invitation {token.partition('.')[0]}", detail)
    show_once(request, "invitation", f"{site_origin(request)}/register?invite={token}")
    flash(request, "Invitation made. Copy its link now: it is shown only once.", "success")
    return go_to(request, "/admin#invitations")


async def revoke_invitation(request: Request) -> Response:
    invitation_id = request.path_params["invitation_id"]
    async with request.app.state.db.transaction() as connection:
        revoked = await invitations.revoke(connection, invitation_id)
        if revoked:
            await audit.record(
                connection, request.state.user.email, "revoked invitation", f"invitation {invitation_id}"
            )
    flash(request, "Invitation revoked." if revoked else "That invitation was revoked already.", "success")
    return go_to(request, "/admin#invitations")


def refused_before(request: Request, user_id: int) -> Response | None:
    """Why the admin may not change the account `user_id` now: it is their own (their account
    page does that), or they have not confirmed who they are lately. None: go ahead."""
    if user_id == request.state.user.id:
        flash(request, "That is your own account: change it from your account page.", "error")
        return go_to(request, "/admin#accounts")
    if not confirmed_recently(request):
        flash(request, "Confirm it is you first, then do that again.", "info")
        return go_to(request, "/admin/confirm")
    return None


def account_action(change, done: str, confirm_field: bool = False):
    """A route changing the account in the URL: refused_before, or when `change` says no; else
    done, with its line in the audit trail."""

    async def route(request: Request) -> Response:
        user, user_id = request.state.user, request.path_params["user_id"]
        if refusal := refused_before(request, user_id):
            return refusal
        typed = (await form_fields(request, "confirm"))["confirm"].strip().casefold() if confirm_field else None
        try:
            async with request.app.state.db.transaction() as connection:
                if typed is not None and typed != (await account_changes.target(connection, user_id)).email:
                    raise Refused("To delete an account, type its email address exactly.")
                outcome = await change(connection, user.email, user_id)
        except Refused as refusal:
            flash(request, str(refusal), "error")
            return go_to(request, "/admin#accounts")
        flash(request, done.format(*outcome if isinstance(outcome, tuple) else (outcome,)), "success")
        return go_to(request, "/admin#accounts")

    return route


async def make_reset_link(request: Request) -> Response:
    """A password reset link for someone without mail (or without this instance's), to hand
    over: shown once, like an invitation."""
    user_id = request.path_params["user_id"]
    if refusal := refused_before(request, user_id):
        return refusal
    typed = (await form_fields(request, "minutes"))["minutes"]
    minutes = whole_number(
        typed or str(account_links.RESET_LINK_MINUTES),
        account_links.MIN_RESET_LINK_MINUTES,
        account_links.MAX_RESET_LINK_MINUTES,
    )
    if minutes is None:
        flash(request, "A reset link lasts from 10 minutes to 7 days.", "error")
        return go_to(request, "/admin#accounts")
    try:
        async with request.app.state.db.transaction() as connection:
            account = (await account_changes.target(connection, user_id)).email
            token = await account_links.make(
                connection, user_id, account, account_links.RESET, minutes * 60, request.state.user.email
            )
    except Refused as refusal:
        flash(request, str(refusal), "error")
        return go_to(request, "/admin#accounts")
    show_once(request, "reset_link", f"{site_origin(request)}/password/reset/{token}")
    flash(
        request,
        f"Reset link for {account} made. Copy it now: it is shown only once, and works once, for "
        f"{account_links.lifetime(minutes * 60)}.",
        "success",
    )
    return go_to(request, "/admin#links")


async def revoke_link(request: Request) -> Response:
    link_id = request.path_params["link_id"]
    async with request.app.state.db.transaction() as connection:
        revoked = await account_links.revoke(connection, link_id, request.state.user.email)
    flash(request, "Link revoked." if revoked else "That link was used, revoked or expired already.", "success")
    return go_to(request, "/admin#links")


def toggled(function, value: bool):
    async def change(connection: AsyncConnection, admin: str, user_id: int):
        return await function(connection, admin, user_id, value)

    return change


def by_admin(function):
    """One of account_changes' functions, as the admin acting makes it."""

    async def change(connection: AsyncConnection, admin: str, user_id: int):
        return await function(connection, user_id, by=admin)

    return change


async def confirm_page(request: Request) -> Response:
    db, user = request.app.state.db, request.state.user
    context = {
        "has_password": await has_password(db, user.id),
        "has_passkeys": bool(await passkeys.of_user(db, user.id)),
        "minutes": CONFIRMATION_SECONDS // 60,
    }
    return page(request, "templates/admin_confirm.html", context)


def confirmed(request: Request) -> Response:
    confirm_identity(request)
    flash(request, f"Thank you. For {CONFIRMATION_SECONDS // 60} minutes you can change accounts.", "success")
    return go_to(request, "/admin#accounts")


async def confirm_with_password(request: Request) -> Response:
    checked = await current_password_matches(request, (await form_fields(request, "password"))["password"])
    if isinstance(checked, Response):
        return checked
    if not checked:
        flash(request, WRONG_PASSWORD, "error")
        return go_to(request, "/admin/confirm")
    return confirmed(request)


async def passkey_options(request: Request) -> Response:
    options = await passkeys.authentication_options(request, request.state.user.id)
    return Response(options, media_type="application/json")


async def confirm_with_passkey(request: Request) -> Response:
    credential = (await form_fields(request, "credential"))["credential"]
    try:
        await passkeys.signed_in_user(request, credential)
    except PasskeyRefused as refusal:
        flash(request, str(refusal), "error")
        return go_to(request, "/admin/confirm")
    return confirmed(request)


ACCOUNT_ACTIONS = {
    "disable": account_action(toggled(accounts.set_disabled, True), "{} is disabled; their sessions have ended."),
    "enable": account_action(toggled(accounts.set_disabled, False), "{} can log in again."),
    "end-sessions": account_action(
        by_admin(account_changes.end_sessions), "{} is logged out everywhere ({} sessions ended)."
    ),
    "promote": account_action(toggled(accounts.set_admin, True), "{} is an admin now."),
    "demote": account_action(toggled(accounts.set_admin, False), "{} is no longer an admin."),
    "delete": account_action(
        by_admin(account_changes.delete_account), "Deleted {} and their {} films.", confirm_field=True
    ),
}
routes = [
    Route("/admin", admin_page),
    Route("/admin/registration", set_registration, methods=["POST"]),
    Route("/admin/invitations", make_invitation, methods=["POST"]),
    Route("/admin/invitations/{invitation_id:row_id}/revoke", revoke_invitation, methods=["POST"]),
    Route("/admin/users/{user_id:row_id}/reset-link", make_reset_link, methods=["POST"]),
    Route("/admin/links/{link_id:row_id}/revoke", revoke_link, methods=["POST"]),
    *(
        Route(f"/admin/users/{{user_id:row_id}}/{name}", action, methods=["POST"])
        for name, action in ACCOUNT_ACTIONS.items()
    ),
    Route("/admin/confirm", confirm_page),
    Route("/admin/confirm", confirm_with_password, methods=["POST"]),
    Route("/admin/confirm/passkey/options", passkey_options, methods=["POST"]),
    Route("/admin/confirm/passkey", confirm_with_passkey, methods=["POST"]),
]
