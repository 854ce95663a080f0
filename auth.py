"""Accounts: register, log in, log out, password hashing, and the login wall that keeps
every page but the sign-in pages for logged-in users."""

import gzip
import hashlib
import os
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

import throttle
from db import fetch_all, login_sessions, now, users, write_transaction
from flash import flash
from forms import form_fields, refuse_form
from rendering import error_response, go_to, is_htmx, page
from settings import BASE_DIR

PASSWORD_MIN = 15
PASSWORD_MAX = 1024
PASSWORD_RULE = f"At least {PASSWORD_MIN} characters; any characters, spaces too. A short sentence works well."

# OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane): about 26 ms a hash on one core here.
password_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Hashing runs in threads, leaving one core to the event loop (at most 4 at once), so a login
# storm neither stalls other pages nor holds more than 4 x 19 MiB of hash memory.
hashing_slots = anyio.CapacityLimiter(max(1, min(4, (os.cpu_count() or 2) - 1)))
DUMMY_HASH = password_hasher.hash(secrets.token_urlsafe(16))

LOGIN_FAILED = "Email or password is incorrect."
OPEN_PATHS = ("/login", "/register", "/healthz")
OPEN_PREFIXES = ("/static/",)


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(password_hasher.hash, password, limiter=hashing_slots)


async def password_matches(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return password_hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify, limiter=hashing_slots)


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


def load_common_passwords() -> frozenset[str]:
    """Published lists of passwords people actually use (see data/README.md), kept to those
    the length rule would otherwise let through."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())


COMMON_PASSWORDS_FILE = BASE_DIR / "data" / "common-passwords.txt.gz"
COMMON_PASSWORDS = load_common_passwords()


def check_password(password: str, email: str) -> str | None:
    """NIST SP 800-63B-4: length counted in code points, exactly as typed; no composition
    rules; refused when common or built around words this site or the user gives away."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be at least {PASSWORD_MIN} characters long."
    if len(password) > PASSWORD_MAX:
        return f"Password must be at most {PASSWORD_MAX:,} characters long."
    folded = password.casefold()
    address = (normalise_email(email) or email).casefold()
    if folded in (address, address.partition("@")[0]):
        return "Password must not be your email address."
    if folded in COMMON_PASSWORDS:
        return "That password is on a list of commonly used passwords. Please choose another."
    for word in (address.partition("@")[0], "flicklist"):
        # A word anyone can guess adds nothing: what is left must meet the length rule alone.
        if len(word) >= 4 and word in folded and len(folded.replace(word, "")) < PASSWORD_MIN:
            return f"Password must not be built around '{word}'; add more of your own words."
    return None


def safe_next(target: str | None) -> str:
    """Where to go after login: only a path on this site, never another host in disguise."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(character) < 32 for character in target):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(request: Request, user_id: int) -> None:
    """Log in: a fresh session, so nothing the browser held before carries over."""
    token = secrets.token_urlsafe(32)
    timestamp = now()
    async with write_transaction(request.app.state.engine) as connection:
        await connection.execute(
            insert(login_sessions).values(
                token_hash=token_hash(token), user_id=user_id, created_at=timestamp, last_seen_at=timestamp
            )
        )
    request.session.clear()
    request.session["sid"] = token


async def end_sessions(connection: AsyncConnection, user_id: int, keep_token: str | None = None) -> None:
    """Log a user out everywhere, or everywhere but the browser holding `keep_token`."""
    query = delete(login_sessions).where(login_sessions.c.user_id == user_id)
    if keep_token is not None:
        query = query.where(login_sessions.c.token_hash != token_hash(keep_token))
    await connection.execute(query)


SESSION_LOOKUP = (
    select(users.c.id, users.c.email, login_sessions.c.created_at, login_sessions.c.last_seen_at)
    .join(users, users.c.id == login_sessions.c.user_id)
    .where(login_sessions.c.token_hash == bindparam("token_hash"))
)


async def load_user(engine: AsyncEngine, token: str, idle_seconds: int, absolute_seconds: int) -> CurrentUser | None:
    """The user behind a session token, in one query; a session past its lifetimes is ended."""
    hashed = token_hash(token)
    rows = await fetch_all(engine, SESSION_LOOKUP, token_hash=hashed)
    if not rows:
        return None
    user_id, email, created_at, last_seen_at = rows[0]
    timestamp = now()
    expired = timestamp - last_seen_at > idle_seconds or timestamp - created_at > absolute_seconds
    # last_seen is written at most once a minute: a write per page view would cost more than it tells.
    if expired or timestamp - last_seen_at > 60:
        async with write_transaction(engine) as connection:
            if expired:
                await connection.execute(delete(login_sessions).where(login_sessions.c.token_hash == hashed))
            else:
                await connection.execute(
                    update(login_sessions).where(login_sessions.c.token_hash == hashed).values(last_seen_at=timestamp)
                )
    return None if expired else CurrentUser(user_id, email)


class LoginWall:
    """Lets a visitor through to the open paths only; everything else needs a logged-in user,
    who is loaded here once per request into request.state.user."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        settings = request.app.state.settings
        token = request.session.get("sid")
        user = None
        if isinstance(token, str):
            user = await load_user(
                request.app.state.engine, token, settings.session_idle_seconds, settings.session_absolute_seconds
            )
            if user is None:
                request.session.pop("sid")
        scope.setdefault("state", {})["user"] = user
        if user is None and scope["path"] not in OPEN_PATHS:
            await self.turn_away(request)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def turn_away(request: Request) -> Response:
        back_to = request.url.path
        if is_htmx(request):
            # The page the user is on, not the fragment URL the click posted to.
            back_to = urlsplit(request.headers.get("hx-current-url", "")).path or "/"
        login_url = "/login" if back_to == "/" else f"/login?next={quote(back_to)}"
        if is_htmx(request):
            return Response("Please log in.", status_code=401, headers={"HX-Redirect": login_url})
        return go_to(request, login_url)


async def register_page(request: Request) -> Response:
    return page(request, "templates/register.html", {"password_rule": PASSWORD_RULE})


async def register(request: Request) -> Response:
    fields = await form_fields(request, "email", "password", "verify")
    errors = {
        "email": check_email(fields["email"]),
        "password": check_password(fields["password"], fields["email"]),
    }
    if not errors["password"] and fields["password"] != fields["verify"]:
        errors["verify"] = "Passwords did not match."
    user_id = None
    if not any(errors.values()):
        email = normalise_email(fields["email"])
        user_id = await create_user(request.app.state.engine, email, fields["password"])
        if user_id is None:
            errors["email"] = "An account with that email already exists. Log in instead?"
    if user_id is None:
        kept = {"email": fields["email"]}
        context = {"password_rule": PASSWORD_RULE}
        return refuse_form(request, "/register", "partials/register_form.html", kept, errors, context)
    await start_session(request, user_id)
    flash(request, f"Welcome to FlickList, {email}! Add the first movie you want to see.", "success")
    return go_to(request, "/")


async def create_user(engine: AsyncEngine, email: str, password: str) -> int | None:
    """The new user's id, or None when the email already has an account. The look-up comes
    first and spares the hash; the unique constraint settles two sign-ups racing for one address."""
    async with engine.connect() as connection:
        taken = (await connection.execute(select(users.c.id).where(users.c.email == email))).first()
    if taken:
        return None
    password_hash = await hash_password(password)
    try:
        async with write_transaction(engine) as connection:
            result = await connection.execute(
                insert(users).values(email=email, password_hash=password_hash, created_at=now()).returning(users.c.id)
            )
            return result.scalar_one()
    except IntegrityError:
        return None


async def login_page(request: Request) -> Response:
    return page(request, "templates/login.html", {"next": safe_next(request.query_params.get("next"))})


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def too_many_attempts(request: Request, wait: int) -> Response:
    response = error_response(request, 429, f"Too many attempts, try again in {wait} s.")
    response.headers["Retry-After"] = str(wait)
    return response


async def throttled_password_check(
    request: Request, throttle_key: str, password_hash: str | None, password: str
) -> bool | Response:
    """The typed password against the stored hash, counted by the login throttle. With no
    account (`password_hash` None) a dummy hash is checked all the same, so the time taken
    does not tell which emails have accounts. A Response means too many tries: answer with it."""
    engine, client = request.app.state.engine, client_address(request)
    if wait := await throttle.seconds_to_wait(engine, throttle_key, client):
        return too_many_attempts(request, wait)
    # DUMMY_HASH is of a random secret nobody can type, so it never matches.
    if await password_matches(password_hash or DUMMY_HASH, password):
        return True
    await throttle.record_failure(engine, throttle_key, client)
    return False


async def login(request: Request) -> Response:
    engine = request.app.state.engine
    fields = await form_fields(request, "email", "password", "next")
    fields["next"] = safe_next(request.query_params.get("next") or fields["next"])
    email = normalise_email(fields["email"])
    throttle_key = email or fields["email"].strip().casefold()
    row = None
    if email is not None:
        async with engine.connect() as connection:
            query = select(users.c.id, users.c.email, users.c.password_hash).where(users.c.email == email)
            row = (await connection.execute(query)).first()
    checked = await throttled_password_check(
        request, throttle_key, row.password_hash if row else None, fields["password"]
    )
    if isinstance(checked, Response):
        return checked
    if not checked:
        login_url = "/login" if fields["next"] == "/" else f"/login?next={quote(fields['next'])}"
        kept = {"email": fields["email"], "next": fields["next"]}
        return refuse_form(request, login_url, "partials/login_form.html", kept, {"password": LOGIN_FAILED})
    await throttle.forget_failures(engine, throttle_key, client_address(request))
    await rehash_if_outdated(engine, row.id, row.password_hash, fields["password"])
    await start_session(request, row.id)
    flash(request, f"Welcome back, {row.email}!", "success")
    return go_to(request, fields["next"])


async def rehash_if_outdated(engine: AsyncEngine, user_id: int, password_hash: str, password: str) -> None:
    """A hash made with older Argon2 parameters is replaced, now that the password is at hand."""
    if password_hasher.check_needs_rehash(password_hash):
        new_hash = await hash_password(password)
        async with write_transaction(engine) as connection:
            await connection.execute(update(users).where(users.c.id == user_id).values(password_hash=new_hash))


async def logout(request: Request) -> Response:
    token = request.session.get("sid")
    if isinstance(token, str):
        async with write_transaction(request.app.state.engine) as connection:
            await connection.execute(delete(login_sessions).where(login_sessions.c.token_hash == token_hash(token)))
    request.session.clear()
    flash(request, "You have been logged out. See you soon!", "success")
    response = go_to(request, "/login")
    # Wipes the browser's cache and htmx's history copy, so Back shows no list after logout.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
