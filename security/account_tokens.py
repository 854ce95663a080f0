"""Tokens another program holds to act for an account: a media server's webhook (PLEX,
JELLYFIN, EMBY), the Radarr list (RADARR) and the diary's feed (RSS), one of each per account
and carried in the URL it calls; and API tokens (API), as many as the person names, sent as
`Authorization: Bearer …`.

A token is 128 random bits (security/link_tokens.py's secret), shown once when made; only its
SHA-256 is stored, and a token is found by that hash, so a lookup tells a guesser nothing of
how near a guess came. Each token made, replaced or revoked has its line in the audit trail."""

import secrets
from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database, plain_row
from ..tables import account_tokens, now, users
from . import audit, link_tokens

PLEX, JELLYFIN, EMBY, API, RADARR, RSS = "plex", "jellyfin", "emby", "api", "radarr", "rss"
CALENDAR = "calendar"
KINDS = (PLEX, JELLYFIN, EMBY, API, RADARR, RSS, CALENDAR)
# The kinds an account has one of: making one anew replaces the old, whose URL stops working.
ONE_PER_ACCOUNT = (PLEX, JELLYFIN, EMBY, RADARR, RSS, CALENDAR)
MEDIA_SERVERS = (PLEX, JELLYFIN, EMBY)
# last_used_at is written at most this often, so a busy token is not a write per request.
LAST_USED_EVERY = 60
LONGEST_TOKEN = 100


class Token(NamedTuple):
    id: int
    kind: str
    name: str | None
    created_at: int
    last_used_at: int | None


EMAIL = select(users.c.email).where(users.c.id == bindparam("user_id"))
OLD_ONES = select(account_tokens.c.id).where(
    account_tokens.c.user_id == bindparam("user_id"), account_tokens.c.kind == bindparam("kind")
)
INSERT = insert(account_tokens).returning(account_tokens.c.id)


async def make(db_or_connection: Database | AsyncConnection, user_id: int, kind: str, name: str | None = None) -> str:
    """A new token of `kind` for the account (replacing its old one of a kind it has one of);
    the answer is the token itself, which is not kept and so can be shown only once."""
    if kind not in KINDS:
        raise ValueError(f"unknown token kind {kind!r}")
    if isinstance(db_or_connection, Database):
        async with db_or_connection.transaction() as connection:
            return await make(connection, user_id, kind, name)
    connection = db_or_connection
    account = (await connection.execute(EMAIL, {"user_id": user_id})).scalar_one()
    if kind in ONE_PER_ACCOUNT:
        for (old_id,) in (await connection.execute(OLD_ONES, {"user_id": user_id, "kind": kind})).all():
            await connection.execute(delete(account_tokens).where(account_tokens.c.id == old_id))
            await audit.record(connection, account, f"revoked {kind} token", account, f"token {old_id}, replaced")
    token = secrets.token_urlsafe(link_tokens.SECRET_BYTES)
    values = {"user_id": user_id, "kind": kind, "name": name, "created_at": now()}
    token_id = (await connection.execute(INSERT, {**values, "token_hash": link_tokens.secret_hash(token)})).scalar_one()
    detail = f"token {token_id}" + (f", {name}" if name else "")
    await audit.record(connection, account, f"made {kind} token", account, detail)
    return token


OWNER = (
    select(account_tokens.c.id, account_tokens.c.user_id, account_tokens.c.last_used_at)
    .join(users, users.c.id == account_tokens.c.user_id)
    .where(
        account_tokens.c.token_hash == bindparam("token_hash"),
        account_tokens.c.kind == bindparam("kind"),
        # A disabled account's tokens wait unused: disabling shuts out the programs it let in too.
        users.c.disabled_at.is_(None),
    )
)
SEEN = (
    update(account_tokens)
    .where(
        account_tokens.c.id == bindparam("id"),
        or_(account_tokens.c.last_used_at.is_(None), account_tokens.c.last_used_at <= bindparam("before")),
    )
    .values(last_used_at=bindparam("now"))
    .returning(account_tokens.c.id)
)


async def owner(db: Database, kind: str, token: str) -> int | None:
    """The id of the account whose live token of `kind` this is, or None."""
    held = await holder(db, kind, token)
    return held.user_id if held is not None else None


class Holder(NamedTuple):
    token_id: int
    user_id: int


async def holder(db: Database, kind: str, token: str) -> Holder | None:
    """The live token of `kind` this is (its id, for what is kept per token) and its account's id, or None."""
    if not token or len(token) > LONGEST_TOKEN:
        return None
    rows = await db.fetch_all(OWNER, token_hash=link_tokens.secret_hash(token), kind=kind)
    if not rows:
        return None
    token_id, user_id, last_used_at = rows[0]
    timestamp = now()
    if last_used_at is None or last_used_at <= timestamp - LAST_USED_EVERY:
        await db.write_returning(SEEN, plain_row, id=token_id, before=timestamp - LAST_USED_EVERY, now=timestamp)
    return Holder(token_id, user_id)


LISTED = (
    select(
        account_tokens.c.id,
        account_tokens.c.kind,
        account_tokens.c.name,
        account_tokens.c.created_at,
        account_tokens.c.last_used_at,
    )
    .where(account_tokens.c.user_id == bindparam("user_id"), account_tokens.c.kind == bindparam("kind"))
    .order_by(account_tokens.c.id.desc())
)


async def listed(db: Database, user_id: int, kind: str) -> list[Token]:
    """The account's live tokens of `kind`, newest first."""
    return [Token(*row) for row in await db.fetch_all(LISTED, user_id=user_id, kind=kind)]


REVOKE = (
    delete(account_tokens)
    .where(account_tokens.c.id == bindparam("id"), account_tokens.c.user_id == bindparam("user_id"))
    .returning(account_tokens.c.kind)
)


async def revoke(db: Database, user_id: int, token_id: int) -> bool:
    """The account's token `token_id` stops working at once; False when the account has no
    such token (another's, or gone already)."""
    async with db.transaction() as connection:
        kind = (await connection.execute(REVOKE, {"id": token_id, "user_id": user_id})).scalar()
        if kind is None:
            return False
        account = (await connection.execute(EMAIL, {"user_id": user_id})).scalar_one()
        await audit.record(connection, account, f"revoked {kind} token", account, f"token {token_id}")
    return True
