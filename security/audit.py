"""The audit trail: every admin action (who, what, to whom, when), shown on the admin page
beside each account's own security event log."""

from typing import NamedTuple

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..tables import admin_actions, now

COMMAND_LINE = "command line"  # the admin of actions taken with `flicklist users …`


class Action(NamedTuple):
    at: int
    admin: str
    action: str
    target: str
    detail: str


RECENT = (
    select(
        admin_actions.c.at,
        admin_actions.c.admin,
        admin_actions.c.action,
        admin_actions.c.target,
        admin_actions.c.detail,
    )
    .order_by(admin_actions.c.id.desc())
    .limit(bindparam("limit"))
)


async def record(connection: AsyncConnection, admin: str, action: str, target: str = "", detail: str = "") -> None:
    """Written in the transaction of the action itself: no action without its line."""
    await connection.execute(
        insert(admin_actions).values(at=now(), admin=admin, action=action, target=target, detail=detail[:200])
    )


async def recent(db, limit: int = 50) -> list[Action]:
    return [Action(*row) for row in await db.fetch_all(RECENT, limit=limit)]
