"""“Forgot your password?” and the page a reset link opens (mailed, or made on the admin page
or by `flicklist users reset-link`). A new password, under the rules of sign-up, ends every
session of the account; its second factors stay, so the next login still asks for one."""

from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import PASSWORDS_DIFFER, check_email, leave, normalise_email
from ..recovery import limits, mails, reset
from ..security import account_links, address_limits, events
from ..security.passwords import PASSWORD_RULE, check_password
from ..web.client import client_address
from ..web.errors import too_many_attempts
from ..web.flash import flash
from ..web.forms import form_fields, refuse_form
from ..web.link_tokens import link_in_session, token_to_session
from ..web.rendering import go_to, page

# The one answer, whether or not an account uses the address.
ON_ITS_WAY = "If an account uses that address, a link to set a new password is on its way. It works once, for an hour."
RESET_TOKEN = "reset_token"  # the session's key for the link's token (web/link_tokens.py)

# Tokens are for programs, not browsers: they last until revoked, which the person is told.
RESET_DONE = (
    "Your new password is set, and every browser was logged out. Log in with it now. API tokens,"
    " media-server and feed links still work: in Account settings, revoke any you did not make."
)


async def forgot_page(request: Request) -> Response:
    return page(request, "templates/forgot_password.html")


async def ask_for_link(request: Request) -> Response:
    """The same answer, in the same time, for any well-formed address: whether an account uses
    it is found out by the outbox's errand, after this answer has gone."""
    db, settings, outbox = request.app.state.db, request.app.state.settings, request.app.state.outbox
    if outbox is None:
        return go_to(request, "/password/forgot")  # the page says to ask the admin
    typed = (await form_fields(request, "email"))["email"]
    if problem := check_email(typed):
        return await refuse_form(
            request, "/password/forgot", "partials/forgot_password_form.html", {"email": typed}, {"email": problem}
        )
    email = normalise_email(typed)
    for window, key, allowed in (
        (limits.RESETS_PER_CLIENT, client_address(request), limits.RESETS_PER_CLIENT_ALLOWED),
        (limits.RESETS_PER_ADDRESS, email, limits.RESETS_PER_ADDRESS_ALLOWED),
    ):
        if wait := await address_limits.reserve(db, window, key, allowed):
            return too_many_attempts(request, wait, "Too many links asked for")
    outbox.post(partial(mails.password_reset, db, settings, email))
    flash(request, ON_ITS_WAY, "success")
    return go_to(request, "/login")


async def reset_page(request: Request) -> Response:
    link = await link_in_session(request, RESET_TOKEN, (account_links.RESET,))
    if link is None:
        request.session.pop(RESET_TOKEN, None)
        return page(request, "templates/reset_password.html", {"refused": account_links.REFUSED}, status=400)
    return page(request, "templates/reset_password.html", {"account": link.account, "password_rule": PASSWORD_RULE})


async def set_new_password(request: Request) -> Response:
    db = request.app.state.db
    link = await link_in_session(request, RESET_TOKEN, (account_links.RESET,))
    if link is None:
        return go_to(request, "/password/reset")  # which says why
    fields = await form_fields(request, "password", "verify")
    errors = {"password": check_password(fields["password"], link.account)}
    if not errors["password"] and fields["password"] != fields["verify"]:
        errors["password"] = PASSWORDS_DIFFER
    if errors["password"]:
        context = {"account": link.account, "password_rule": PASSWORD_RULE}
        return await refuse_form(request, "/password/reset", "partials/reset_password_form.html", {}, errors, context)
    if not await reset.set_password(db, link, fields["password"]):
        return go_to(request, "/password/reset")
    await events.record(db, request, link.user_id, events.PASSWORD_CHANGED, "with a reset link")
    return leave(request, RESET_DONE, "/login")


routes = [
    Route("/password/forgot", forgot_page),
    Route("/password/forgot", ask_for_link, methods=["POST"]),
    Route("/password/reset/{token}", token_to_session(RESET_TOKEN, "/password/reset")),
    Route("/password/reset", reset_page),
    Route("/password/reset", set_new_password, methods=["POST"]),
]
