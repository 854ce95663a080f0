"""Invitations: sign-up links an admin makes, each good for a number of uses until it expires
or is revoked; their tokens are security/link_tokens.py's."""

from typing import NamedTuple

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database
from ..security import link_tokens
from ..tables import invitation_uses, invitations, now, users

DEFAULT_DAYS, DEFAULT_USES = 7, 1
MAX_DAYS, MAX_USES = 365, 1000

NOT_VALID = "That invitation link is not valid: check that it was copied whole, or ask for a new one."
USED_UP = "That invitation has been used already. Ask whoever sent it for a new one."
EXPIRED = "That invitation has expired. Ask whoever sent it for a new one."
REVOKED = "That invitation was withdrawn. Ask whoever sent it for a new one."
NEEDED = "Sign-up on this FlickList is by invitation: paste the link or code you were sent."


def parse_token(token: str) -> tuple[int, str] | None:
    """The invitation id and secret in a token, or in a whole link ending in one."""
    return link_tokens.parse(token.strip().rsplit("invite=", 1)[-1])


async def create(connection: AsyncConnection, admin_id: int, days: int, max_uses: int) -> str:
    """A new invitation; the answer is its token, shown once."""
    timestamp = now()
    return await link_tokens.insert_with_token(
        connection,
        invitations,
        created_by=admin_id,
        created_at=timestamp,
        expires_at=timestamp + days * 86400,
        max_uses=max_uses,
        uses=0,
    )


INVITATION = select(
    invitations.c.secret_hash, invitations.c.expires_at, invitations.c.max_uses, invitations.c.uses,
    invitations.c.revoked_at,
).where(invitations.c.id == bindparam("id"))  # fmt: skip


class Stored(NamedTuple):
    """An invitation's row, as INVITATION reads it."""

    secret_hash: str
    expires_at: int
    max_uses: int
    uses: int
    revoked_at: int | None


def refusal(row: Stored | None, secret: str) -> str | None:
    """Why the invitation in `row` cannot be used now (None: it can)."""
    if row is None or not link_tokens.matches(row.secret_hash, secret):
        return NOT_VALID
    if row.revoked_at is not None:
        return REVOKED
    if row.expires_at <= now():
        return EXPIRED
    if row.uses >= row.max_uses:
        return USED_UP
    return None


async def check(db: Database, token: str) -> str | None:
    """What is wrong with `token` (None: it may be used), for the form before any hashing."""
    parsed = parse_token(token)
    if parsed is None:
        return NEEDED if not token.strip() else NOT_VALID
    rows = await db.fetch_all(INVITATION, id=parsed[0])
    return refusal(Stored(*rows[0]) if rows else None, parsed[1])


async def use(connection: AsyncConnection, token: str, email: str) -> str | None:
    """Count one use of `token` by `email`, in the sign-up's own transaction; a refusal's message
    instead when it cannot be used. The count goes up only while under the limit, in one
    statement, so two sign-ups racing for a last use cannot both have it."""
    parsed = parse_token(token)
    if parsed is None:
        return NEEDED if not token.strip() else NOT_VALID
    invitation_id, secret = parsed
    row = (await connection.execute(INVITATION, {"id": invitation_id})).first()
    if problem := refusal(Stored(*row) if row else None, secret):
        return problem
    counted = await connection.execute(
        update(invitations)
        .where(
            invitations.c.id == invitation_id,
            invitations.c.uses < invitations.c.max_uses,
            invitations.c.revoked_at.is_(None),
            invitations.c.expires_at > now(),
        )
        .values(uses=invitations.c.uses + 1)
    )
    if counted.rowcount != 1:
        return USED_UP
    await connection.execute(insert(invitation_uses).values(invitation_id=invitation_id, email=email, used_at=now()))
    return None


async def revoke(connection: AsyncConnection, invitation_id: int) -> bool:
    result = await connection.execute(
        update(invitations)
        .where(invitations.c.id == invitation_id, invitations.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    return result.rowcount == 1


class Listed(NamedTuple):
    id: int
    created_by: str | None
    created_at: int
    expires_at: int
    max_uses: int
    uses: int
    revoked_at: int | None
    used_by: list[tuple[str, int]]


LISTED = (
    select(
        invitations.c.id, users.c.email, invitations.c.created_at, invitations.c.expires_at,
        invitations.c.max_uses, invitations.c.uses, invitations.c.revoked_at,
    )
    .outerjoin(users, users.c.id == invitations.c.created_by)
    .order_by(invitations.c.id.desc())
    .limit(100)
)  # fmt: skip
NEWEST_LISTED = select(invitations.c.id).order_by(invitations.c.id.desc()).limit(100).subquery()
USES = (
    select(invitation_uses.c.invitation_id, invitation_uses.c.email, invitation_uses.c.used_at)
    .where(invitation_uses.c.invitation_id >= select(func.min(NEWEST_LISTED.c.id)).scalar_subquery())
    .order_by(invitation_uses.c.id)
)


async def listed(db: Database) -> list[Listed]:
    """The newest hundred invitations, each with who used it and when."""
    used_by: dict[int, list[tuple[str, int]]] = {}
    for invitation_id, email, used_at in await db.fetch_all(USES):
        used_by.setdefault(invitation_id, []).append((email, used_at))
    return [Listed(*row, used_by.get(row[0], [])) for row in await db.fetch_all(LISTED)]
