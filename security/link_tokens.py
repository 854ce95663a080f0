"""Tokens of links handed to people (invitations, share links): `<row id>.<secret>`, the
secret 128 random bits. Only the secret's SHA-256 is stored; the id finds the row and the
hashes are compared in constant time, so a token can be checked without revealing how near
a guess came."""

import hashlib
import hmac
import secrets

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ..whole_numbers import row_id

SECRET_BYTES = 16


async def insert_with_token(connection: AsyncConnection, table: Table, **values) -> str:
    """A new row of `table` (with its `values`) holding a fresh secret's hash; the answer is
    the row's token, which is never stored and so can be shown only once."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    statement = insert(table).values(secret_hash=secret_hash(secret), **values).returning(table.c.id)
    return f"{(await connection.execute(statement)).scalar_one()}.{secret}"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(token: str) -> tuple[int, str] | None:
    """The row id and secret in a token, or None when it cannot be one."""
    number, _, secret = token.strip().partition(".")
    if (row := row_id(number)) is None or not secret or len(secret) > 100:
        return None
    return row, secret


def matches(stored_hash: str, secret: str) -> bool:
    return hmac.compare_digest(stored_hash, secret_hash(secret))
