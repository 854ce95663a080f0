"""A person's profile: the name others on the instance know them by (and may find them by),
and what the people they accept as followers see of theirs."""

import re
import unicodedata
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..tables import users

NAME_MAX = 40
NAME_RULE = (
    f"A profile name is 2 to {NAME_MAX} of the letters a to z, digits, dots, dashes and underscores, "
    "with a letter or a digit among them."
)
NAME_TAKEN = "Someone on this FlickList has that profile name already. Choose another."
# Latin letters only: a Cyrillic A (U+0410) looks like a Latin one, and a name is how people know
# whom they let in.
NAME = re.compile(rf"(?=.*[A-Za-z0-9])[A-Za-z0-9._-]{{2,{NAME_MAX}}}")


class Profile(NamedTuple):
    name: str | None
    share_diary: bool
    share_reviews: bool
    share_watchlist: bool


PROFILE = select(users.c.profile_name, users.c.share_diary, users.c.share_reviews, users.c.share_watchlist).where(
    users.c.id == bindparam("user_id")
)
SET_PROFILE = (
    update(users)
    .where(users.c.id == bindparam("user_id"))
    .values(
        profile_name=bindparam("name"),
        profile_key=bindparam("key"),
        share_diary=bindparam("diary"),
        share_reviews=bindparam("reviews"),
        share_watchlist=bindparam("watchlist"),
    )
    .returning(users.c.id)
)


def profile_key(name: str) -> str:
    """The form a name is unique and found in: "Ann" and "ANN" are one name."""
    return unicodedata.normalize("NFKC", name).casefold()


def check_name(name: str) -> str | None:
    """Why `name` (already trimmed) cannot be a profile name, if it cannot; empty is no name."""
    if name and not (NAME.fullmatch(name) and len(profile_key(name)) <= NAME_MAX):
        return NAME_RULE
    return None


async def profile_of(db: Database, user_id: int) -> Profile:
    return Profile(*(await db.fetch_all(PROFILE, user_id=user_id))[0])


async def set_profile(db: Database, user_id: int, profile: Profile) -> str | None:
    """Saves `profile` (its name checked first: check_name); NAME_TAKEN when another has it."""
    values = {
        "name": profile.name or None,
        "key": profile_key(profile.name) if profile.name else None,
        "diary": profile.share_diary,
        "reviews": profile.share_reviews,
        "watchlist": profile.share_watchlist,
    }
    try:
        await db.write_returning(SET_PROFILE, int, user_id=user_id, **values)
    except IntegrityError:
        return NAME_TAKEN
    return None
