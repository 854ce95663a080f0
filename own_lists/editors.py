"""A list of one's own shared with friends as its editors: each of them adds, removes, moves and
notes its films as its owner does, and sees it with their own marks (seen, rated). An editor
keeps the list only while owner and editor are friends (one follows the other, accepted): the
queries say so themselves. Every change to a shared list is kept with who made it."""

from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, exists, func, insert, or_, select

from ..db import Database
from ..friends.store import NO_NAME, friends_with
from ..tables import film_lists, follows, list_changes, list_editors, now, users

EDITORS_AT_MOST = 20
CHANGES_SHOWN = 10

# The viewer may change the list `list_id`: it is theirs, or they are its editor and still a
# friend of its owner.
EDITS = and_(
    list_editors.c.list_id == film_lists.c.id,
    list_editors.c.user_id == bindparam("viewer_id"),
)
MAY_CHANGE = or_(
    film_lists.c.user_id == bindparam("viewer_id"),
    and_(exists().where(EDITS), friends_with(film_lists.c.user_id, bindparam("viewer_id"))),
)


class Editor(NamedTuple):
    user_id: int
    name: str


EDITORS = (
    select(users.c.id, func.coalesce(users.c.profile_name, NO_NAME))
    .join(list_editors, list_editors.c.user_id == users.c.id)
    .join(film_lists, film_lists.c.id == list_editors.c.list_id)
    .where(list_editors.c.list_id == bindparam("list_id"), friends_with(film_lists.c.user_id, users.c.id))
    .order_by(users.c.profile_name, users.c.id)
)


async def editors_of(db: Database, list_id: int) -> list[Editor]:
    return [Editor(*row) for row in await db.fetch_all(EDITORS, list_id=list_id)]


CLEAR = delete(list_editors).where(list_editors.c.list_id == bindparam("list_id"))
# An editor named by the list's owner: only a friend of theirs, on a list of theirs.
ADD_EDITOR = insert(list_editors).from_select(
    ["list_id", "user_id", "added_at"],
    select(film_lists.c.id, users.c.id, bindparam("now")).where(
        film_lists.c.id == bindparam("list_id"),
        film_lists.c.user_id == bindparam("owner"),
        users.c.id == bindparam("editor"),
        users.c.id != film_lists.c.user_id,
        friends_with(film_lists.c.user_id, users.c.id),
    ),
)


async def set_editors(db: Database, owner_id: int, list_id: int, editor_ids: list[int]) -> None:
    """The list's editors are these of the owner's friends from now on (anyone else is left out)."""
    moment = now()
    steps = [(CLEAR, {"list_id": list_id})] + [
        (ADD_EDITOR, {"list_id": list_id, "owner": owner_id, "editor": editor_id, "now": moment})
        for editor_id in dict.fromkeys(editor_ids[:EDITORS_AT_MOST])
    ]
    await db.write_together(*steps)


class SharedList(NamedTuple):
    id: int
    name: str
    owner: str


SHARED_WITH = (
    select(film_lists.c.id, film_lists.c.name, func.coalesce(users.c.profile_name, NO_NAME))
    .join(list_editors, list_editors.c.list_id == film_lists.c.id)
    .join(users, users.c.id == film_lists.c.user_id)
    .where(list_editors.c.user_id == bindparam("user_id"), friends_with(film_lists.c.user_id, bindparam("user_id")))
    .order_by(film_lists.c.name, film_lists.c.id)
)


async def shared_with(db: Database, user_id: int) -> list[SharedList]:
    """The lists friends share with this person as an editor."""
    return [SharedList(*row) for row in await db.fetch_all(SHARED_WITH, user_id=user_id)]


RECORD = insert(list_changes).values(
    list_id=bindparam("list_id"),
    user_id=bindparam("by"),
    action=bindparam("action"),
    title=bindparam("title"),
    at=bindparam("now"),
)


def change(list_id: int, by: int, action: str, title: str) -> tuple:
    """A write_together step that keeps who changed the list, and how."""
    return (RECORD, {"list_id": list_id, "by": by, "action": action, "title": title[:200], "now": now()})


class Change(NamedTuple):
    name: str
    action: str
    title: str
    at: int


CHANGES = (
    select(func.coalesce(users.c.profile_name, NO_NAME), list_changes.c.action, list_changes.c.title, list_changes.c.at)
    .join(users, users.c.id == list_changes.c.user_id)
    .where(list_changes.c.list_id == bindparam("list_id"))
    .order_by(list_changes.c.id.desc())
    .limit(CHANGES_SHOWN)
)


async def changes_of(db: Database, list_id: int) -> list[Change]:
    return [Change(*row) for row in await db.fetch_all(CHANGES, list_id=list_id)]


OWNER = (
    select(film_lists.c.user_id, func.coalesce(users.c.profile_name, NO_NAME))
    .join(users, users.c.id == film_lists.c.user_id)
    .where(film_lists.c.id == bindparam("list_id"))
)


async def people_of(db: Database, list_id: int) -> list[Editor]:
    """Whoever may change the list: its owner first, then its editors."""
    return [Editor(*row) for row in await db.fetch_all(OWNER, list_id=list_id)] + await editors_of(db, list_id)


# Whose films seen a pick may leave out for the viewer: a pick tells what they have seen, so only
# those who show the viewer their diary (the viewer follows them, accepted, and they share it).
SHOWS_DIARY_TO = select(users.c.id).where(
    users.c.share_diary,
    exists().where(
        follows.c.follower_id == bindparam("viewer_id"),
        follows.c.followed_id == users.c.id,
        follows.c.accepted_at.is_not(None),
    ),
)


async def watching_with(db: Database, list_id: int, viewer_id: int) -> list[Editor]:
    """The list's people (people_of) a pick may leave out what they have seen, the viewer aside."""
    showing = {row[0] for row in await db.fetch_all(SHOWS_DIARY_TO, viewer_id=viewer_id)}
    return [person for person in await people_of(db, list_id) if person.user_id in showing]
