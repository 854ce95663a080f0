"""Login throttling: a few free failures, then a growing wait, per account, per client
address and per account-and-address pair.

The pair is held tightest, so guessing one account from one address stalls fast while the
real owner, at another address, is slowed only by the looser per-account limit, and a wait
never grows past MAX_WAIT: an attacker cannot lock the owner out for good."""

from dataclasses import dataclass

from sqlalchemy import bindparam, case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..tables import login_throttle, now

FORGET_AFTER = 15 * 60  # a quiet quarter of an hour and the count starts over
MAX_WAIT = 5 * 60


@dataclass(frozen=True)
class Limit:
    prefix: str
    free_failures: int


PAIR, ACCOUNT, CLIENT = Limit("pair", 5), Limit("account", 20), Limit("client", 50)


def keys(email: str, client: str) -> dict[str, Limit]:
    return {f"pair:{email}|{client}": PAIR, f"account:{email}": ACCOUNT, f"client:{client}": CLIENT}


def wait_after(failures: int, limit: Limit) -> int:
    """No wait within the free failures; then 2 s, 4 s, 8 s… up to MAX_WAIT."""
    excess = failures - limit.free_failures
    return 0 if excess <= 0 else min(2**excess, MAX_WAIT)


THROTTLE_COUNTS = select(login_throttle.c.key, login_throttle.c.failures, login_throttle.c.last_failure_at).where(
    login_throttle.c.key.in_([bindparam("pair"), bindparam("account"), bindparam("client")])
)


async def seconds_to_wait(db: Database, email: str, client: str) -> int:
    """How long this login attempt must wait; 0 means go ahead."""
    limits = keys(email, client)
    pair, account, client_key = limits
    rows = await db.fetch_all(THROTTLE_COUNTS, pair=pair, account=account, client=client_key)
    timestamp = now()
    waits = [
        wait_after(failures, limits[key]) - (timestamp - last_failure_at)
        for key, failures, last_failure_at in rows
        if timestamp - last_failure_at < FORGET_AFTER
    ]
    return max([0, *waits])


async def record_failure(db: Database, email: str, client: str) -> None:
    """Count a failure under every key. Each count is a lone write (update, else insert), so
    SQLite never has to upgrade a read lock, and two workers racing on a new key both count."""
    timestamp = now()
    counted = update(login_throttle).values(
        failures=case(
            (timestamp - login_throttle.c.last_failure_at >= FORGET_AFTER, 1), else_=login_throttle.c.failures + 1
        ),
        last_failure_at=timestamp,
    )
    for key in keys(email, client):
        async with db.transaction() as connection:
            if (await connection.execute(counted.where(login_throttle.c.key == key))).rowcount:
                continue
        try:
            async with db.transaction() as connection:
                await connection.execute(insert(login_throttle).values(key=key, failures=1, last_failure_at=timestamp))
        except IntegrityError:
            async with db.transaction() as connection:
                await connection.execute(counted.where(login_throttle.c.key == key))


async def forget_failures(db: Database, email: str, client: str) -> None:
    """A successful login clears the account's counts (not the address's: one good password
    must not buy an attacker fresh guesses at other accounts)."""
    pair, account, _ = keys(email, client)
    async with db.transaction() as connection:
        await connection.execute(delete(login_throttle).where(login_throttle.c.key.in_([pair, account])))
