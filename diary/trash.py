"""The trash: what a person deleted (or crossed off several at once), kept UNDO_SECONDS so the
banner's Undo can bring it back. Its contents are JSON (movies with their viewings, one viewing,
or the films and viewings a bulk cross-off made); the Undo button carries only a signed
reference to the row, which works for its owner alone."""

import json
from typing import Any

from itsdangerous import BadSignature
from sqlalchemy import bindparam, delete, insert
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..security.signing import serializer
from ..tables import now, trash

UNDO_SECONDS = 15 * 60
UNDO_EXPIRED = "That undo has expired; add it again instead."

THROW_AWAY = insert(trash).returning(trash.c.id)
TAKE_BACK = (
    delete(trash)
    .where(
        trash.c.id == bindparam("trash_id"),
        trash.c.user_id == bindparam("user_id"),
        trash.c.deleted_at >= bindparam("since"),
    )
    .returning(trash.c.contents)
)


async def throw_away(request: Request, connection: AsyncConnection, contents: dict[str, Any]) -> str:
    """Keeps `contents` in the trash, within the caller's transaction; the answer is the Undo token."""
    user_id = request.state.user.id
    values = {"user_id": user_id, "deleted_at": now(), "contents": json.dumps(contents)}
    trash_id = (await connection.execute(THROW_AWAY, values)).scalar_one()
    return serializer(request, "undo-delete").dumps([user_id, trash_id])


async def take_back(request: Request, connection: AsyncConnection, token: str) -> dict[str, Any]:
    """What the Undo token's delete put in the trash, out of it again; 422 once it has expired
    or when it is not this user's."""
    try:
        user_id, trash_id = serializer(request, "undo-delete").loads(token, max_age=UNDO_SECONDS)
    except (BadSignature, ValueError, TypeError):
        raise HTTPException(422, UNDO_EXPIRED) from None
    if user_id != request.state.user.id:
        raise HTTPException(422, UNDO_EXPIRED)
    values = {"trash_id": trash_id, "user_id": user_id, "since": now() - UNDO_SECONDS}
    contents = (await connection.execute(TAKE_BACK, values)).scalar_one_or_none()
    if contents is None:
        raise HTTPException(422, UNDO_EXPIRED)
    return json.loads(contents)
