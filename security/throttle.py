"""Login throttling: a few free failures, then a growing wait, per account, per client
address, per account-and-address pair, and per known browser (device cookie).

The pair is held tightest, so guessing one account from one address stalls fast; the account
limit slows guessing spread over many addresses; a wait never grows past MAX_WAIT. A browser
that has logged in to the account before (`security/device_cookie.py`) is counted on its own
key alone, so guessing from elsewhere never locks the owner's known browsers out (OWASP's
device cookie scheme).

Every attempt is counted before the password is hashed (a reservation) in one conditional
upsert per key, which the database applies atomically: of many attempts sent at the same
moment only as many as the limit allows go on to the hash, on SQLite and PostgreSQL, in any
number of workers. A successful attempt gives its reservation back."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, bindparam, case, delete, or_, select, update

from ..db import Database, Upsert
from ..tables import login_throttle, now

FORGET_AFTER = 15 * 60  # a quiet quarter of an hour and the count starts over
MAX_WAIT = 5 * 60


@dataclass(frozen=True)
class Limit:
    prefix: str
    free_failures: int
    # A success wipes the count; else (the address's count) it only gives back its own attempt,
    # so one good password does not buy an attacker fresh guesses at other accounts.
    forgotten_on_success: bool = True


PAIR, ACCOUNT, CLIENT, DEVICE = Limit("pair", 5), Limit("account", 20), Limit("client", 50, False), Limit("device", 10)


def throttle_key(limit: Limit, *parts: str) -> str:
    """Keys hold a hash of what was typed: fixed length, whatever its size or characters."""
    return f"{limit.prefix}:{hashlib.sha256('|'.join(parts).encode('utf-8', 'replace')).hexdigest()}"


def login_limits(account: str, client: str, device: str | None = None) -> dict[str, Limit]:
    """The counts a password attempt on `account` from `client` is held to; from a known
    browser (`device`, its cookie's nonce), that browser's own count only."""
    if device is not None:
        return {throttle_key(DEVICE, account, device): DEVICE}
    return {
        throttle_key(PAIR, account, client): PAIR,
        throttle_key(ACCOUNT, account): ACCOUNT,
        throttle_key(CLIENT, client): CLIENT,
    }


def wait_after(failures: int, limit: Limit) -> int:
    """No wait within the free failures; then 2 s, 4 s, 8 s… up to MAX_WAIT."""
    excess = failures - limit.free_failures
    return 0 if excess <= 0 else min(2**excess, MAX_WAIT)


def reserve_statement() -> Upsert:
    """Count one attempt under `key` unless it must wait: returns the new count, or no row."""
    timestamp = bindparam("now", type_=BigInteger)
    failures, last = login_throttle.c.failures, login_throttle.c.last_failure_at
    stale = timestamp - last >= FORGET_AFTER
    excess = failures - bindparam("free", type_=Integer)
    wait = case(*[(excess == n, min(2**n, MAX_WAIT)) for n in range(1, 9)], else_=MAX_WAIT)
    return Upsert(
        login_throttle,
        values={"key": bindparam("key"), "failures": 1, "last_failure_at": timestamp},
        key=["key"],
        update={"failures": case((stale, 1), else_=failures + 1), "last_failure_at": timestamp},
        where=or_(stale, excess <= 0, timestamp >= last + wait),
        returning=[failures],
    )


RESERVE = reserve_statement()
GIVE_BACK = (
    update(login_throttle)
    .where(login_throttle.c.key == bindparam("key"), login_throttle.c.failures > 0)
    .values(failures=login_throttle.c.failures - 1)
    .returning(login_throttle.c.key)
)
FORGET = delete(login_throttle).where(login_throttle.c.key == bindparam("key")).returning(login_throttle.c.key)
KEYS_AT_ONCE = 3
THROTTLE_COUNTS = select(login_throttle.c.key, login_throttle.c.failures, login_throttle.c.last_failure_at).where(
    login_throttle.c.key.in_([bindparam(f"key{n}") for n in range(KEYS_AT_ONCE)])
)


async def seconds_to_wait(db: Database, limits: dict[str, Limit]) -> int:
    """How long an attempt held to `limits` must wait; 0 means go ahead."""
    keys = list(limits)
    padded = {f"key{n}": keys[min(n, len(keys) - 1)] for n in range(KEYS_AT_ONCE)}
    timestamp = now()
    waits = [
        wait_after(failures, limits[key]) - (timestamp - last_failure_at)
        for key, failures, last_failure_at in await db.fetch_all(THROTTLE_COUNTS, **padded)
        if timestamp - last_failure_at < FORGET_AFTER
    ]
    return max([0, *waits])


async def reserve(db: Database, limits: dict[str, Limit]) -> int:
    """Count this attempt as a failure under every key before it is checked; 0 means it may
    go ahead, else the seconds to wait (and nothing is counted)."""
    if wait := await seconds_to_wait(db, limits):
        return wait
    reserved = []
    for key, limit in limits.items():
        count = await db.upsert(RESERVE, int, key=key, free=limit.free_failures, now=now())
        if count is None:  # another attempt took the last one first
            for taken in reserved:
                await db.write_returning(GIVE_BACK, str, key=taken)
            return max(1, await seconds_to_wait(db, limits))
        reserved.append(key)
    return 0


async def succeeded(db: Database, limits: dict[str, Limit]) -> None:
    """The attempt was right: its reservation is given back, and the account's counts forgotten."""
    for key, limit in limits.items():
        await db.write_returning(FORGET if limit.forgotten_on_success else GIVE_BACK, str, key=key)
