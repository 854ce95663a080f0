"""The diary a page at a time: every viewing newest first, by keyset on the diary's index."""

from datetime import date

from sqlalchemy import String, bindparam, tuple_

from ..db import Database
from ..tables import viewings
from ..whole_numbers import row_id
from .viewings import DIARY, DiaryEntry

PAGE_SIZE = 50  # entries a page, as many as a list page shows films
BROKEN_MORE = "That “Show more” link is broken. Go back to the top of the diary."
DIARY_PAGE = DIARY.limit(PAGE_SIZE + 1)
DIARY_AFTER = DIARY.where(
    tuple_(viewings.c.watched_on, viewings.c.id) < tuple_(bindparam("after_day", type_=String), bindparam("after_id"))
).limit(PAGE_SIZE + 1)


class BrokenDiaryLink(ValueError):
    """A "Show more" link that names no place in a diary; its message is the one the person reads."""


def read_diary_after(after: str) -> tuple[str, int]:
    """ "1234.2026-11-25": the last entry shown was viewing 1234, of that day."""
    typed_id, _, typed_day = after.partition(".")
    try:
        day = date.fromisoformat(typed_day).isoformat()
    except ValueError:
        day = None
    if (viewing_id := row_id(typed_id)) is None or day is None:
        raise BrokenDiaryLink(BROKEN_MORE)
    return day, viewing_id


async def read_diary(db: Database, user_id: int, after: tuple[str, int] | None) -> tuple[list[DiaryEntry], str | None]:
    """50 entries, newest first, from after `after` (the last entry shown: its day and id);
    and the `after` of the next page, if there is one."""
    if after:
        rows = await db.fetch_all(DIARY_AFTER, user_id=user_id, after_day=after[0], after_id=after[1])
    else:
        rows = await db.fetch_all(DIARY_PAGE, user_id=user_id)
    entries = [DiaryEntry(*row) for row in rows[:PAGE_SIZE]]
    return entries, f"{entries[-1].id}.{entries[-1].watched_on}" if len(rows) > PAGE_SIZE else None
