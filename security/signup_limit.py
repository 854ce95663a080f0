"""Sign-ups per client address: at most FLICKLIST_SIGNUPS_PER_HOUR new accounts an hour from
one address (0: no limit), since each costs an Argon2 hash and a row. Counted in the
throttle table, in a window that starts at an address's first sign-up and lasts an hour;
like the login throttle, a sign-up is counted before the hash, atomically."""

from sqlalchemy import BigInteger, Integer, bindparam, case, select
from sqlalchemy.dialects import postgresql, sqlite

from ..db import Database
from ..tables import login_throttle, now
from .throttle import GIVE_BACK, Limit, throttle_key

WINDOW = 3600
SIGNUP = Limit("signup", 0)


def reserve_statement(insert):
    """Count one sign-up under `key` unless the window is full: returns the count, or no row."""
    timestamp = bindparam("now", type_=BigInteger)
    count, window_start = login_throttle.c.failures, login_throttle.c.last_failure_at
    window_over = timestamp - window_start >= WINDOW
    statement = insert(login_throttle).values(key=bindparam("key"), failures=1, last_failure_at=timestamp)
    return statement.on_conflict_do_update(
        index_elements=[login_throttle.c.key],
        set_={
            "failures": case((window_over, 1), else_=count + 1),
            "last_failure_at": case((window_over, timestamp), else_=window_start),
        },
        where=window_over | (count < bindparam("per_hour", type_=Integer)),
    ).returning(count)


RESERVE = {"sqlite": reserve_statement(sqlite.insert), "postgresql": reserve_statement(postgresql.insert)}
WINDOW_START = select(login_throttle.c.last_failure_at).where(login_throttle.c.key == bindparam("key"))


async def reserve(db: Database, client: str, per_hour: int) -> int:
    """0 when `client` may make another account (now counted), else the seconds until it may."""
    if per_hour <= 0:
        return 0
    key, timestamp = throttle_key(SIGNUP, client), now()
    if await db.write_returning(RESERVE[db.engine.dialect.name], int, key=key, now=timestamp, per_hour=per_hour):
        return 0
    rows = await db.fetch_all(WINDOW_START, key=key)
    return max(1, rows[0][0] + WINDOW - timestamp) if rows else 1


async def give_back(db: Database, client: str, per_hour: int) -> None:
    """A counted sign-up that made no account after all (the email was taken)."""
    if per_hour > 0:
        await db.write_returning(GIVE_BACK, str, key=throttle_key(SIGNUP, client))
