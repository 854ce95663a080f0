"""Proving an address: the page a mailed link opens (an address check after a sign-up under
FLICKLIST_VERIFY_EMAIL, or a move to a new address), the page asking a new account to open
its link (with a button to send it again), and the account page's change of address (the
password confirmed; the link goes to the new address, and the old one is told)."""

from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..account_changes import Refused
from ..auth import (
    AWAITING_ADDRESS,
    WRONG_PASSWORD,
    awaiting_address,
    check_email,
    current_password_matches,
    normalise_email,
)
from ..recovery import addresses, limits, mails
from ..security import account_links, address_limits, events
from ..web.errors import too_many_attempts
from ..web.flash import flash
from ..web.forms import form_fields, refuse_form
from ..web.link_tokens import link_in_session, token_to_session
from ..web.rendering import go_to, page

CONFIRM_TOKEN = "address_token"  # the session's key for the link's token (web/link_tokens.py)
NO_MAIL = "This FlickList sends no mail, so its addresses cannot change here: ask its admin."


ADDRESS_LINKS = (account_links.VERIFY, account_links.NEW_ADDRESS)


async def confirm_page(request: Request) -> Response:
    """A button to press, not a change made by opening the link: mail scanners open links too."""
    link = await link_in_session(request, CONFIRM_TOKEN, ADDRESS_LINKS)
    if link is None:
        request.session.pop(CONFIRM_TOKEN, None)
        return page(request, "templates/confirm_address.html", {"refused": account_links.REFUSED}, status=400)
    return page(request, "templates/confirm_address.html", {"link": link, "new_address": account_links.NEW_ADDRESS})


async def confirm(request: Request) -> Response:
    db, user = request.app.state.db, request.state.user
    link = await link_in_session(request, CONFIRM_TOKEN, ADDRESS_LINKS)
    request.session.pop(CONFIRM_TOKEN, None)
    onward = "/account" if user is not None else "/login"
    try:
        if link is None:
            raise Refused(account_links.REFUSED)
        async with db.transaction() as connection:
            if not await account_links.use(connection, link):
                raise Refused(account_links.REFUSED)
            if link.kind == account_links.NEW_ADDRESS:
                await addresses.move(connection, link)
            else:
                await addresses.verify(connection, link.user_id, link.email)
    except Refused as refusal:
        flash(request, str(refusal), "error")
        return go_to(request, onward)
    request.session.pop(AWAITING_ADDRESS, None)
    if link.kind == account_links.NEW_ADDRESS:
        await events.record(db, request, link.user_id, events.ADDRESS_CHANGED, f"from {link.account} to {link.email}")
        flash(request, f"Your account's address is {link.email} now.", "success")
    else:
        flash(request, f"Thank you: {link.email} is confirmed." + ("" if user else " Log in to start."), "success")
    return go_to(request, onward)


async def awaiting_page(request: Request) -> Response:
    """After signing up (or a right password) under FLICKLIST_VERIFY_EMAIL, until the link is opened."""
    awaiting = awaiting_address(request)
    if awaiting is None:
        return go_to(request, "/login")
    return page(request, "templates/awaiting_address.html", {"email": awaiting.email})


async def send_again(request: Request) -> Response:
    db, settings = request.app.state.db, request.app.state.settings
    awaiting = awaiting_address(request)
    if awaiting is None or request.app.state.outbox is None:
        return go_to(request, "/login")
    window, allowed = limits.RESENDS_PER_ACCOUNT, limits.RESENDS_PER_ACCOUNT_ALLOWED
    if wait := await address_limits.reserve(db, window, str(awaiting.user_id), allowed):
        return too_many_attempts(request, wait, "Too many links sent")
    if awaiting.password_given:  # else answered alike, but nothing is sent (auth.await_address)
        request.app.state.outbox.post(partial(mails.address_check, db, settings, awaiting.user_id))
    flash(request, f"Another link is on its way to {awaiting.email}. The ones before it no longer work.", "success")
    return go_to(request, "/email/unverified")


async def change_address(request: Request) -> Response:
    db, settings, outbox, user = (
        request.app.state.db,
        request.app.state.settings,
        request.app.state.outbox,
        request.state.user,
    )
    fields = await form_fields(request, "new_email", "email_password")
    email = normalise_email(fields["new_email"])
    errors = {"new_email": NO_MAIL if outbox is None else check_email(fields["new_email"])}
    if not errors["new_email"] and email == user.email:
        errors["new_email"] = "That is your address already."
    checked = await current_password_matches(request, fields["email_password"])
    if isinstance(checked, Response):
        return checked
    if not checked:
        errors["email_password"] = WRONG_PASSWORD
    # Whether another account uses the address is told only with the password, and counted
    # like a mail: a session alone, or a member trying addresses, must not list who has accounts.
    if not any(errors.values()):
        window, allowed = limits.MAILS_PER_ACCOUNT, limits.MAILS_PER_ACCOUNT_ALLOWED
        if wait := await address_limits.reserve(db, window, str(user.id), allowed):
            return too_many_attempts(request, wait, "Too many links sent")
        if await addresses.in_use(db, email):
            errors["new_email"] = addresses.ADDRESS_TAKEN
    if any(errors.values()):
        kept = {"new_email": fields["new_email"]}
        return await refuse_form(request, "/account", "partials/email_form.html", kept, errors)
    await events.record(db, request, user.id, events.ADDRESS_CHANGE_ASKED, f"to {email}")
    outbox.post(partial(mails.new_address, db, settings, user.id, user.email, email))
    outbox.post(partial(mails.address_change_notice, settings, user.email, email))
    flash(
        request,
        f"A link is on its way to {email}: your address changes when it is opened. Until then it stays {user.email}.",
        "success",
    )
    return go_to(request, "/account")


routes = [
    Route("/email/confirm/{token}", token_to_session(CONFIRM_TOKEN, "/email/confirm")),
    Route("/email/confirm", confirm_page),
    Route("/email/confirm", confirm, methods=["POST"]),
    Route("/email/unverified", awaiting_page),
    Route("/email/resend", send_again, methods=["POST"]),
    Route("/account/email", change_address, methods=["POST"]),
]
