"""The stats page's figures, for all time or one year, from the diary's viewings and their
films: viewings per month (per year, for all time), ratings given in half stars, hours
watched, decades and genres, rewatches, the longest streak of weeks with a film, the most
watched directors and actors. A handful of grouped queries, kept per worker until the
account's diary changes (users.diary_version) or the catalog's credits do."""

from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, case, distinct, func, select

from ..catalog.generations import CREDITS, generation_in_use
from ..catalog.people import CAST_ROLES, in_roles
from ..db import Database
from ..tables import film_credits, movies, people, users, viewings

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TOP_GENRES = 10
TOP_PEOPLE = 10


@dataclass(frozen=True)
class Streak:
    weeks: int
    first_monday: date | None = None
    last_monday: date | None = None


@dataclass(frozen=True)
class Figures:
    year: int | None
    viewings: int
    films: int
    rewatches: int
    minutes: int  # of the viewings whose film's runtime is known
    timed: int  # how many viewings that is
    periods: list[tuple[str, int]]  # (month or year, viewings), in order
    ratings: list[tuple[int, int]]  # (half stars 1-10, viewings rated so), all ten
    decades: list[tuple[int, int]]  # (1990, viewings), oldest first
    genres: list[tuple[str, int]]  # most watched first
    streak: Streak
    directors: list[tuple[int, str, int]]  # (person id, name, films watched), most first
    actors: list[tuple[int, str, int]]
    years: list[int]  # every year with a viewing, newest first: the page's choices


def in_period(statement):
    """Only the viewings of the year asked for (bound as first_day and last_day)."""
    return statement.where(
        viewings.c.user_id == bindparam("user_id"),
        viewings.c.watched_on.between(bindparam("first_day"), bindparam("last_day")),
    )


MONTH = func.substr(viewings.c.watched_on, 1, 7)
BY_MONTH = in_period(
    select(
        MONTH,
        func.count(),
        func.sum(case((viewings.c.rewatch, 1), else_=0)),
        func.coalesce(func.sum(movies.c.runtime), 0),
        func.count(movies.c.runtime),
    )
    .select_from(viewings.join(movies))
    .group_by(MONTH)
)
FILMS = in_period(select(func.count(distinct(viewings.c.movie_id))))
RATINGS = in_period(
    select(viewings.c.rating, func.count()).where(viewings.c.rating.is_not(None)).group_by(viewings.c.rating)
)
KINDS = in_period(
    select(movies.c.list_year, movies.c.genres, func.count())
    .select_from(viewings.join(movies))
    .group_by(movies.c.list_year, movies.c.genres)
)


def most_watched(roles: tuple[str, ...]):
    """The people of `roles` in the most different films watched in the period."""
    films_watched = func.count(distinct(movies.c.film_id))
    return in_period(
        select(people.c.id, people.c.name, films_watched)
        .select_from(
            viewings.join(movies)
            .join(film_credits, film_credits.c.film_id == movies.c.film_id)
            .join(people, people.c.id == film_credits.c.person_id)
        )
        .where(
            film_credits.c.generation == generation_in_use(CREDITS),
            in_roles(roles),
        )
        .group_by(people.c.id, people.c.name)
        .order_by(films_watched.desc(), people.c.name)
        .limit(TOP_PEOPLE)
    )


DIRECTORS, ACTORS = most_watched(("director",)), most_watched(CAST_ROLES)
DAYS = in_period(select(viewings.c.watched_on).distinct())
YEAR = func.substr(viewings.c.watched_on, 1, 4)
YEARS = select(YEAR).distinct().where(viewings.c.user_id == bindparam("user_id")).order_by(YEAR.desc())


async def figures(db: Database, user_id: int, year: int | None) -> Figures:
    bounds = {"user_id": user_id, "first_day": f"{year or 1}".zfill(4) + "-01-01", "last_day": f"{year or 9999}-12-31"}
    months = await db.fetch_all(BY_MONTH, **bounds)
    per_month = {month: count for month, count, *_ in months}
    if year is None:
        per_year: Counter[str] = Counter()
        for month, count in per_month.items():
            per_year[month[:4]] += count
        periods = sorted(per_year.items())
    else:
        periods = [(MONTHS[number - 1], per_month.get(f"{year}-{number:02}", 0)) for number in range(1, 13)]
    rated = dict(await db.fetch_all(RATINGS, **bounds))
    decades: Counter[int] = Counter()
    genres: Counter[str] = Counter()
    for film_year, film_genres, count in await db.fetch_all(KINDS, **bounds):
        if film_year:
            decades[film_year // 10 * 10] += count
        for genre in filter(None, (film_genres or "").split(",")):
            genres[genre] += count
    return Figures(
        year=year,
        viewings=sum(per_month.values()),
        films=(await db.fetch_all(FILMS, **bounds))[0][0],
        rewatches=sum(rewatches for _, _, rewatches, _, _ in months),
        minutes=sum(minutes for *_, minutes, _ in months),
        timed=sum(timed for *_, timed in months),
        periods=periods,
        ratings=[(halves, rated.get(halves, 0)) for halves in range(1, 11)],
        decades=sorted(decades.items()),
        genres=sorted(genres.items(), key=lambda item: (-item[1], item[0]))[:TOP_GENRES],
        streak=longest_streak([day for (day,) in await db.fetch_all(DAYS, **bounds)]),
        directors=[tuple(row) for row in await db.fetch_all(DIRECTORS, **bounds)],
        actors=[tuple(row) for row in await db.fetch_all(ACTORS, **bounds)],
        years=[int(found) for (found,) in await db.fetch_all(YEARS, user_id=user_id)],
    )


def longest_streak(days: list[str]) -> Streak:
    """The most weeks in a row (Monday to Sunday) each with at least one viewing."""
    weeks = sorted({monday_of(date.fromisoformat(day)) for day in days})
    best, run_start = Streak(0), None
    for index, monday in enumerate(weeks):
        if index == 0 or monday - weeks[index - 1] != timedelta(weeks=1):
            run_start = monday
        length = (monday - run_start).days // 7 + 1
        if length > best.weeks:
            best = Streak(length, run_start, monday)
    return best


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


VERSIONS = select(users.c.diary_version, generation_in_use(CREDITS)).where(users.c.id == bindparam("user_id"))


class FiguresCache:
    """Each worker's last figures per account and year, good while the diary's version and the
    credits' generation stand."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.kept: OrderedDict[tuple[int, int | None], tuple[tuple, Figures]] = OrderedDict()

    async def get(self, db: Database, user_id: int, year: int | None) -> Figures:
        [version] = await db.fetch_all(VERSIONS, user_id=user_id)
        key = (user_id, year)
        if (found := self.kept.get(key)) is not None and found[0] == tuple(version):
            self.kept.move_to_end(key)
            return found[1]
        computed = await figures(db, user_id, year)
        self.kept[key] = (tuple(version), computed)
        self.kept.move_to_end(key)
        while len(self.kept) > self.size:
            self.kept.popitem(last=False)
        return computed
