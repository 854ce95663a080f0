"""The housekeeping loop: a round that fails is logged, and the next round does the work."""

import asyncio
import logging
from contextlib import suppress

from sqlalchemy import func, select, text, update

from flicklist.housekeeping import keep_tidy
from flicklist.tables import login_sessions


async def wait_for(condition, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time allowed")


async def test_housekeeping_carries_on_after_a_failing_round_and_removes_what_expired_next_time(
    user, app, settings, caplog
):
    db = app.state.db
    async with db.transaction() as connection:  # ann's session, idle past its lifetime
        await connection.execute(update(login_sessions).values(last_seen_at=login_sessions.c.last_seen_at - 10**6))
        # A table the round writes to is briefly not there (a migration under way, say).
        await connection.execute(text("ALTER TABLE login_throttle RENAME TO login_throttle_away"))

    async def sessions() -> int:
        rows = await db.fetch_all(select(func.count()).select_from(login_sessions))
        return rows[0][0]

    async def a_round_failed() -> bool:
        return any(record.levelno == logging.ERROR for record in caplog.records)

    caplog.set_level(logging.ERROR)
    tidying = asyncio.create_task(keep_tidy(db, settings, every_seconds=0.05))
    try:
        await wait_for(a_round_failed)
        assert await sessions() == 1, "the failed round removed nothing (it was rolled back)"
        async with db.transaction() as connection:
            await connection.execute(text("ALTER TABLE login_throttle_away RENAME TO login_throttle"))

        async def expired_session_removed() -> bool:
            return await sessions() == 0

        await wait_for(expired_session_removed)
        assert not tidying.done(), "the loop is still running"
    finally:
        tidying.cancel()
        with suppress(asyncio.CancelledError):
            await tidying
