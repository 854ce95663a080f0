"""Who may make an account: `open` (anyone), `invite` (with an invitation) or `closed` (only
`flicklist users create`). FLICKLIST_REGISTRATION wins over the mode set on the admin page."""

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database
from ..settings import Settings
from ..tables import instance_settings

OPEN, INVITE, CLOSED = "open", "invite", "closed"
SETTING = "registration"
STORED_MODE = select(instance_settings.c.value).where(instance_settings.c.name == bindparam("name"))


async def mode(db: Database, settings: Settings) -> str:
    if settings.registration:
        return settings.registration
    rows = await db.fetch_all(STORED_MODE, name=SETTING)
    return rows[0][0] if rows else OPEN


async def store_mode(connection: AsyncConnection, value: str) -> None:
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(instance_settings).values(name=SETTING, value=value)
    await connection.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"value": value}))
