"""Viewings, the diary's entries: what a "log it" form may hold, and the statements that log,
change and list them. Each logs on a movie of the user's own list; anyone else's matches nothing."""

from datetime import date
from typing import NamedTuple

from sqlalchemy import Boolean, Integer, String, bindparam, cast, exists, func, insert, literal_column, select, update
from sqlalchemy.sql import Select

from ..catalog.text import clean_lines, clean_text
from ..tables import films, movies, viewings
from .days import latest_day_anywhere, today
from .ratings import RATING_RULE, RATINGS

REVIEW_MAX = 20_000
TAGS_MAX = 20
TAG_MAX = 50


class ViewingForm(NamedTuple):
    """A viewing as a form gives it: `rating` in half stars, `tags` joined by ", "."""

    watched_on: str
    rating: int | None
    rewatch: bool
    review: str
    tags: str


def read_tags(typed: str) -> list[str]:
    """Comma-separated tags, each cleaned, case-blind duplicates dropped, first spelling kept."""
    kept: dict[str, str] = {}
    for tag in typed.split(","):
        if tag := clean_text(tag):
            kept.setdefault(tag.casefold(), tag)
    return list(kept.values())


def check_viewing(fields: dict[str, str]) -> tuple[ViewingForm | None, dict[str, str]]:
    """The viewing the form describes, or the message for each field that is wrong."""
    errors: dict[str, str] = {}
    typed_date = fields["watched_on"].strip()
    try:
        watched_on = date.fromisoformat(typed_date) if typed_date else today()
    except ValueError:
        watched_on = None
        errors["watched_on"] = "Give the date as year-month-day, such as 2026-11-25."
    if watched_on and watched_on > latest_day_anywhere():
        errors["watched_on"] = "That date is in the future: a viewing can only be logged once it happened."
    elif watched_on and watched_on.year < 1870:
        errors["watched_on"] = "That date is before films were made."
    rating = RATINGS.get(fields["rating"]) if fields["rating"] else None
    if fields["rating"] and rating is None:
        errors["rating"] = RATING_RULE
    review = clean_lines(fields["review"])
    if len(review) > REVIEW_MAX:
        errors["review"] = f"A review can be at most {REVIEW_MAX:,} characters long (this one has {len(review):,})."
    tags = read_tags(fields["tags"])
    if len(tags) > TAGS_MAX or any(len(tag) > TAG_MAX for tag in tags):
        errors["tags"] = f"Up to {TAGS_MAX} tags, each at most {TAG_MAX} characters."
    if errors:
        return None, errors
    return ViewingForm(watched_on.isoformat(), rating, fields["rewatch"] == "on", review, ", ".join(tags)), {}


VIEWING_FIELDS = ("watched_on", "rating", "rewatch", "review", "tags")
# What a viewing holds beyond whose it is: what the trash keeps and the export writes.
VIEWING_FIELDS_STORED = (*VIEWING_FIELDS, "created_at")
STORED_COLUMNS = tuple(viewings.c[name] for name in VIEWING_FIELDS_STORED)

# The URL's movie, if it is on this user's list: anyone else's matches nothing.
THE_USERS_MOVIE = (movies.c.id == bindparam("movie_id"), movies.c.user_id == bindparam("user_id"))
EARLIER_VIEWING = exists().where(
    viewings.c.movie_id == movies.c.id, viewings.c.watched_on <= bindparam("watched_on", type_=String)
)


def logging(rewatch) -> Select:
    return select(
        movies.c.user_id,
        movies.c.id,
        bindparam("watched_on", type_=String),
        bindparam("rating", type_=Integer),
        rewatch,
        bindparam("review", type_=String),
        bindparam("tags", type_=String),
        bindparam("now", type_=Integer),
    ).where(*THE_USERS_MOVIE)


COLUMNS_LOGGED = ("user_id", "movie_id", "watched_on", "rating", "rewatch", "review", "tags", "created_at")
# "I watched it!": a viewing of a movie on the watchlist, a rewatch when an earlier one exists.
LOG_CROSSED_OFF = (
    insert(viewings)
    .from_select(COLUMNS_LOGGED, logging(EARLIER_VIEWING).where(movies.c.watched.is_(False)))
    .returning(viewings.c.id)
)
# A "log it" form: what the person chose.
LOG_AS_TOLD = (
    insert(viewings).from_select(COLUMNS_LOGGED, logging(bindparam("rewatch", type_=Boolean))).returning(viewings.c.id)
)
HAS_BEEN_WATCHED = select(exists().where(viewings.c.movie_id == bindparam("movie_id")))

NEWEST_FIRST = (viewings.c.watched_on.desc(), viewings.c.id.desc())
# The film's rating follows the newest viewing that has one.
MARK_WATCHED = (
    update(movies)
    .where(*THE_USERS_MOVIE)
    .values(
        watched=True,
        watched_at=func.coalesce(movies.c.watched_at, bindparam("now", type_=Integer)),
        rating=func.coalesce(
            select(viewings.c.rating)
            .where(viewings.c.movie_id == movies.c.id, viewings.c.rating.is_not(None))
            .order_by(*NEWEST_FIRST)
            .limit(1)
            .scalar_subquery(),
            movies.c.rating,
        ),
    )
)

THE_USERS_VIEWING = (viewings.c.id == bindparam("viewing_id"), viewings.c.user_id == bindparam("user_id"))
CHANGE_VIEWING = (
    update(viewings)
    .where(*THE_USERS_VIEWING)
    .values(
        watched_on=bindparam("watched_on"),
        rating=bindparam("rating"),
        rewatch=bindparam("rewatch"),
        review=bindparam("review"),
        tags=bindparam("tags"),
    )
    .returning(viewings.c.movie_id)
)


class Viewing(NamedTuple):
    id: int
    watched_on: str
    rating: int | None
    rewatch: bool
    review: str
    tags: str


VIEWING_COLUMNS = (
    viewings.c.id,
    viewings.c.watched_on,
    viewings.c.rating,
    viewings.c.rewatch,
    viewings.c.review,
    viewings.c.tags,
)
VIEWINGS_OF_MOVIE = (
    select(*VIEWING_COLUMNS)
    .where(viewings.c.movie_id == bindparam("movie_id"), viewings.c.user_id == bindparam("user_id"))
    .order_by(*NEWEST_FIRST)
)
A_VIEWING = select(*VIEWING_COLUMNS, viewings.c.movie_id, movies.c.title).join(movies).where(*THE_USERS_VIEWING)


class DiaryEntry(NamedTuple):
    """A row of the diary page; `details` is the film's (or the typed year)."""

    id: int
    watched_on: str
    rating: int | None
    rewatch: bool
    has_review: bool
    movie_id: int
    title: str
    film_id: int | None
    details: str | None


DETAILS = func.coalesce(films.c.details, cast(movies.c.year, String(4)))
DIARY = (
    select(
        viewings.c.id,
        viewings.c.watched_on,
        viewings.c.rating,
        viewings.c.rewatch,
        viewings.c.review != "",
        movies.c.id,
        movies.c.title,
        movies.c.film_id,
        DETAILS,
    )
    .select_from(viewings.join(movies).outerjoin(films, films.c.id == movies.c.film_id))
    .where(viewings.c.user_id == bindparam("user_id"))
    .order_by(*NEWEST_FIRST)
)

# Per movie on a list: the day last watched and how many times (the Watched page's columns).
LAST_WATCHED = literal_column("(SELECT max(viewings.watched_on) FROM viewings WHERE viewings.movie_id = movies.id)")
TIMES_WATCHED = literal_column("(SELECT count(*) FROM viewings WHERE viewings.movie_id = movies.id)")
