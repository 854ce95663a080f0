"""Who may make an account: `open` (anyone), `invite` (with an invitation) or `closed` (only
`flicklist users create`). FLICKLIST_REGISTRATION wins over the mode set on the admin page."""

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database, Upsert, excluded
from ..settings import Settings
from ..tables import instance_settings

OPEN, INVITE, CLOSED = "open", "invite", "closed"
SETTING = "registration"
STORED_MODE = select(instance_settings.c.value).where(instance_settings.c.name == bindparam("name"))
STORE_MODE = Upsert(
    instance_settings,
    values={"name": SETTING, "value": bindparam("value")},
    key=["name"],
    update={"value": excluded(instance_settings).value},
)


async def mode(db: Database, settings: Settings) -> str:
    if settings.registration:
        return settings.registration
    rows = await db.fetch_all(STORED_MODE, name=SETTING)
    return rows[0][0] if rows else OPEN


async def store_mode(db: Database, connection: AsyncConnection, value: str) -> None:
    """The mode, stored in the transaction of `connection` (the admin page notes the change with it)."""
    await db.upsert(STORE_MODE, connection=connection, value=value)
