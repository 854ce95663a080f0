"""Accounts: register, log in, log out, sessions, and who is logged in: the login wall's
policy (its open paths, how a visitor is turned away), plumbed in by middleware/login_wall.py."""

import secrets
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .admin import invitations, registration
from .catalog.text import clean_text
from .db import Database
from .recovery import mails
from .security import account_links, address_limits, events, last_seen, throttle
from .security.device_cookie import device_nonce, remember_device
from .security.link_tokens import secret_hash
from .security.passwords import (
    DUMMY_HASH,
    NO_PASSWORD,
    PASSWORD_RULE,
    check_password,
    hash_password,
    verify_password,
)
from .security.second_factors import has_second_factor, has_second_factor_of
from .tables import login_sessions, now, oidc_identities, users
from .web.client import client_address
from .web.errors import too_many_attempts
from .web.flash import flash
from .web.forms import form_fields, refuse_form
from .web.redirects import safe_next
from .web.rendering import error_response, go_to, is_htmx, page

LOGIN_FAILED = "Email or password is incorrect."
OPEN_PATHS = (
    "/login",
    "/register",
    "/healthz",
    "/login/verify",
    "/login/passkey",
    "/login/passkey/options",
    "/login/oidc",
    "/login/oidc/callback",
    "/password/forgot",
    "/password/reset",
    "/email/confirm",
    "/email/unverified",
    "/email/resend",
)
# /s/: share links, which answer anyone holding one (features/shared_lists.py); the others:
# links mailed or handed over to get into an account (features/password_reset.py,
# features/email_address.py), which move their token into the session.
OPEN_PREFIXES = ("/static/", "/s/", "/password/reset/", "/email/confirm/")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    # FLICKLIST_REQUIRE_MFA is on and this account has no second factor yet: until it adds one,
    # it sees only the pages that add one (`confine`).
    must_add_second_factor: bool = False
    # Films on each list, as the navigation of every page shows them (columns of the user's
    # row, which the session lookup reads anyway).
    watchlist_films: int = 0
    watched_films: int = 0
    is_admin: bool = False
    own_lists: int = 0  # how many lists of their own: a page asks which hold its films only if some


def normalise_email(email: str) -> str | None:
    """The address as stored, or None if its syntax is wrong. Lower-cased whole: mail
    providers treat the local part case-blind, and two accounts for Ann@ and ann@ help nobody."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def check_email(email: str) -> str | None:
    if not email.strip():
        return "Please enter your email address."
    if normalise_email(email) is None:
        return "That does not look like an email address."
    return None


PASSWORDS_DIFFER = "Passwords did not match. Type your password here again, then once more under “Password again”."


async def start_session(request: Request, user_id: int) -> None:
    """Log in: a fresh session, so nothing the browser held before carries over. Called last,
    once the response is made, so a request that fails leaves no session behind. Whoever
    just proved who they are counts as confirmed (`confirmed_recently`). Someone who could log
    in did not need the password reset links pending for them, and they end, as Django's do."""
    token = secrets.token_urlsafe(32)
    timestamp = now()
    async with request.app.state.db.transaction() as connection:
        await connection.execute(
            insert(login_sessions).values(
                token_hash=secret_hash(token), user_id=user_id, created_at=timestamp, last_seen_at=timestamp
            )
        )
        seen = update(users).where(users.c.id == user_id).values(last_seen_at=timestamp).returning(users.c.email)
        email = (await connection.execute(seen)).scalar_one()
        await account_links.revoke_all(connection, user_id, email, (account_links.RESET,), "logged in")
    request.session.clear()
    request.session["sid"] = token
    confirm_identity(request)


# Destructive admin actions need the password (or a passkey) given within this long.
CONFIRMED_AT, CONFIRMATION_SECONDS = "confirmed_at", 600


def confirm_identity(request: Request) -> None:
    request.session[CONFIRMED_AT] = now()


def confirmed_recently(request: Request) -> bool:
    confirmed_at = request.session.get(CONFIRMED_AT)
    return isinstance(confirmed_at, int) and now() - confirmed_at <= CONFIRMATION_SECONDS


END_SESSION = delete(login_sessions).where(login_sessions.c.token_hash == bindparam("hashed"))


async def end_session(connection: AsyncConnection, token: str) -> None:
    """Log out the one browser holding `token`."""
    await connection.execute(END_SESSION, {"hashed": secret_hash(token)})


SESSION_LOOKUP = (
    select(
        users.c.id,
        users.c.email,
        login_sessions.c.created_at,
        login_sessions.c.last_seen_at,
        users.c.watchlist_films,
        users.c.watched_films,
        users.c.is_admin,
        users.c.own_lists,
    )
    .join(users, users.c.id == login_sessions.c.user_id)
    .where(login_sessions.c.token_hash == bindparam("token_hash"), users.c.disabled_at.is_(None))
)
# With FLICKLIST_REQUIRE_MFA, whether the account has a second factor yet (`confine`).
SESSION_LOOKUP_REQUIRING_MFA = SESSION_LOOKUP.add_columns(has_second_factor_of(users.c.id))
HAS_PASSWORD = select(users.c.password_hash != NO_PASSWORD).where(users.c.id == bindparam("user_id"))


async def has_password(db: Database, user_id: int) -> bool:
    """False for an account made through single sign-on, which signs in there alone."""
    return bool((await db.fetch_all(HAS_PASSWORD, user_id=user_id))[0][0])


async def current_user(request: Request) -> CurrentUser | None:
    """The user whose session this browser holds, in one query; a session past its lifetimes
    is ended, and a dead one dropped from the cookie."""
    token = request.session.get("sid")
    if not isinstance(token, str):
        return None
    db: Database = request.app.state.db
    settings = request.app.state.settings
    hashed = secret_hash(token)
    lookup = SESSION_LOOKUP_REQUIRING_MFA if settings.require_mfa else SESSION_LOOKUP
    rows = await db.fetch_all(lookup, token_hash=hashed)
    if not rows:
        request.session.pop("sid")
        return None
    # The last column, whether the account has a second factor, is read only under FLICKLIST_REQUIRE_MFA.
    user_id, email, created_at, last_seen_at, watchlist_films, watched_films, is_admin, own_lists, *second_factor = (
        rows[0]
    )
    timestamp = now()
    expired = (
        timestamp - last_seen_at > settings.session_idle_seconds
        or timestamp - created_at > settings.session_absolute_seconds
    )
    if expired:
        await db.write_together((END_SESSION, {"hashed": hashed}))
        request.session.pop("sid")
        return None
    if request.app.state.last_seen.due(hashed, last_seen_at, timestamp):
        values = {"hashed": hashed, "user_id": user_id, "timestamp": timestamp}
        await db.write_together(*((statement, values) for statement in last_seen.TOUCH))
    return CurrentUser(
        user_id,
        email,
        must_add_second_factor=settings.require_mfa and not second_factor[0],
        watchlist_films=watchlist_films,
        watched_films=watched_films,
        is_admin=bool(is_admin),
        own_lists=own_lists,
    )


# What an account that must add a second factor may still open.
ENROLMENT_PATHS = ("/account", "/logout", "/account/totp", "/account/passkeys", "/account/passkeys/options")


def confine(request: Request, user: CurrentUser | None) -> Response | None:
    """The login wall's last word: an account made to add a second factor goes to the
    account page until it has one (None: the request may go ahead)."""
    if user is None or not user.must_add_second_factor or request.url.path in ENROLMENT_PATHS:
        return None
    flash(request, "Add a second factor (a passkey or an authenticator app) to go on using FlickList.", "error")
    return go_to(request, "/account")


def turn_away(request: Request) -> Response:
    """A visitor at a page behind the wall goes to log in, then back to that page."""
    back_to = request.url.path
    if is_htmx(request) or request.method != "GET":
        # The page the user is on, not the URL the click posted to (a form's action is no page).
        on_page = request.headers.get("hx-current-url") or request.headers.get("referer", "")
        back_to = urlsplit(on_page).path or "/"
    login_url = "/login" if back_to == "/" else f"/login?next={quote(back_to)}"
    if is_htmx(request):
        return Response("Please log in.", status_code=401, headers={"HX-Redirect": login_url})
    return go_to(request, login_url)


SIGN_UP_CLOSED = "New accounts are not being made on this FlickList. Ask its admin for one."


async def sign_up_context(request: Request) -> dict:
    """What the register page shows: the sign-up mode, the invitation from its link, single sign-on."""
    settings = request.app.state.settings
    return {
        "password_rule": PASSWORD_RULE,
        "registration": await registration.mode(request.app.state.db, settings),
        "invite": clean_text(request.query_params.get("invite", ""))[:200],
    }


async def register_page(request: Request) -> Response:
    # A sign-up refused without JavaScript comes back with each error beside its field, as htmx shows it.
    errors = request.session.pop("register_errors", {})
    return page(request, "templates/register.html", {**await sign_up_context(request), "errors": errors})


async def register(request: Request) -> Response:
    db, settings = request.app.state.db, request.app.state.settings
    context = await sign_up_context(request)
    if context["registration"] == registration.CLOSED:
        return error_response(request, 403, SIGN_UP_CLOSED)
    if settings.oidc_only:
        return error_response(request, 403, f"Accounts here are made by signing in with {settings.oidc_name}.")
    fields = await form_fields(request, "email", "password", "verify", "invite")
    invitation = fields["invite"] if context["registration"] == registration.INVITE else None
    errors = {
        "email": check_email(fields["email"]),
        "password": check_password(fields["password"], fields["email"]),
        "invite": await invitations.check(db, invitation) if invitation is not None else None,
    }
    if not errors["password"] and fields["password"] != fields["verify"]:
        # Neither password comes back, so both are typed again: the message starts at the first.
        errors["password"] = PASSWORDS_DIFFER
    created = None
    if not any(errors.values()):
        client, per_hour = client_address(request), settings.signups_per_hour
        if wait := await address_limits.reserve(db, address_limits.SIGNUPS, client, per_hour):
            return too_many_attempts(request, wait, "Too many new accounts from your network")
        email = normalise_email(fields["email"])
        created = await create_user(db, email, fields["password"], invitation, awaiting=settings.verify_email)
        # Counted whatever the outcome: given back for a taken email, the count would let
        # the form tell which emails have accounts, without limit.
        if created == EMAIL_TAKEN and settings.verify_email:
            return await answer_taken_address(request, email, fields["password"])
        # Without mail there is no other way to tell the person the address has an account, so
        # the form says so (as it says to anyone trying addresses, at SIGNUPS a client an hour).
        if isinstance(created, str):
            errors["email" if created == EMAIL_TAKEN else "invite"] = created
    if not isinstance(created, int):
        kept = {"email": fields["email"], "invite": fields["invite"]}
        if not is_htmx(request):
            request.session["register_errors"] = {field: message for field, message in errors.items() if message}
        return await refuse_form(request, "/register", "partials/register_form.html", kept, errors, context)
    if settings.verify_email:
        request.app.state.outbox.post(partial(mails.address_check, db, settings, created))
        return await_address(request, created, email, welcome_awaiting(email))
    response = go_to(request, "/")
    await start_session(request, created)
    flash(request, f"Welcome to FlickList, {email}! Add the first movie you want to see.", "success")
    return response


def welcome_awaiting(email: str) -> str:
    return f"Welcome to FlickList! A link is on its way to {email}."


async def answer_taken_address(request: Request, email: str, password: str) -> Response:
    """A sign-up under FLICKLIST_VERIFY_EMAIL with an address that has an account is answered
    as a new account is, in about its time (the password hashed all the same), and the
    account's owner is mailed instead (recovery.mails.sign_up_with_address_in_use): the form
    must not tell anyone which addresses have accounts when “Forgot your password?” does not."""
    db, settings = request.app.state.db, request.app.state.settings
    await hash_password(password)
    account = await db.fetch_all(USER_BY_EMAIL, email=email)
    request.app.state.outbox.post(partial(mails.sign_up_with_address_in_use, db, settings, email))
    user_id = account[0][0] if account else 0
    return await_address(request, user_id, email, welcome_awaiting(email), password_given=False)


AWAITING_ADDRESS = "awaiting_address"  # the session of a browser whose account awaits its address's proof


def await_address(request: Request, user_id: int, email: str, message: str, password_given: bool = True) -> Response:
    """An account that must prove its address first (FLICKLIST_VERIFY_EMAIL) gets no session:
    the browser goes to the page that says to open the mailed link, and can send another.
    Not `password_given` (a sign-up with a taken address): the page looks the same, but its
    resend mails nothing, since the account may be a squatter's awaiting the owner's click."""
    request.session.clear()
    # 1 or 0, not true or false: the encrypted session's length must not tell the two apart.
    request.session[AWAITING_ADDRESS] = {"user": user_id, "email": email, "password": int(password_given)}
    flash(request, f"{message} Open it to finish making your account.", "success")
    return go_to(request, "/email/unverified")


class AwaitingAddress(NamedTuple):
    user_id: int
    email: str
    password_given: bool


def awaiting_address(request: Request) -> AwaitingAddress | None:
    """The account this browser signed up, gave the password of or tried to sign up again,
    awaiting its address's proof."""
    awaiting = request.session.get(AWAITING_ADDRESS)
    if not isinstance(awaiting, dict):
        return None
    return AwaitingAddress(awaiting["user"], awaiting["email"], bool(awaiting.get("password", 1)))


USER_BY_EMAIL = select(users.c.id, users.c.email, users.c.password_hash).where(users.c.email == bindparam("email"))
EMAIL_TAKEN = "An account with that email already exists. Log in instead?"


async def create_user(
    db: Database,
    email: str,
    password: str | None,
    invitation: str | None = None,
    admin: bool = False,
    identity: tuple[str, str] | None = None,
    awaiting: bool = False,
) -> int | str:
    """The new user's id, or the sentence saying why there is none (the email has an account;
    the invitation, when one is needed, cannot be used). No password: an account that signs
    in through single sign-on, as `identity` (issuer, subject). The first account of an
    instance is its admin. The look-up comes first and spares the hash; the unique constraint
    settles two sign-ups racing for one address, and the invitation's use is counted in the
    same transaction."""
    if await db.fetch_all(USER_BY_EMAIL, email=email):
        return EMAIL_TAKEN
    password_hash = await hash_password(password) if password is not None else NO_PASSWORD
    try:
        async with db.transaction() as connection:
            if invitation is not None and (refused := await invitations.use(connection, invitation, email)):
                return refused
            first = ~select(users.c.id).limit(1).exists()
            result = await connection.execute(
                insert(users)
                .values(
                    email=email,
                    password_hash=password_hash,
                    created_at=now(),
                    is_admin=or_(first, admin),
                    awaiting_verification=awaiting,
                )
                .returning(users.c.id)
            )
            user_id = result.scalar_one()
            if identity is not None:
                issuer, subject = identity
                await connection.execute(
                    insert(oidc_identities).values(issuer=issuer, subject=subject, user_id=user_id, created_at=now())
                )
            return user_id
    except IntegrityError:
        return EMAIL_TAKEN


# What the login page says a visitor sent here from a page behind the wall is logging in for.
LOGGING_IN_FOR = (
    ("/watched", "Log in to see your watched films."),
    ("/diary", "Log in to see your diary."),
    ("/account", "Log in to see your account."),
    ("/films/", "Log in to see that film and what you did with it."),
)


def logging_in_for(next_url: str) -> str | None:
    if next_url == "/":
        return None
    return next((why for start, why in LOGGING_IN_FOR if next_url.startswith(start)), "Log in to see that page.")


async def login_page(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    return page(request, "templates/login.html", {"next": next_url, "why": logging_in_for(next_url)})


async def throttled_password_check(
    request: Request, account: str, user_id: int | None, password_hash: str | None, password: str
) -> bool | Response:
    """The typed password against the stored hash, counted by the login throttle before it is
    hashed. With no account (`password_hash` None) a dummy hash is checked all the same, so the
    time taken does not tell which emails have accounts. A hash found outdated is made again.
    A Response means too many tries: answer with it."""
    db = request.app.state.db
    limits = throttle.login_limits(account, client_address(request), device_nonce(request, user_id))
    if wait := await throttle.reserve(db, limits):
        return too_many_attempts(request, wait)
    verdict = await verify_password(password_hash or DUMMY_HASH, password)
    if not verdict.matches:
        return False
    await throttle.succeeded(db, limits)
    if verdict.outdated:
        new_hash = await hash_password(password)
        async with db.transaction() as connection:
            await connection.execute(update(users).where(users.c.id == user_id).values(password_hash=new_hash))
    return True


WRONG_PASSWORD = "That is not your current password."
PASSWORD_HASH = select(users.c.password_hash).where(users.c.id == bindparam("user_id"))


async def current_password_matches(request: Request, password: str) -> bool | Response:
    """Checks the password typed to confirm a change, throttled like a login, since a borrowed
    session could otherwise guess it at leisure. A Response means: too many tries."""
    user = request.state.user
    [(stored,)] = await request.app.state.db.fetch_all(PASSWORD_HASH, user_id=user.id)
    return await throttled_password_check(request, user.email, user.id, stored, password)


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


async def login(request: Request) -> Response:
    db: Database = request.app.state.db
    if request.app.state.settings.oidc_only:
        return error_response(request, 403, f"Sign in with {request.app.state.settings.oidc_name}.")
    fields = await form_fields(request, "email", "password", "next")
    fields["next"] = safe_next(request.query_params.get("next") or fields["next"])
    email = normalise_email(fields["email"])
    account = email or fields["email"].strip().casefold()
    login_url = "/login" if fields["next"] == "/" else f"/login?next={quote(fields['next'])}"
    kept = {"email": fields["email"], "next": fields["next"]}
    if not account or not fields["password"]:
        # Nothing to guess with: neither counted by the throttle nor checked against a hash.
        blank = {"email": "Enter your email."} if not account else {"password": "Enter your password."}
        return await refuse_form(request, login_url, "partials/login_form.html", kept, blank)
    rows = await db.fetch_all(USER_BY_EMAIL, email=email) if email is not None else []
    user_id, _, password_hash = rows[0] if rows else (None, None, None)
    checked = await throttled_password_check(request, account, user_id, password_hash, fields["password"])
    if checked is not True and user_id is not None:
        kind = events.LOGIN_THROTTLED if isinstance(checked, Response) else events.LOGIN_FAILED
        await events.record(db, request, user_id, kind)
    if isinstance(checked, Response):
        return checked
    if not checked:
        return await refuse_form(request, login_url, "partials/login_form.html", kept, {"password": LOGIN_FAILED})
    return await first_factor_given(request, user_id, "password", fields["next"])


AWAITING = select(users.c.email).where(users.c.id == bindparam("user_id"), users.c.awaiting_verification)


async def first_factor_given(request: Request, user_id: int, how: str, next_url: str) -> Response:
    """The password (or single sign-on, `how`) is right: an account still to prove its address
    is sent to do that; one with a second factor is asked for it next (/login/verify); any
    other is logged in."""
    db = request.app.state.db
    if request.app.state.settings.verify_email and (awaiting := await db.fetch_all(AWAITING, user_id=user_id)):
        email = awaiting[0][0]
        return await_address(request, user_id, email, f"{email} is not confirmed yet: a link was mailed there.")
    if await has_second_factor(db, user_id):
        request.session.clear()
        request.session[PENDING_LOGIN] = {"user": user_id, "since": now(), "next": next_url, "how": how}
        return go_to(request, "/login/verify")
    return await complete_login(request, user_id, how, next_url)


PENDING_LOGIN = "pending_login"  # the session of a browser between the password and the second factor
EMAIL_OF = select(users.c.email, users.c.disabled_at).where(users.c.id == bindparam("user_id"))
DISABLED = "This account is disabled. Ask the admin of this FlickList to enable it."


async def complete_login(request: Request, user_id: int, how: str, next_url: str) -> Response:
    """Every factor checked (`how` says which): the browser is sent on to `next_url`, known from
    now on (device cookie), with a new session, and the login goes into the security log."""
    db: Database = request.app.state.db
    [(email, disabled_at)] = await db.fetch_all(EMAIL_OF, user_id=user_id)
    if disabled_at is not None:
        request.session.clear()
        await events.record(db, request, user_id, events.LOGIN_FAILED, f"{how}: account disabled")
        return error_response(request, 403, DISABLED)
    response = go_to(request, safe_next(next_url))
    remember_device(request, response, user_id)
    await start_session(request, user_id)
    await events.record(db, request, user_id, events.LOGIN, how)
    flash(request, f"Welcome back, {email}!", "success")
    return response


async def logout(request: Request) -> Response:
    token, user = request.session.get("sid"), request.state.user
    if isinstance(token, str):
        async with request.app.state.db.transaction() as connection:
            await end_session(connection, token)
    if user is not None:
        await events.record(request.app.state.db, request, user.id, events.SESSIONS_ENDED, "logged out")
    return leave(request, "You have been logged out. See you soon!", "/login")


def leave(request: Request, goodbye: str, url: str) -> Response:
    """This browser's visit is over: a fresh session holding only the goodbye flash, and the
    browser sent to `url` with its cache and htmx's history copy wiped, so Back shows no list."""
    request.session.clear()
    flash(request, goodbye, "success")
    response = go_to(request, url)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


routes = [
    Route("/register", register_page),
    Route("/register", register, methods=["POST"]),
    Route("/login", login_page),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
