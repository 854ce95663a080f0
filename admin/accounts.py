"""Accounts as an admin sees and changes them: the list with what each holds, disabling and
enabling, ending sessions, promoting, demoting and deleting; each change written with its
line in the audit trail, in one transaction."""

from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..auth import has_second_factor_of
from ..db import Database
from ..tables import films, login_sessions, movies, now, users, viewings
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


EMAIL_AND_ROLE = select(users.c.email, users.c.is_admin, users.c.disabled_at).where(users.c.id == bindparam("id"))
ADMINS_LEFT = select(func.count()).where(users.c.is_admin, users.c.disabled_at.is_(None))


class Refused(Exception):
    """An admin action that would do harm (the last admin demoting themselves); the message says why."""


async def target(connection: AsyncConnection, user_id: int) -> tuple[str, bool, int | None] | None:
    row = (await connection.execute(EMAIL_AND_ROLE, {"id": user_id})).first()
    return tuple(row) if row else None


async def ensure_an_admin_remains(connection: AsyncConnection, user_id: int) -> None:
    found = await target(connection, user_id)
    if found and found[1] and found[2] is None and (await connection.execute(ADMINS_LEFT)).scalar_one() <= 1:
        raise Refused(f"{found[0]} is the only admin left: make another admin first.")


async def set_disabled(connection: AsyncConnection, admin: str, user_id: int, disabled: bool) -> str:
    """Disable (sessions end at once, data stays) or enable an account; the answer is its email."""
    if disabled:
        await ensure_an_admin_remains(connection, user_id)
    email = await changed(connection, user_id, disabled_at=now() if disabled else None)
    if disabled:
        await connection.execute(delete(login_sessions).where(login_sessions.c.user_id == user_id))
    await audit.record(connection, admin, "disabled account" if disabled else "enabled account", email)
    return email


async def set_admin(connection: AsyncConnection, admin: str, user_id: int, is_admin: bool) -> str:
    if not is_admin:
        await ensure_an_admin_remains(connection, user_id)
    email = await changed(connection, user_id, is_admin=is_admin)
    await audit.record(connection, admin, "made admin" if is_admin else "removed admin", email)
    return email


async def end_sessions(connection: AsyncConnection, admin: str, user_id: int) -> tuple[str, int]:
    found = await target(connection, user_id)
    if found is None:
        raise Refused("There is no such account.")
    ended = await connection.execute(delete(login_sessions).where(login_sessions.c.user_id == user_id))
    await audit.record(connection, admin, "ended sessions", found[0], f"{ended.rowcount} ended")
    return found[0], ended.rowcount


async def delete_account(connection: AsyncConnection, admin: str, user_id: int) -> tuple[str, int]:
    """Deletes the account and everything it holds (ON DELETE CASCADE); the answer is its email
    and how many films it had."""
    await ensure_an_admin_remains(connection, user_id)
    found = await target(connection, user_id)
    if found is None:
        raise Refused("There is no such account.")
    count = (await connection.execute(select(func.count()).where(movies.c.user_id == user_id))).scalar_one()
    await connection.execute(delete(users).where(users.c.id == user_id))
    await audit.record(connection, admin, "deleted account", found[0], f"{count} films")
    return found[0], count


async def changed(connection: AsyncConnection, user_id: int, **values) -> str:
    result = await connection.execute(
        update(users).where(users.c.id == user_id).values(**values).returning(users.c.email)
    )
    email = result.scalar_one_or_none()
    if email is None:
        raise Refused("There is no such account.")
    return email
