"""Accounts: register, log in, log out, sessions, and who is logged in: the login wall's
policy (its open paths, how a visitor is turned away), plumbed in by middleware/login_wall.py."""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .admin import invitations, registration
from .db import Database
from .security import address_limits, events, last_seen, throttle
from .security.device_cookie import device_nonce, remember_device
from .security.passwords import (
    DUMMY_HASH,
    NO_PASSWORD,
    PASSWORD_RULE,
    check_password,
    hash_password,
    verify_password,
)
from .tables import login_sessions, now, oidc_identities, passkeys, totp_secrets, users
from .web.flash import flash
from .web.forms import clean_text, form_fields, refuse_form
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
)
# /s/: share links, which answer anyone holding one (features/shared_lists.py).
OPEN_PREFIXES = ("/static/", "/s/")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    has_second_factor: bool = False
    # FLICKLIST_REQUIRE_MFA is on and this account has no second factor yet: until it adds one,
    # it sees only the pages that add one (`confine`).
    must_add_second_factor: bool = False
    # Films on each list, as the navigation shows them.
    watchlist_films: int = 0
    watched_films: int = 0
    is_admin: bool = False
    # Moves at every change to the account's diary: the stats page's figures are kept until it does.
    diary_version: int = 0


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


NEXT_MAX = 2000
PASSWORDS_DIFFER = "Passwords did not match. Type your password here again, then once more under “Password again”."


def safe_next(target: str | None) -> str:
    """Where to go after login: only a path on this site, never another host in disguise,
    and nothing a header could not carry (control or invisible characters, an endless URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if len(target) > NEXT_MAX or any(unicodedata.category(character)[0] == "C" for character in target):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(request: Request, user_id: int) -> None:
    """Log in: a fresh session, so nothing the browser held before carries over. Called last,
    once the response is made, so a request that fails leaves no session behind. Whoever
    just proved who they are counts as confirmed (`confirmed_recently`)."""
    token = secrets.token_urlsafe(32)
    timestamp = now()
    async with request.app.state.db.transaction() as connection:
        await connection.execute(
            insert(login_sessions).values(
                token_hash=token_hash(token), user_id=user_id, created_at=timestamp, last_seen_at=timestamp
            )
        )
        await connection.execute(update(users).where(users.c.id == user_id).values(last_seen_at=timestamp))
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


async def end_sessions(connection: AsyncConnection, user_id: int, keep_token: str | None = None) -> None:
    """Log a user out everywhere, or everywhere but the browser holding `keep_token`."""
    query = delete(login_sessions).where(login_sessions.c.user_id == user_id)
    if keep_token is not None:
        query = query.where(login_sessions.c.token_hash != token_hash(keep_token))
    await connection.execute(query)


def has_second_factor_of(user_id) -> ColumnElement[bool]:
    return or_(exists().where(passkeys.c.user_id == user_id), exists().where(totp_secrets.c.user_id == user_id))


END_SESSION = delete(login_sessions).where(login_sessions.c.token_hash == bindparam("hashed"))


async def end_session(connection: AsyncConnection, token: str) -> None:
    """Log out the one browser holding `token`."""
    await connection.execute(END_SESSION, {"hashed": token_hash(token)})


SESSION_LOOKUP = (
    select(
        users.c.id,
        users.c.email,
        login_sessions.c.created_at,
        login_sessions.c.last_seen_at,
        has_second_factor_of(users.c.id),
        users.c.watchlist_films,
        users.c.watched_films,
        users.c.is_admin,
        users.c.diary_version,
    )
    .join(users, users.c.id == login_sessions.c.user_id)
    .where(login_sessions.c.token_hash == bindparam("token_hash"), users.c.disabled_at.is_(None))
)
HAS_SECOND_FACTOR = select(has_second_factor_of(bindparam("user_id")))
HAS_PASSWORD = select(users.c.password_hash != NO_PASSWORD).where(users.c.id == bindparam("user_id"))


async def has_password(db: Database, user_id: int) -> bool:
    """False for an account made through single sign-on, which signs in there alone."""
    return bool((await db.fetch_all(HAS_PASSWORD, user_id=user_id))[0][0])


async def has_second_factor(db: Database, user_id: int) -> bool:
    return bool((await db.fetch_all(HAS_SECOND_FACTOR, user_id=user_id))[0][0])


async def current_user(request: Request) -> CurrentUser | None:
    """The user whose session this browser holds, in one query; a session past its lifetimes
    is ended, and a dead one dropped from the cookie."""
    token = request.session.get("sid")
    if not isinstance(token, str):
        return None
    db: Database = request.app.state.db
    settings = request.app.state.settings
    hashed = token_hash(token)
    rows = await db.fetch_all(SESSION_LOOKUP, token_hash=hashed)
    if not rows:
        request.session.pop("sid")
        return None
    user_id, email, created_at, last_seen_at, second_factor, watchlist_films, watched_films, is_admin, version = rows[0]
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
        has_second_factor=bool(second_factor),
        must_add_second_factor=settings.require_mfa and not second_factor,
        watchlist_films=watchlist_films,
        watched_films=watched_films,
        is_admin=bool(is_admin),
        diary_version=version,
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


def not_found(request: Request) -> Response:
    """What a page that exists only for admins answers anyone else: as if it did not exist."""
    return error_response(request, 404, "That page does not exist.")


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
    return page(request, "templates/register.html", await sign_up_context(request))


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
        created = await create_user(db, email, fields["password"], invitation)
        if isinstance(created, str):
            await address_limits.give_back(db, address_limits.SIGNUPS, client, per_hour)
            errors["email" if created == EMAIL_TAKEN else "invite"] = created
    if not isinstance(created, int):
        kept = {"email": fields["email"], "invite": fields["invite"]}
        return await refuse_form(request, "/register", "partials/register_form.html", kept, errors, context)
    response = go_to(request, "/")
    await start_session(request, created)
    flash(request, f"Welcome to FlickList, {email}! Add the first movie you want to see.", "success")
    return response


USER_BY_EMAIL = select(users.c.id, users.c.email, users.c.password_hash).where(users.c.email == bindparam("email"))
EMAIL_TAKEN = "An account with that email already exists. Log in instead?"


async def create_user(
    db: Database,
    email: str,
    password: str | None,
    invitation: str | None = None,
    admin: bool = False,
    identity: tuple[str, str] | None = None,
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
                .values(email=email, password_hash=password_hash, created_at=now(), is_admin=or_(first, admin))
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


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def too_many_attempts(request: Request, wait: int, what: str = "Too many attempts") -> Response:
    response = error_response(request, 429, f"{what}, try again in {wait} s.")
    response.headers["Retry-After"] = str(wait)
    return response


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


async def login(request: Request) -> Response:
    db: Database = request.app.state.db
    if request.app.state.settings.oidc_only:
        return error_response(request, 403, f"Sign in with {request.app.state.settings.oidc_name}.")
    fields = await form_fields(request, "email", "password", "next")
    fields["next"] = safe_next(request.query_params.get("next") or fields["next"])
    email = normalise_email(fields["email"])
    account = email or fields["email"].strip().casefold()
    rows = await db.fetch_all(USER_BY_EMAIL, email=email) if email is not None else []
    user_id, _, password_hash = rows[0] if rows else (None, None, None)
    checked = await throttled_password_check(request, account, user_id, password_hash, fields["password"])
    if checked is not True and user_id is not None:
        kind = events.LOGIN_THROTTLED if isinstance(checked, Response) else events.LOGIN_FAILED
        await events.record(db, request, user_id, kind)
    if isinstance(checked, Response):
        return checked
    if not checked:
        login_url = "/login" if fields["next"] == "/" else f"/login?next={quote(fields['next'])}"
        kept = {"email": fields["email"], "next": fields["next"]}
        return await refuse_form(request, login_url, "partials/login_form.html", kept, {"password": LOGIN_FAILED})
    return await first_factor_given(request, user_id, "password", fields["next"])


async def first_factor_given(request: Request, user_id: int, how: str, next_url: str) -> Response:
    """The password (or single sign-on, `how`) is right: an account with a second factor is
    asked for it next (/login/verify); any other is logged in."""
    if await has_second_factor(request.app.state.db, user_id):
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
