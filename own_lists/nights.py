"""Film nights: a film of a list planned for a day, by its owner or an editor; shown on the list's
page and, through a calendar feed (feeds/nights_ics.py), in the calendars of the people who may
change the list."""

from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, delete, exists, func, insert, select

from ..db import Database
from ..friends.store import NO_NAME
from ..tables import film_list_entries, film_lists, film_nights, films, now, users
from .editors import MAY_CHANGE

PLANNED_AHEAD_AT_MOST = 731  # days
CALENDAR_PAST_DAYS = 60
NOT_A_DAY = "Choose a day from today to two years ahead."


def latest_day(today: date) -> date:
    return today + timedelta(days=PLANNED_AHEAD_AT_MOST)


def day_planned(typed: str, today: date) -> str | None:
    """The ISO day typed, if a night may be planned for it."""
    try:
        day = date.fromisoformat(typed.strip())
    except ValueError:
        return None
    return day.isoformat() if today <= day <= latest_day(today) else None


PLAN = (
    insert(film_nights)
    .from_select(
        ["list_id", "title", "year", "film_id", "on_date", "planned_by", "created_at"],
        select(
            film_list_entries.c.list_id,
            film_list_entries.c.title,
            func.coalesce(films.c.year, film_list_entries.c.year),
            film_list_entries.c.film_id,
            bindparam("day"),
            bindparam("by"),
            bindparam("now"),
        )
        .select_from(film_list_entries.outerjoin(films, films.c.id == film_list_entries.c.film_id))
        .where(
            film_list_entries.c.id == bindparam("entry"),
            film_list_entries.c.list_id == bindparam("in_list"),
            # The same film the same day is one night.
            ~exists().where(
                film_nights.c.list_id == film_list_entries.c.list_id,
                film_nights.c.title == film_list_entries.c.title,
                film_nights.c.on_date == bindparam("day"),
            ),
        ),
    )
    .returning(film_nights.c.title)
)


async def plan(db: Database, list_id: int, entry_id: int, on_date: str, by: int) -> str | None:
    """The list's film `entry_id` planned for `on_date`: its title; None when it is not on the
    list, or planned for that day already."""
    values = {"entry": entry_id, "in_list": list_id, "day": on_date, "by": by, "now": now()}
    return await db.write_returning(PLAN, str, **values)


class Night(NamedTuple):
    id: int
    list_id: int
    list_name: str
    title: str
    year: int | None
    film_id: int | None
    on_date: str
    planned_by: str
    created_at: int


NIGHT_COLUMNS = (
    film_nights.c.id,
    film_nights.c.list_id,
    film_lists.c.name,
    film_nights.c.title,
    film_nights.c.year,
    film_nights.c.film_id,
    film_nights.c.on_date,
    func.coalesce(users.c.profile_name, NO_NAME),
    film_nights.c.created_at,
)
NIGHT_JOINS = film_nights.join(film_lists, film_lists.c.id == film_nights.c.list_id).join(
    users, users.c.id == film_nights.c.planned_by
)
UPCOMING = (
    select(*NIGHT_COLUMNS)
    .select_from(NIGHT_JOINS)
    .where(film_nights.c.list_id == bindparam("list_id"), film_nights.c.on_date >= bindparam("since"))
    .order_by(film_nights.c.on_date, film_nights.c.id)
    .limit(20)
)
# Every night on a list the person may change (their own, or one shared with them).
CALENDAR = (
    select(*NIGHT_COLUMNS)
    .select_from(NIGHT_JOINS)
    .where(MAY_CHANGE, film_nights.c.on_date >= bindparam("since"))
    .order_by(film_nights.c.on_date, film_nights.c.id)
    .limit(500)
)
CANCEL = (
    delete(film_nights)
    .where(film_nights.c.id == bindparam("night"), film_nights.c.list_id == bindparam("in_list"))
    .returning(film_nights.c.title)
)


async def upcoming(db: Database, list_id: int, today: date) -> list[Night]:
    return [Night(*row) for row in await db.fetch_all(UPCOMING, list_id=list_id, since=today.isoformat())]


async def calendar_of(db: Database, user_id: int, today: date) -> list[Night]:
    since = (today - timedelta(days=CALENDAR_PAST_DAYS)).isoformat()
    return [Night(*row) for row in await db.fetch_all(CALENDAR, viewer_id=user_id, since=since)]


async def cancel(db: Database, list_id: int, night_id: int) -> str | None:
    return await db.write_returning(CANCEL, str, night=night_id, in_list=list_id)
