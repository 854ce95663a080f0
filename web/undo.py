"""The banner's Undo over HTTP: what a request deletes goes to the user's trash (diary/trash.py)
and comes back from it, a token that brings nothing back answered with a 422 saying why."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..diary.trash import Kind, UndoRefused, take_back, throw_away


async def to_trash(request: Request, connection: AsyncConnection, kind: Kind, contents: Any) -> str:
    """`contents` kept for the banner's Undo, within the caller's transaction: the Undo token."""
    user_id, secret_key = request.state.user.id, request.app.state.settings.secret_key
    return await throw_away(connection, secret_key, user_id, kind, contents)


async def from_trash(request: Request, connection: AsyncConnection, kind: Kind, token: str) -> Any:
    """What the Undo token of `kind` brings back, out of the trash; a 422 saying why when nothing."""
    user_id, secret_key = request.state.user.id, request.app.state.settings.secret_key
    try:
        return await take_back(connection, secret_key, user_id, kind, token)
    except UndoRefused as refused:
        raise HTTPException(422, str(refused)) from None
