"""Follow requests, follows and blocks. Every change names the person making it in its WHERE:
a request is accepted or declined only by the one it asks, a follow ended only by one of its
two, a block lifted only by the one who made it."""

from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select, update

from ..db import Database, Upsert
from ..security.address_limits import Window
from ..security.throttle import Limit
from ..tables import blocks, film_lists, follows, list_editors, now, users
from .profiles import profile_key

FOLLOW_REQUESTS = Window(Limit("follow-request", 0), 3600)
REQUESTS_PER_HOUR = 20

ME, OTHER = bindparam("user_id"), bindparam("other_id")
ACTIVE = and_(users.c.disabled_at.is_(None), users.c.awaiting_verification.is_(False))
BY_ADDRESS = select(users.c.id).where(users.c.email == bindparam("email"), ACTIVE)
BY_NAME = select(users.c.id).where(users.c.profile_key == bindparam("key"), ACTIVE)


def between(one, other) -> object:
    """A follow of `one` by `other`, or of `other` by `one`."""
    return or_(
        and_(follows.c.follower_id == one, follows.c.followed_id == other),
        and_(follows.c.follower_id == other, follows.c.followed_id == one),
    )


def friends_with(one, other) -> object:
    """`one` and `other` follow each other one way or the other, accepted."""
    return exists().where(follows.c.accepted_at.is_not(None), between(one, other))


class Asked(StrEnum):
    """What asking to follow someone came to."""

    SENT = "sent"
    FOLLOWING = "following"
    SELF = "self"
    YOU_BLOCKED = "you blocked"
    BLOCKED = "blocked"


async def account_named(db: Database, address: str | None, name: str) -> int | None:
    """The active account with this (normalised) address, else with this profile name."""
    if address:
        rows = await db.fetch_all(BY_ADDRESS, email=address)
    else:
        rows = await db.fetch_all(BY_NAME, key=profile_key(name))
    return rows[0][0] if rows else None


def blocked(blocker, blocked_one) -> exists:
    return exists().where(blocks.c.blocker_id == blocker, blocks.c.blocked_id == blocked_one)


PAIR = select(follows.c.accepted_at).where(follows.c.follower_id == ME, follows.c.followed_id == OTHER)
# The same request sent twice at once is one request.
ASK = Upsert(
    follows,
    key=["follower_id", "followed_id"],
    update={},
    values={"follower_id": ME, "followed_id": OTHER, "requested_at": bindparam("now"), "asked_as": bindparam("asked")},
)


async def ask_to_follow(db: Database, user_id: int, other_id: int, asked_as: str) -> str:
    """A request from `user_id` to follow `other_id`; none from someone they blocked. One they
    declined before stays as it is, waiting as far as its sender can tell: they are not asked
    again (until its sender takes it back)."""
    if user_id == other_id:
        return Asked.SELF
    ids = {"user_id": user_id, "other_id": other_id}
    async with db.transaction() as connection:
        if await connection.scalar(select(blocked(ME, OTHER)), ids):
            return Asked.YOU_BLOCKED
        if await connection.scalar(select(blocked(OTHER, ME)), ids):
            return Asked.BLOCKED
        found = (await connection.execute(PAIR, ids)).first()
        if found is not None:
            return Asked.FOLLOWING if found[0] is not None else Asked.SENT
        await db.upsert(ASK, connection=connection, **ids, now=now(), asked=asked_as[:320])
    return Asked.SENT


class Person(NamedTuple):
    """Someone on a Friends page: their follow's id, their account's, and the name shown."""

    follow_id: int
    user_id: int
    name: str
    since: int


def shown_name(known_as) -> object:
    """An account's profile name, or what names it to this viewer when it has none."""
    return func.coalesce(users.c.profile_name, known_as)


def people(side, other_side, state, known_as, moment) -> object:
    return (
        select(follows.c.id, users.c.id, shown_name(known_as), moment)
        .join(users, users.c.id == other_side)
        .where(side == ME, state)
        .order_by(moment.desc(), follows.c.id.desc())
    )


PENDING = and_(follows.c.accepted_at.is_(None), follows.c.declined_at.is_(None))
ACCEPTED = follows.c.accepted_at.is_not(None)
NO_NAME = "(no profile name)"
# Whom the person follows: an account that has accepted them may be shown by its address.
FOLLOWING = people(follows.c.follower_id, follows.c.followed_id, ACCEPTED, users.c.email, follows.c.accepted_at)
FOLLOWERS = people(follows.c.followed_id, follows.c.follower_id, ACCEPTED, NO_NAME, follows.c.accepted_at)
REQUESTS = people(follows.c.followed_id, follows.c.follower_id, PENDING, NO_NAME, follows.c.requested_at)
# The person's own requests still waiting (declined ones too: a decline is not told), by what
# they typed: an address they knew, or a name.
ASKED = (
    select(follows.c.id, follows.c.followed_id, follows.c.asked_as, follows.c.requested_at)
    .where(follows.c.follower_id == ME, follows.c.accepted_at.is_(None))
    .order_by(follows.c.requested_at.desc(), follows.c.id.desc())
)
BLOCKED = (
    select(blocks.c.blocked_id, blocks.c.blocked_id, shown_name(NO_NAME), blocks.c.created_at)
    .join(users, users.c.id == blocks.c.blocked_id)
    .where(blocks.c.blocker_id == ME)
    .order_by(blocks.c.created_at.desc())
)


class Friends(NamedTuple):
    requests: list[Person]
    following: list[Person]
    followers: list[Person]
    asked: list[Person]
    blocked: list[Person]


async def friends_of(db: Database, user_id: int) -> Friends:
    found = [
        [Person(*row) for row in await db.fetch_all(statement, user_id=user_id)]
        for statement in (REQUESTS, FOLLOWING, FOLLOWERS, ASKED, BLOCKED)
    ]
    return Friends(*found)


ACCEPT = (
    update(follows)
    .where(follows.c.id == bindparam("follow_id"), follows.c.followed_id == ME, PENDING)
    .values(accepted_at=bindparam("now"))
    .returning(follows.c.id)
)
DECLINE = (
    update(follows)
    .where(follows.c.id == bindparam("follow_id"), follows.c.followed_id == ME, PENDING)
    .values(declined_at=bindparam("now"))
    .returning(follows.c.id)
)
# Ended by the follower (unfollow, or a request taken back) or by the one followed (a follower
# removed; a request is declined instead).
END = (
    delete(follows)
    .where(
        follows.c.id == bindparam("follow_id"),
        or_(follows.c.follower_id == ME, and_(follows.c.followed_id == ME, ACCEPTED)),
    )
    .returning(follows.c.id)
)


async def accept(db: Database, user_id: int, follow_id: int) -> bool:
    return await db.write_returning(ACCEPT, int, user_id=user_id, follow_id=follow_id, now=now()) is not None


async def decline(db: Database, user_id: int, follow_id: int) -> bool:
    return await db.write_returning(DECLINE, int, user_id=user_id, follow_id=follow_id, now=now()) is not None


OTHER_OF = select(
    func.coalesce(
        select(follows.c.follower_id)
        .where(follows.c.id == bindparam("follow_id"), follows.c.followed_id == ME)
        .scalar_subquery(),
        select(follows.c.followed_id)
        .where(follows.c.id == bindparam("follow_id"), follows.c.follower_id == ME)
        .scalar_subquery(),
    )
)


# Once two people are no longer friends, neither edits the other's lists (own_lists/editors.py):
# becoming friends again does not give them back.
def editing_lists_of(editor, owner) -> object:
    return and_(
        list_editors.c.user_id == editor,
        list_editors.c.list_id.in_(select(film_lists.c.id).where(film_lists.c.user_id == owner)),
    )


NO_LONGER_EDITORS = delete(list_editors).where(
    or_(editing_lists_of(OTHER, ME), editing_lists_of(ME, OTHER)), ~friends_with(ME, OTHER)
)


async def end(db: Database, user_id: int, follow_id: int) -> bool:
    ids = {"user_id": user_id, "follow_id": follow_id}
    async with db.transaction() as connection:
        other_id = await connection.scalar(OTHER_OF, ids)
        if other_id is None or (await connection.execute(END, ids)).first() is None:
            return False
        await connection.execute(NO_LONGER_EDITORS, {"user_id": user_id, "other_id": other_id})
    return True


BLOCK = Upsert(
    blocks,
    key=["blocker_id", "blocked_id"],
    update={},
    values={"blocker_id": ME, "blocked_id": OTHER, "created_at": bindparam("now")},
)
BOTH_WAYS = delete(follows).where(between(ME, OTHER))


async def block(db: Database, user_id: int, follow_id: int) -> bool:
    """Blocks the other one of the person's follow or request `follow_id`: it ends, and so does
    any the other way; their requests stop."""
    async with db.transaction() as connection:
        other_id = await connection.scalar(OTHER_OF, {"user_id": user_id, "follow_id": follow_id})
        if other_id is None:
            return False
        await connection.execute(BOTH_WAYS, {"user_id": user_id, "other_id": other_id})
        await connection.execute(NO_LONGER_EDITORS, {"user_id": user_id, "other_id": other_id})
        await db.upsert(BLOCK, connection=connection, user_id=user_id, other_id=other_id, now=now())
    return True


UNBLOCK = delete(blocks).where(blocks.c.blocker_id == ME, blocks.c.blocked_id == OTHER).returning(blocks.c.blocked_id)


async def unblock(db: Database, user_id: int, other_id: int) -> bool:
    return await db.write_returning(UNBLOCK, int, user_id=user_id, other_id=other_id) is not None
