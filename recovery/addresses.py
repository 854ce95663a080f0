"""Accounts' addresses: proved by opening a link mailed there (VERIFY), moved to a new one only
once the link mailed to it is opened (NEW_ADDRESS), and the accounts made under
FLICKLIST_VERIFY_EMAIL whose address was never proved removed after FLICKLIST_UNVERIFIED_DAYS."""

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..account_changes import Refused, delete_account
from ..db import Database
from ..security import account_links, audit
from ..tables import now, users

ADDRESS_TAKEN = "Another account uses that address."


async def verify(connection: AsyncConnection, user_id: int, email: str) -> None:
    """The account's address is `email`'s owner's: proved now, and no longer awaited."""
    await connection.execute(
        update(users)
        .where(users.c.id == user_id, users.c.email == email)
        .values(email_verified_at=now(), awaiting_verification=False)
    )


EMAIL_IN_USE = select(users.c.id).where(users.c.email == bindparam("email"))


async def in_use(db: Database, email: str) -> bool:
    return bool(await db.fetch_all(EMAIL_IN_USE, email=email))


async def move(connection: AsyncConnection, link: account_links.Link) -> None:
    """The account takes the address `link` was mailed to, proved by its opening; the links that
    went to the old address are revoked. Refused when another account took it meanwhile."""
    if (await connection.execute(EMAIL_IN_USE, {"email": link.email})).first():
        raise Refused(ADDRESS_TAKEN)
    await connection.execute(
        update(users)
        .where(users.c.id == link.user_id)
        .values(email=link.email, email_verified_at=now(), awaiting_verification=False)
    )
    await audit.record(connection, link.account, "changed address", link.email, f"was {link.account}")
    await account_links.revoke_all(
        connection, link.user_id, link.email, (account_links.RESET, account_links.VERIFY), "address changed"
    )


UNVERIFIED = select(users.c.id, users.c.email).where(
    users.c.awaiting_verification, users.c.created_at <= bindparam("before")
)


async def remove_unverified(connection: AsyncConnection, days: int) -> int:
    """Delete the accounts still awaiting their address's proof `days` after sign-up, each with
    its line in the audit trail (housekeeping.py); the instance's last admin stays, as
    account_changes.delete_account has it."""
    removed = 0
    for user_id, email in (await connection.execute(UNVERIFIED, {"before": now() - days * 86400})).all():
        try:
            await delete_account(connection, user_id)
        except Refused:
            continue
        detail = f"address not verified within {days} day{'s' if days != 1 else ''}"
        await audit.record(connection, account_links.HOUSEKEEPING, "removed unverified account", email, detail)
        removed += 1
    return removed
