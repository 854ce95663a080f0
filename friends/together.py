"""Watched together: a viewing in one person's diary names friends it was watched with (people
they follow or who follow them, accepted); each of those sees it on their Friends page and can
add it to their own diary in one go (the same day, their own rating), or dismiss it."""

from typing import NamedTuple

from sqlalchemy import bindparam, case, exists, func, insert, literal, select, update

from ..db import Database
from ..diary.viewings import COLUMNS_LOGGED, EARLIER_VIEWING, MARK_WATCHED, logging
from ..tables import follows, movies, now, users, viewings, watched_together
from .store import NO_NAME, friends_with

NAMED_AT_MOST = 20
ME = bindparam("user_id")


class Friend(NamedTuple):
    user_id: int
    name: str


# A friend's name to this person: their profile name, else their address if they accepted this
# person as a follower (an address is shown to no one its account has not accepted).
ACCEPTED_ME = exists().where(
    follows.c.follower_id == ME, follows.c.followed_id == users.c.id, follows.c.accepted_at.is_not(None)
)
FRIEND_NAME = func.coalesce(users.c.profile_name, case((ACCEPTED_ME, users.c.email), else_=literal(NO_NAME)))
FRIENDS = select(users.c.id, FRIEND_NAME).where(users.c.id != ME, friends_with(ME, users.c.id)).order_by(FRIEND_NAME)


async def friends_to_name(db: Database, user_id: int) -> list[Friend]:
    return [Friend(*row) for row in await db.fetch_all(FRIENDS, user_id=user_id)]


NAME_ONE = insert(watched_together).from_select(
    ["viewing_id", "friend_id", "created_at"],
    select(viewings.c.id, bindparam("friend_id"), bindparam("now")).where(
        viewings.c.id == bindparam("viewing_id"),
        viewings.c.user_id == ME,
        friends_with(ME, bindparam("friend_id")),
        ~exists().where(
            watched_together.c.viewing_id == viewings.c.id, watched_together.c.friend_id == bindparam("friend_id")
        ),
    ),
)


async def name_companions(db: Database, user_id: int, viewing_id: int, friend_ids: list[int]) -> None:
    """The person's viewing watched with these of their friends (anyone else named is left out)."""
    steps = [
        (NAME_ONE, {"user_id": user_id, "viewing_id": viewing_id, "friend_id": friend_id, "now": now()})
        for friend_id in dict.fromkeys(friend_ids[:NAMED_AT_MOST])
    ]
    if steps:
        await db.write_together(*steps)


class Invitation(NamedTuple):
    """A viewing a friend logged as watched with this person, not yet added nor dismissed."""

    id: int
    name: str
    film_id: int | None
    title: str
    year: int | None
    watched_on: str


WAITING = (
    select(
        watched_together.c.id,
        FRIEND_NAME,
        movies.c.film_id,
        movies.c.title,
        movies.c.year,
        viewings.c.watched_on,
    )
    .join(viewings, viewings.c.id == watched_together.c.viewing_id)
    .join(movies, movies.c.id == viewings.c.movie_id)
    .join(users, users.c.id == viewings.c.user_id)
    .where(
        watched_together.c.friend_id == ME,
        watched_together.c.answered_at.is_(None),
        friends_with(ME, viewings.c.user_id),
    )
    .order_by(viewings.c.watched_on.desc(), watched_together.c.id.desc())
)
WAITING_SHOWN = 50
NEWEST_WAITING = WAITING.limit(WAITING_SHOWN)
ONE_WAITING = WAITING.where(watched_together.c.id == bindparam("invitation_id"))


async def invitations(db: Database, user_id: int) -> list[Invitation]:
    """The newest WAITING_SHOWN viewings friends logged as watched with this person."""
    return [Invitation(*row) for row in await db.fetch_all(NEWEST_WAITING, user_id=user_id)]


async def waiting_invitation(db: Database, user_id: int, invitation_id: int) -> Invitation | None:
    """One of them, however old, if it is this person's and still waiting."""
    rows = await db.fetch_all(ONE_WAITING, user_id=user_id, invitation_id=invitation_id)
    return Invitation(*rows[0]) if rows else None


THE_INVITATION = (watched_together.c.id == bindparam("invitation_id"), watched_together.c.friend_id == ME)
ANSWER = (
    update(watched_together)
    .where(*THE_INVITATION, watched_together.c.answered_at.is_(None))
    .values(answered_at=bindparam("now"))
    .returning(watched_together.c.id)
)
# Adding to the diary: the invitation held first (PostgreSQL: a second click waits here, then
# finds it answered), the viewing logged only while it is unanswered, then answered.
HOLD = select(watched_together.c.id).where(*THE_INVITATION).with_for_update()
UNANSWERED = exists().where(*THE_INVITATION, watched_together.c.answered_at.is_(None))
LOG_TOGETHER = insert(viewings).from_select(COLUMNS_LOGGED, logging(EARLIER_VIEWING).where(UNANSWERED))


async def dismiss(db: Database, user_id: int, invitation_id: int) -> bool:
    return await db.write_returning(ANSWER, int, user_id=user_id, invitation_id=invitation_id, now=now()) is not None


async def add_to_diary(db: Database, user_id: int, invitation: Invitation, movie_id: int, rating: int | None) -> bool:
    """The viewing in this person's own diary, of their entry `movie_id` of the film: the same
    day, their rating; the film onto their Watched list. False when it was added or dismissed
    already (a second click)."""
    ids = {"movie_id": movie_id, "user_id": user_id, "now": now(), "invitation_id": invitation.id}
    logged = {"watched_on": invitation.watched_on, "rating": rating, "review": "", "tags": ""}
    steps = ((HOLD, ids), (LOG_TOGETHER, {**ids, **logged}), (MARK_WATCHED, ids), (ANSWER, ids))
    *_, answered = await db.write_together(*steps)
    return answered is not None
