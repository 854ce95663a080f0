"""Accounts as an admin sees and changes them: the list with what each holds, disabling and
enabling, ending sessions, promoting, demoting and deleting; each change written with its
line in the audit trail, in one transaction."""

from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..auth import has_second_factor_of
from ..db import Database
from ..tables import films, login_sessions, now, users, viewings
from . import audit


class Account(NamedTuple):
    id: int
    email: str
    created_at: int
    last_seen_at: int | None
    films: int
    has_second_factor: bool
    is_admin: bool
    disabled_at: int | None


ACCOUNTS = (
    select(
        users.c.id,
        users.c.email,
        users.c.created_at,
        users.c.last_seen_at,
        users.c.watchlist_films + users.c.watched_films,
        has_second_factor_of(users.c.id),
        users.c.is_admin,
        users.c.disabled_at,
    )
    .order_by(users.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


PAGE = 200


async def listed(db: Database, page: int = 0) -> list[Account]:
    rows = await db.fetch_all(ACCOUNTS, limit=PAGE, offset=page * PAGE)
    return [Account(*row[:5], bool(row[5]), bool(row[6]), row[7]) for row in rows]


COUNTS = select(
    select(func.count()).select_from(users).scalar_subquery(),
    select(func.count()).select_from(users).where(users.c.disabled_at.is_not(None)).scalar_subquery(),
    select(func.count()).select_from(login_sessions).scalar_subquery(),
    select(func.coalesce(func.sum(users.c.watchlist_films + users.c.watched_films), 0)).scalar_subquery(),
    select(func.count()).select_from(viewings).scalar_subquery(),
    select(func.count()).select_from(films).scalar_subquery(),
)


class InstanceCounts(NamedTuple):
    accounts: int
    disabled: int
    sessions: int
    films_listed: int
    viewings: int
    catalog_films: int


async def counts(db: Database) -> InstanceCounts:
    return InstanceCounts(*(await db.fetch_all(COUNTS))[0])


class Target(NamedTuple):
    email: str
    is_admin: bool
    disabled_at: int | None
    films: int


TARGET = select(
    users.c.email, users.c.is_admin, users.c.disabled_at, users.c.watchlist_films + users.c.watched_films
).where(users.c.id == bindparam("id"))
ADMINS_LEFT = select(func.count()).where(users.c.is_admin, users.c.disabled_at.is_(None))
NO_SUCH_ACCOUNT = "There is no such account."


class Refused(Exception):
    """An admin action that would do harm (the last admin demoting themselves); the message says why."""


async def target(connection: AsyncConnection, user_id: int) -> Target:
    """The account an action is aimed at; Refused when there is none."""
    row = (await connection.execute(TARGET, {"id": user_id})).first()
    if row is None:
        raise Refused(NO_SUCH_ACCOUNT)
    return Target(*row)


async def ensure_an_admin_remains(connection: AsyncConnection, found: Target) -> None:
    """Refused when `found` is the last active admin, whom the action would take away."""
    if found.is_admin and found.disabled_at is None and (await connection.execute(ADMINS_LEFT)).scalar_one() <= 1:
        raise Refused(f"{found.email} is the only admin left: make another admin first.")


async def set_disabled(connection: AsyncConnection, admin: str, user_id: int, disabled: bool) -> str:
    """Disable (sessions end at once, data stays) or enable an account; the answer is its email."""
    found = await target(connection, user_id)
    if disabled:
        await ensure_an_admin_remains(connection, found)
        await connection.execute(delete(login_sessions).where(login_sessions.c.user_id == user_id))
    await changed(connection, user_id, disabled_at=now() if disabled else None)
    await audit.record(connection, admin, "disabled account" if disabled else "enabled account", found.email)
    return found.email


async def set_admin(connection: AsyncConnection, admin: str, user_id: int, is_admin: bool) -> str:
    found = await target(connection, user_id)
    if not is_admin:
        await ensure_an_admin_remains(connection, found)
    await changed(connection, user_id, is_admin=is_admin)
    await audit.record(connection, admin, "made admin" if is_admin else "removed admin", found.email)
    return found.email


async def end_sessions(connection: AsyncConnection, admin: str, user_id: int) -> tuple[str, int]:
    found = await target(connection, user_id)
    ended = await connection.execute(delete(login_sessions).where(login_sessions.c.user_id == user_id))
    await audit.record(connection, admin, "ended sessions", found.email, f"{ended.rowcount} ended")
    return found.email, ended.rowcount


async def delete_account(connection: AsyncConnection, admin: str, user_id: int) -> tuple[str, int]:
    """Deletes the account and everything it holds (ON DELETE CASCADE); the answer is its email
    and how many films it had."""
    found = await target(connection, user_id)
    await ensure_an_admin_remains(connection, found)
    await connection.execute(delete(users).where(users.c.id == user_id))
    await audit.record(connection, admin, "deleted account", found.email, f"{found.films} films")
    return found.email, found.films


async def changed(connection: AsyncConnection, user_id: int, **values) -> None:
    await connection.execute(update(users).where(users.c.id == user_id).values(**values))
