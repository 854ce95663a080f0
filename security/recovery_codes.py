"""Recovery codes: ten single-use codes for when the second factor is lost, shown once when
made. Each carries about 59 random bits and is stored as SHA-256 with a random 32-bit salt of
its own (ASVS 6.6: lookup secrets under 112 bits are salted and hashed)."""

import hashlib
import hmac
import secrets

from sqlalchemy import BigInteger, bindparam, delete, insert, select, update

from ..db import Database
from ..tables import now, recovery_codes

HOW_MANY = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def normalised(code: str) -> str:
    return "".join(character for character in code.lower() if character in ALPHABET)


def salted_hash(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(4)
    return f"{salt}${hashlib.sha256((salt + normalised(code)).encode()).hexdigest()}"


def new_code() -> str:
    letters = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(letters[start : start + 4] for start in range(0, 12, 4))


UNUSED = select(recovery_codes.c.id, recovery_codes.c.code_hash).where(
    recovery_codes.c.user_id == bindparam("user_id"), recovery_codes.c.used_at.is_(None)
)
# Spent in one statement that only an unused code matches: a code raced twice works once.
SPEND = (
    update(recovery_codes)
    .where(recovery_codes.c.id == bindparam("code_id"), recovery_codes.c.used_at.is_(None))
    .values(used_at=bindparam("now", BigInteger))
    .returning(recovery_codes.c.id)
)


async def replace_codes(db: Database, user_id: int) -> list[str]:
    """A new set of codes, the old ones void; the plain codes are returned to be shown once."""
    codes = [new_code() for _ in range(HOW_MANY)]
    async with db.transaction() as connection:
        await connection.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
        await connection.execute(
            insert(recovery_codes), [{"user_id": user_id, "code_hash": salted_hash(code)} for code in codes]
        )
    return codes


async def use_code(db: Database, user_id: int, code: str) -> bool:
    """True, and the code spent, when `code` is one of the user's unused codes."""
    if len(normalised(code)) != 12:
        return False
    for code_id, stored in await db.fetch_all(UNUSED, user_id=user_id):
        salt = stored.partition("$")[0]
        if hmac.compare_digest(salted_hash(code, salt), stored):
            return await db.write_returning(SPEND, int, code_id=code_id, now=now()) is not None
    return False


async def unused(db: Database, user_id: int) -> int:
    return len(await db.fetch_all(UNUSED, user_id=user_id))


async def remove_all(db: Database, user_id: int) -> None:
    async with db.transaction() as connection:
        await connection.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
