"""One-time links to act on an account, each of one kind: RESET sets a new password, VERIFY
proves the account's address, NEW_ADDRESS moves the account to the address it was mailed to.

A link's token is security/link_tokens.py's (128 random bits, only a hash stored), shown or
mailed once, good for one use until it expires. Only pending links are kept: a link used,
revoked or found expired is deleted, and each one made, used, revoked or expired has its line
in the audit trail. A new link replaces the account's pending one of the same kind."""

from typing import NamedTuple

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database
from ..tables import account_links, now, users
from . import audit, link_tokens

RESET, VERIFY, NEW_ADDRESS = "password reset", "address check", "new address"
KINDS = (RESET, VERIFY, NEW_ADDRESS)
# Who made or ended a link when no admin did: the audit trail's "who".
FORGOT_FORM, SIGN_UP, HOUSEKEEPING = "“Forgot your password?”", "sign-up", "housekeeping"

# How long a reset link made by an admin (page or command line) lasts, in minutes.
RESET_LINK_MINUTES, MIN_RESET_LINK_MINUTES, MAX_RESET_LINK_MINUTES = 60, 10, 7 * 24 * 60

# One refusal for a link that was tampered with, used, revoked or expired: which of these it
# was helps nobody holding it, and would tell a guesser how near they came.
REFUSED = "That link cannot be used: it was used already, has expired, or was not copied whole. Ask for a new one."


def lifetime(seconds: int) -> str:
    """'10 minutes', '1 hour', '7 days': how long a link lasts, as the audit trail and mails say."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


async def make(
    connection: AsyncConnection,
    user_id: int,
    account: str,
    kind: str,
    seconds: int,
    made_by: str,
    email: str | None = None,
) -> str:
    """A new link of `kind` to `account` (its email), lasting `seconds`, mailed to `email` (None:
    handed over by an admin); the answer is its token, which is not kept."""
    await revoke_all(connection, user_id, account, (kind,), "replaced by a new one", by=made_by)
    timestamp = now()
    token = await link_tokens.insert_with_token(
        connection,
        account_links,
        user_id=user_id,
        kind=kind,
        email=email,
        made_by=made_by,
        created_at=timestamp,
        expires_at=timestamp + seconds,
    )
    detail = f"link {token.partition('.')[0]}, lasts {lifetime(seconds)}" + (f", mailed to {email}" if email else "")
    await audit.record(connection, made_by, f"made {kind} link", account, detail)
    return token


class Link(NamedTuple):
    """A pending link, as LINK reads it: `account` is the account's email now, `email` where
    the link was mailed."""

    id: int
    user_id: int
    kind: str
    secret_hash: str
    email: str | None
    account: str


LINK = (
    select(
        account_links.c.id,
        account_links.c.user_id,
        account_links.c.kind,
        account_links.c.secret_hash,
        account_links.c.email,
        users.c.email,
    )
    .join(users, users.c.id == account_links.c.user_id)
    .where(
        account_links.c.id == bindparam("id"),
        account_links.c.kind.in_([bindparam("kind"), bindparam("or_kind")]),
        account_links.c.expires_at > bindparam("now"),
        # A disabled account's links wait unused: disabling shuts out whoever holds one too.
        users.c.disabled_at.is_(None),
    )
)


async def find(db: Database, token: str, kinds: tuple[str, ...]) -> Link | None:
    """The pending link of one of `kinds` (one or two) that `token` opens, or None (then say REFUSED)."""
    parsed = link_tokens.parse(token)
    if parsed is None:
        return None
    rows = await db.fetch_all(LINK, id=parsed[0], kind=kinds[0], or_kind=kinds[-1], now=now())
    link = Link(*rows[0]) if rows else None
    return link if link is not None and link_tokens.matches(link.secret_hash, parsed[1]) else None


USE = delete(account_links).where(account_links.c.id == bindparam("id"), account_links.c.expires_at > bindparam("now"))


async def use(connection: AsyncConnection, link: Link) -> bool:
    """Spend `link`, in the transaction of what it does: of two uses racing, one only gets True."""
    used = await connection.execute(USE, {"id": link.id, "now": now()})
    if used.rowcount != 1:
        return False
    await audit.record(connection, link.account, f"used {link.kind} link", link.account, f"link {link.id}")
    return True


PENDING_OF = (
    select(account_links.c.id, account_links.c.kind)
    .where(
        account_links.c.user_id == bindparam("user_id"),
        account_links.c.kind.in_(bindparam("kinds", expanding=True)),
    )
    .order_by(account_links.c.id)
)


async def revoke_all(
    connection: AsyncConnection, user_id: int, account: str, kinds: tuple[str, ...], why: str, by: str | None = None
) -> int:
    """Revoke the account's pending links of `kinds` (a password changed, a new address taken,
    a new link made), each with its line naming who did it (`by`: an admin, "command line"; else
    the account); the answer is how many there were."""
    pending = (await connection.execute(PENDING_OF, {"user_id": user_id, "kinds": list(kinds)})).all()
    for link_id, kind in pending:
        await connection.execute(delete(account_links).where(account_links.c.id == link_id))
        await audit.record(connection, by or account, f"revoked {kind} link", account, f"link {link_id}, {why}")
    return len(pending)


REVOKE = delete(account_links).where(account_links.c.id == bindparam("id")).returning(account_links.c.kind)
ACCOUNT_OF = select(users.c.email).join(account_links, account_links.c.user_id == users.c.id)


async def revoke(connection: AsyncConnection, link_id: int, by: str) -> bool:
    """An admin (`by`) withdraws one pending link; False when it was gone already."""
    account = (await connection.execute(ACCOUNT_OF.where(account_links.c.id == link_id))).scalar()
    kind = (await connection.execute(REVOKE, {"id": link_id})).scalar()
    if kind is None:
        return False
    await audit.record(connection, by, f"revoked {kind} link", account, f"link {link_id}")
    return True


class Pending(NamedTuple):
    id: int
    account: str
    kind: str
    email: str | None
    made_by: str
    created_at: int
    expires_at: int


PENDING = (
    select(
        account_links.c.id,
        users.c.email,
        account_links.c.kind,
        account_links.c.email,
        account_links.c.made_by,
        account_links.c.created_at,
        account_links.c.expires_at,
    )
    .join(users, users.c.id == account_links.c.user_id)
    .where(account_links.c.expires_at > bindparam("now"))
    .order_by(account_links.c.id.desc())
    .limit(100)
)


async def pending(db: Database) -> list[Pending]:
    """The newest hundred links that can still be used, for the admin page."""
    return [Pending(*row) for row in await db.fetch_all(PENDING, now=now())]


EXPIRED = (
    select(account_links.c.id, account_links.c.kind, users.c.email)
    .join(users, users.c.id == account_links.c.user_id)
    .where(account_links.c.expires_at <= bindparam("now"))
)


async def remove_expired(connection: AsyncConnection) -> int:
    """Delete the links past their time, each with its 'expired' line (housekeeping.py)."""
    expired = (await connection.execute(EXPIRED, {"now": now()})).all()
    for link_id, kind, account in expired:
        await connection.execute(delete(account_links).where(account_links.c.id == link_id))
        await audit.record(connection, HOUSEKEEPING, f"{kind} link expired", account, f"link {link_id}, unused")
    return len(expired)
