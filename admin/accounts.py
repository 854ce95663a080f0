"""Accounts as an admin sees them (the list with what each holds, the instance's counts) and
the changes only admins make: disabling, enabling, promoting and demoting, each written with
its line in the audit trail, in one transaction. Deleting, setting a password and ending
sessions, which the account page makes too, live in account_changes.py."""

from typing import NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..account_changes import end_sessions, ensure_an_admin_remains, target
from ..db import Database
from ..security import audit
from ..security.second_factors import has_second_factor_of
from ..tables import films, login_sessions, now, users, viewings


class Account(NamedTuple):
    id: int
    email: str
    created_at: int
    last_seen_at: int | None
    films: int
    has_second_factor: bool
    is_admin: bool
    disabled_at: int | None
    # Its address: when last proved by a mailed link, and whether sign-in waits for that.
    email_verified_at: int | None
    awaiting_verification: bool


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
        users.c.email_verified_at,
        users.c.awaiting_verification,
    )
    .order_by(users.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


PAGE = 200


async def listed(db: Database, page: int = 0) -> list[Account]:
    rows = await db.fetch_all(ACCOUNTS, limit=PAGE, offset=page * PAGE)
    return [Account(*row[:5], bool(row[5]), bool(row[6]), row[7], row[8], bool(row[9])) for row in rows]


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


async def set_disabled(connection: AsyncConnection, admin: str, user_id: int, disabled: bool) -> str:
    """Disable (sessions end at once, data stays) or enable an account; the answer is its email."""
    found = await target(connection, user_id)
    if disabled:
        await ensure_an_admin_remains(connection, found)
        await end_sessions(connection, user_id)
    await changed(connection, user_id, disabled_at=now() if disabled else None)
    await audit.record(connection, admin, "disabled account" if disabled else "enabled account", found.email)
    return found.email


async def set_admin(connection: AsyncConnection, admin: str, user_id: int, is_admin: bool) -> str:
    """Make the account an admin or not; the answer is its email. One that is so already is left
    as it is, with nothing in the audit trail."""
    found = await target(connection, user_id)
    if found.is_admin == is_admin:
        return found.email
    if not is_admin:
        await ensure_an_admin_remains(connection, found)
    await changed(connection, user_id, is_admin=is_admin)
    await audit.record(connection, admin, "made admin" if is_admin else "removed admin", found.email)
    return found.email


async def changed(connection: AsyncConnection, user_id: int, **values) -> None:
    await connection.execute(update(users).where(users.c.id == user_id).values(**values))
