"""What one client address may do so often and no more, counted in the throttle table in a
window that starts at its first request and lasts `seconds`, atomically (one conditional
upsert, before the work is done): sign-ups (FLICKLIST_SIGNUPS_PER_HOUR, since each costs an
Argon2 hash and a row) and share-link views (a link is public)."""

from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, bindparam, case, select

from ..db import Database, Upsert
from ..tables import login_throttle, now
from .throttle import Limit, throttle_key


@dataclass(frozen=True)
class Window:
    limit: Limit
    seconds: int


SIGNUPS = Window(Limit("signup", 0), 3600)
SHARE_VIEWS = Window(Limit("share-view", 0), 60)
LONGEST_WINDOW = max(SIGNUPS.seconds, SHARE_VIEWS.seconds)


def reserve_statement() -> Upsert:
    """Count one request under `key` unless its window is full: returns the count, or no row."""
    timestamp = bindparam("now", type_=BigInteger)
    count, window_start = login_throttle.c.failures, login_throttle.c.last_failure_at
    window_over = timestamp - window_start >= bindparam("seconds", type_=BigInteger)
    return Upsert(
        login_throttle,
        values={"key": bindparam("key"), "failures": 1, "last_failure_at": timestamp},
        key=["key"],
        update={
            "failures": case((window_over, 1), else_=count + 1),
            "last_failure_at": case((window_over, timestamp), else_=window_start),
        },
        where=window_over | (count < bindparam("allowed", type_=Integer)),
        returning=[count],
    )


RESERVE = reserve_statement()
WINDOW_START = select(login_throttle.c.last_failure_at).where(login_throttle.c.key == bindparam("key"))


async def reserve(db: Database, window: Window, client: str, allowed: int) -> int:
    """0 when `client` may go ahead (now counted), else the seconds until it may; `allowed`
    per window (0: no limit)."""
    if allowed <= 0:
        return 0
    key, timestamp = throttle_key(window.limit, client), now()
    if await db.upsert(RESERVE, int, key=key, now=timestamp, seconds=window.seconds, allowed=allowed):
        return 0
    rows = await db.fetch_all(WINDOW_START, key=key)
    return max(1, rows[0][0] + window.seconds - timestamp) if rows else 1
