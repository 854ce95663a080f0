"""Deleting an account, setting its password and ending its sessions: one function each,
called alike by the command line, the admin page and the account page, so each rule is
kept once. The last admin stays while other accounts remain; what an admin or the command
line does gets its line in the audit trail, in the transaction of the change; a new password
ends the account's sessions, all but the browser that set it when its owner changes it, and
revokes its pending password reset and new address account_links."""

from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import Database
from .security import account_links, audit
from .security.link_tokens import secret_hash
from .security.passwords import hash_password
from .tables import login_sessions, users


class Refused(Exception):
    """A change that would do harm (the last admin deleted or demoted) or has no account to
    change; the message says why."""


class Target(NamedTuple):
    email: str
    is_admin: bool
    disabled_at: int | None
    films: int


TARGET = select(
    users.c.email, users.c.is_admin, users.c.disabled_at, users.c.watchlist_films + users.c.watched_films
).where(users.c.id == bindparam("id"))
ADMINS_LEFT = select(func.count()).where(users.c.is_admin, users.c.disabled_at.is_(None))
OTHER_ACCOUNTS = select(func.count()).where(users.c.id != bindparam("id"))
NO_SUCH_ACCOUNT = "There is no such account."


async def target(connection: AsyncConnection, user_id: int) -> Target:
    """The account a change is aimed at; Refused when there is none."""
    row = (await connection.execute(TARGET, {"id": user_id})).first()
    if row is None:
        raise Refused(NO_SUCH_ACCOUNT)
    return Target(*row)


async def ensure_an_admin_remains(connection: AsyncConnection, found: Target) -> None:
    """Refused when `found` is the last active admin, whom the change would take away."""
    if found.is_admin and found.disabled_at is None and (await connection.execute(ADMINS_LEFT)).scalar_one() <= 1:
        raise Refused(f"{found.email} is the only admin left: make another admin first.")


async def end_sessions(
    connection: AsyncConnection, user_id: int, by: str | None = None, keep_token: str | None = None
) -> tuple[str, int]:
    """Log the account out everywhere, or everywhere but the browser holding `keep_token`.
    `by` is who acts, for the audit trail (an admin's email, audit.COMMAND_LINE); None writes
    no line: the owner acting, or a change that writes a line of its own. The answer is the
    account's email and how many sessions ended."""
    found = await target(connection, user_id)
    query = delete(login_sessions).where(login_sessions.c.user_id == user_id)
    if keep_token is not None:
        query = query.where(login_sessions.c.token_hash != secret_hash(keep_token))
    ended = (await connection.execute(query)).rowcount
    if by is not None:
        await audit.record(connection, by, "ended sessions", found.email, f"{ended} ended")
    return found.email, ended


async def set_password(
    db: Database, user_id: int, password: str, by: str | None = None, keep_token: str | None = None
) -> tuple[str, int]:
    """A new password (checked already: security.passwords.check_password), stored by
    store_password in one transaction; `by` as for end_sessions. The answer is the account's
    email and how many sessions ended."""
    password_hash = await hash_password(password)  # slow on purpose: outside the transaction
    async with db.transaction() as connection:
        return await store_password(connection, user_id, password_hash, by, keep_token)


async def store_password(
    connection: AsyncConnection,
    user_id: int,
    password_hash: str,
    by: str | None = None,
    keep_token: str | None = None,
) -> tuple[str, int]:
    """The new password's hash, the account's sessions ended but `keep_token`'s, and its pending
    password reset and new address links revoked (whoever asked for those may be who the new
    password shuts out); `by` as for end_sessions."""
    await connection.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))
    email, ended = await end_sessions(connection, user_id, keep_token=keep_token)
    await account_links.revoke_all(
        connection, user_id, email, (account_links.RESET, account_links.NEW_ADDRESS), "password changed", by=by
    )
    if by is not None:
        await audit.record(connection, by, "set password", email, f"{ended} sessions ended")
    return email, ended


async def delete_account(connection: AsyncConnection, user_id: int, by: str | None = None) -> tuple[str, int]:
    """Delete the account and everything it holds (ON DELETE CASCADE), unless it is the last
    admin of an instance where other accounts remain; `by` as for end_sessions. The answer is
    its email and how many films it had."""
    found = await target(connection, user_id)
    if (await connection.execute(OTHER_ACCOUNTS, {"id": user_id})).scalar_one():
        await ensure_an_admin_remains(connection, found)
    await connection.execute(delete(users).where(users.c.id == user_id))
    if by is not None:
        await audit.record(connection, by, "deleted account", found.email, f"{found.films} films")
    return found.email, found.films
