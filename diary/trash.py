"""The trash: what a person deleted (or crossed off several at once), kept UNDO_SECONDS so the
banner's Undo can bring it back. Each entry is of one kind (Kind): movies with their
viewings, one viewing, the films and viewings a bulk cross-off made, or a list of the person's
own with its films, kept as JSON. The Undo button carries only a reference to the row, signed
for its kind and its owner: a token of one kind is refused by another kind's Undo, and anyone
else's opens nothing."""

import json
from typing import Any, Literal

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ..security.signing import signer
from ..tables import now, trash

UNDO_SECONDS = 15 * 60
UNDO_EXPIRED = f"That undo has expired: an undo lasts {UNDO_SECONDS // 60} minutes."
UNDO_GONE = "That undo has expired or was used already."
UNDO_NOT_VALID = "That undo link is not valid."
# An entry's kind, the name its contents are kept under: {"movies": [...]}, {"viewing": {...}}, ….
Kind = Literal["movies", "viewing", "crossed_off", "film_list"]

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


class UndoRefused(Exception):
    """An Undo token that brings nothing back; the message says why, as the person reads it."""


def undo_signer(secret_key: str, kind: Kind) -> URLSafeTimedSerializer:
    return signer(secret_key, f"undo-{kind}")


async def throw_away(connection: AsyncConnection, secret_key: str, user_id: int, kind: Kind, contents: Any) -> str:
    """Keeps `contents` (of `kind`) in the trash, within the caller's transaction; the answer
    is the Undo token."""
    values = {"user_id": user_id, "deleted_at": now(), "contents": json.dumps({kind: contents})}
    trash_id = (await connection.execute(THROW_AWAY, values)).scalar_one()
    return undo_signer(secret_key, kind).dumps([user_id, trash_id])


async def take_back(connection: AsyncConnection, secret_key: str, user_id: int, kind: Kind, token: str) -> Any:
    """What the Undo token's delete of `kind` put in the trash, out of it again; UndoRefused
    once it has expired or been used, or for a token that is not this user's or this kind's."""
    try:
        owner, trash_id = undo_signer(secret_key, kind).loads(token, max_age=UNDO_SECONDS)
    except SignatureExpired:
        raise UndoRefused(UNDO_EXPIRED) from None
    except (BadSignature, ValueError, TypeError):
        raise UndoRefused(UNDO_NOT_VALID) from None
    if owner != user_id:
        raise UndoRefused(UNDO_NOT_VALID)
    values = {"trash_id": trash_id, "user_id": user_id, "since": now() - UNDO_SECONDS}
    contents = (await connection.execute(TAKE_BACK, values)).scalar_one_or_none()
    if contents is None:
        raise UndoRefused(UNDO_GONE)
    return json.loads(contents)[kind]
