"""Whether an account has a second factor (a passkey or an authenticator app): asked at login,
by the pages that add or remove one, and for the admin's list of accounts."""

from sqlalchemy import ColumnElement, bindparam, exists, or_, select

from ..db import Database
from ..tables import passkeys, totp_secrets


def has_second_factor_of(user_id) -> ColumnElement[bool]:
    return or_(exists().where(passkeys.c.user_id == user_id), exists().where(totp_secrets.c.user_id == user_id))


HAS_SECOND_FACTOR = select(has_second_factor_of(bindparam("user_id")))


async def has_second_factor(db: Database, user_id: int) -> bool:
    return bool((await db.fetch_all(HAS_SECOND_FACTOR, user_id=user_id))[0][0])
