"""Share links as their owner makes and sees them, and as a visitor's token opens them: a
revoked or expired link opens nothing, exactly as a token that never existed."""

from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database
from ..security import link_tokens
from ..tables import now, share_links

LISTS = {"watchlist": "Watchlist", "watched": "Watched", "diary": "Diary"}
OWN = "own"  # a list of the person's own, `film_list_id`
EXPIRIES = {"": "Never", "1": "In a day", "7": "In a week", "30": "In a month", "365": "In a year"}
NAME_MAX = 100


class ShareLink(NamedTuple):
    id: int
    list: str
    name: str
    include_reviews: bool
    created_at: int
    expires_at: int | None
    revoked_at: int | None
    last_opened_at: int | None
    times_opened: int
    film_list_id: int | None

    @property
    def choice(self) -> str:
        """The list as the form offers it: "watchlist", or "own:12" for a list of one's own."""
        return f"{OWN}:{self.film_list_id}" if self.film_list_id else self.list

    def open_now(self, at: int) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


COLUMNS = (
    share_links.c.id, share_links.c.list, share_links.c.name, share_links.c.include_reviews,
    share_links.c.created_at, share_links.c.expires_at, share_links.c.revoked_at,
    share_links.c.last_opened_at, share_links.c.times_opened, share_links.c.film_list_id,
)  # fmt: skip
OF_USER = select(*COLUMNS).where(share_links.c.user_id == bindparam("user_id")).order_by(share_links.c.id.desc())
ONE = select(*COLUMNS).where(share_links.c.user_id == bindparam("user_id"), share_links.c.id == bindparam("id"))


def check_name(name: str) -> str | None:
    if not name:
        return "Give the link a name: it is what its visitors see at the top of the list."
    if len(name) > NAME_MAX:
        return f"A link's name is at most {NAME_MAX} characters."
    return None


async def create(
    connection: AsyncConnection,
    user_id: int,
    list_name: str,
    name: str,
    include_reviews: bool,
    days: int | None,
    film_list_id: int | None = None,
) -> str:
    """A new link lasting `days` (None: until revoked); the answer is its token, shown once."""
    timestamp = now()
    return await link_tokens.insert_with_token(
        connection,
        share_links,
        user_id=user_id,
        list=list_name,
        name=name,
        include_reviews=include_reviews and list_name in ("watched", "diary"),
        created_at=timestamp,
        expires_at=timestamp + days * 86400 if days else None,
        times_opened=0,
        film_list_id=film_list_id,
    )


async def of_user(db: Database, user_id: int) -> list[ShareLink]:
    return [ShareLink(*row) for row in await db.fetch_all(OF_USER, user_id=user_id)]


async def revoke(connection: AsyncConnection, user_id: int, link_id: int) -> ShareLink | None:
    """Revokes the user's link (if it was still open); the answer is the link as it was."""
    row = (await connection.execute(ONE, {"user_id": user_id, "id": link_id})).first()
    if row is None:
        return None
    await connection.execute(
        update(share_links)
        .where(share_links.c.id == link_id, share_links.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    return ShareLink(*row)


class Opened(NamedTuple):
    id: int
    user_id: int
    list: str
    name: str
    include_reviews: bool
    film_list_id: int | None


BY_ID = select(
    share_links.c.id, share_links.c.user_id, share_links.c.list, share_links.c.name, share_links.c.include_reviews,
    share_links.c.film_list_id, share_links.c.secret_hash, share_links.c.expires_at, share_links.c.revoked_at,
).where(share_links.c.id == bindparam("id"))  # fmt: skip
COUNT_OPENED = (
    update(share_links)
    .where(share_links.c.id == bindparam("link_id"))
    .values(times_opened=share_links.c.times_opened + 1, last_opened_at=bindparam("now"))
    .returning(share_links.c.id)
)


async def opened(db: Database, token: str, count: bool) -> Opened | None:
    """The link a token opens now, or None; `count`: a visit (its first page), noted."""
    parsed = link_tokens.parse(token)
    if parsed is None:
        return None
    rows = await db.fetch_all(BY_ID, id=parsed[0])
    if not rows:
        return None
    *link, secret_hash, expires_at, revoked_at = rows[0]
    timestamp = now()
    if not link_tokens.matches(secret_hash, parsed[1]) or revoked_at is not None:
        return None
    if expires_at is not None and expires_at <= timestamp:
        return None
    if count:
        await db.write_returning(COUNT_OPENED, int, link_id=link[0], now=timestamp)
    return Opened(*link)
