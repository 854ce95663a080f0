"""The account's time zone: what dates a viewing a media server reports, so a film finished
at 23:30 in New York is in the diary on that day, not on UTC's next one. Unset, it is UTC,
the day the rest of FlickList dates by."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import bindparam, select, update

from ..db import Database
from ..tables import users

UNSET = "UTC"
# The names a person may choose from: IANA's, sorted, without the legacy aliases of old systems.
LEGACY = ("Etc/", "SystemV/", "US/")
ZONES = sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(LEGACY))
CHOICES = [UNSET, *ZONES]
NOT_A_ZONE = "Choose a time zone from the list."

ZONE_OF = select(users.c.time_zone).where(users.c.id == bindparam("user_id"))
SET_ZONE = (
    update(users).where(users.c.id == bindparam("user_id")).values(time_zone=bindparam("zone")).returning(users.c.id)
)


def check_zone(typed: str) -> str | None:
    return None if typed in CHOICES else NOT_A_ZONE


async def zone_of(db: Database, user_id: int) -> str:
    rows = await db.fetch_all(ZONE_OF, user_id=user_id)
    return (rows[0][0] if rows else None) or UNSET


async def set_zone(db: Database, user_id: int, zone: str) -> None:
    """`zone`, one of CHOICES (check_zone first)."""
    await db.write_returning(SET_ZONE, int, user_id=user_id, zone=None if zone == UNSET else zone)


def day_in(zone: str, moment: int) -> str:
    """The ISO day it was at `moment` (Unix seconds) in `zone`."""
    return datetime.fromtimestamp(moment, UTC).astimezone(ZoneInfo(zone)).date().isoformat()
