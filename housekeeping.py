"""Removing what has expired, so the tables the login machinery writes to stop growing:
sessions past their lifetimes, throttle counts nobody is held to any more, and security
events past the 90 days they are kept; deleted things whose Undo has expired, and imports
untouched for a day (with the entries they hold); account links past their time, and, under
FLICKLIST_VERIFY_EMAIL, accounts whose address was not proved within
FLICKLIST_UNVERIFIED_DAYS (each with its line in the audit trail). Each worker
runs it at start and then every HOUSEKEEPING_SECONDS (see app.py's lifespan)."""

import logging
from dataclasses import dataclass

import anyio
from sqlalchemy import delete, or_

from .db import Database
from .diary.trash import UNDO_SECONDS
from .recovery import addresses
from .security import account_links, events
from .security.address_limits import LONGEST_WINDOW
from .security.throttle import FORGET_AFTER
from .settings import Settings
from .tables import history_imports, login_sessions, login_throttle, now, security_events, trash

HOUSEKEEPING_SECONDS = 3600
IMPORTS_KEPT_SECONDS = 24 * 3600
COUNTS_LAST = max(FORGET_AFTER, LONGEST_WINDOW)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Removed:
    sessions: int
    throttle_counts: int
    events: int
    trashed: int
    imports: int
    links: int
    unverified_accounts: int


async def remove_expired(db: Database, settings: Settings) -> Removed:
    timestamp = now()
    async with db.transaction() as connection:
        sessions = await connection.execute(
            delete(login_sessions).where(
                or_(
                    login_sessions.c.last_seen_at < timestamp - settings.session_idle_seconds,
                    login_sessions.c.created_at < timestamp - settings.session_absolute_seconds,
                )
            )
        )
        counts = await connection.execute(
            delete(login_throttle).where(login_throttle.c.last_failure_at < timestamp - COUNTS_LAST)
        )
        old_events = await connection.execute(
            delete(security_events).where(security_events.c.at < timestamp - events.KEEP_SECONDS)
        )
        trashed = await connection.execute(delete(trash).where(trash.c.deleted_at < timestamp - UNDO_SECONDS))
        imports = await connection.execute(
            delete(history_imports).where(history_imports.c.updated_at < timestamp - IMPORTS_KEPT_SECONDS)
        )
        expired_links = await account_links.remove_expired(connection)
        unverified = (
            await addresses.remove_unverified(connection, settings.unverified_days) if settings.verify_email else 0
        )
    return Removed(
        sessions.rowcount,
        counts.rowcount,
        old_events.rowcount,
        trashed.rowcount,
        imports.rowcount,
        expired_links,
        unverified,
    )


async def keep_tidy(db: Database, settings: Settings, every_seconds: float = HOUSEKEEPING_SECONDS) -> None:
    """A round that fails (the database busy, full or out of reach) is logged and the next one
    comes as usual: what it left is removed then."""
    while True:
        try:
            await remove_expired(db, settings)
        except Exception:
            logger.exception("Removing what has expired failed; trying again in %s seconds", every_seconds)
        await anyio.sleep(every_seconds)
