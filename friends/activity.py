"""What the people a person follows have done, as each of them lets followers see it: films
watched (with their rating, if they share their diary and ratings; their review, if they share
reviews) and films added to their watchlist or to a list of their own (if they share those);
newest first, a page at a time from where the last page ended. And what they made of one film, for its page.

Only accounts that have accepted the person as a follower count, and the query itself says so
(`FOLLOWED`): nothing of anyone else's is ever read."""

from typing import NamedTuple

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)

from ..db import Database, id_slots, slot_values
from ..diary.ratings import written
from ..lists.view import PAGE_SIZE as LIST_PAGE_SIZE
from ..tables import film_list_entries, film_lists, follows, movies, users, viewings
from ..whole_numbers import row_id, whole_number
from .store import shown_name

PAGE = 30
ROWS_AT_MOST = LIST_PAGE_SIZE
ME = bindparam("user_id")
FOLLOWED = select(follows.c.followed_id).where(follows.c.follower_id == ME, follows.c.accepted_at.is_not(None))
# Their name to a follower they accepted: their profile name, else their address.
NAME = shown_name(users.c.email)
WATCHED, ADDED, LISTED = "watched", "added", "listed"


class Activity(NamedTuple):
    at: int
    kind: str  # WATCHED or ADDED
    id: int  # the viewing's or the entry's
    name: str
    film_id: int | None
    title: str
    watched_on: str | None
    rating: int | None  # None when not shared
    review: str  # "" when not shared
    rewatch: bool
    list_name: str | None  # the list of their own a film was added to (LISTED)

    @property
    def key(self) -> str:
        """Where the next page starts (the `after` of its URL)."""
        return f"{self.at}.{self.kind}.{self.id}"


BEFORE = tuple_(bindparam("at", type_=BigInteger), bindparam("kind", type_=String), bindparam("row", type_=Integer))
SHARED_RATING = case((users.c.share_diary, viewings.c.rating))
SHARED_REVIEW = case((users.c.share_reviews, viewings.c.review), else_=literal("", String))


def events(kind: str, at, row_id, film_id, title, joined, where, **shown) -> object:
    """One kind of event after the cursor, newest first, a page of it at most, in the columns of
    `Activity`: what `shown` gives (watched_on, rating, review, rewatch, list_name), else none."""
    absent = {
        "watched_on": cast(None, String),
        "rating": cast(None, movies.c.rating.type),
        "review": literal("", String),
        "rewatch": literal(False),
        "list_name": cast(None, String),
    }
    columns = [column.label(name) for name, column in {**absent, **shown}.items()]
    kind_column = literal(kind, String)
    return (
        select(
            at.label("at"), kind_column.label("kind"), row_id.label("id"), NAME.label("name"), film_id, title, *columns
        )
        .select_from(joined)
        .where(*where, tuple_(at, kind_column, row_id) < BEFORE)
        .order_by(at.desc(), row_id.desc())
        .limit(PAGE + 1)
        .subquery()
    )


WATCHED_EVENTS = events(
    WATCHED,
    viewings.c.created_at,
    viewings.c.id,
    movies.c.film_id,
    movies.c.title,
    viewings.join(movies, movies.c.id == viewings.c.movie_id).join(users, users.c.id == viewings.c.user_id),
    [
        viewings.c.user_id.in_(FOLLOWED),
        or_(users.c.share_diary, and_(users.c.share_reviews, viewings.c.review != "")),
    ],
    watched_on=viewings.c.watched_on,
    rating=SHARED_RATING,
    review=SHARED_REVIEW,
    rewatch=viewings.c.rewatch,
)
# On the watchlist still (the watched are in the diary): read by the watchlist's own index.
ADDED_EVENTS = events(
    ADDED,
    movies.c.added_at,
    movies.c.id,
    movies.c.film_id,
    movies.c.title,
    movies.join(users, users.c.id == movies.c.user_id),
    [movies.c.user_id.in_(FOLLOWED), movies.c.watched.is_(False), users.c.share_watchlist],
)
LISTED_EVENTS = events(
    LISTED,
    film_list_entries.c.added_at,
    film_list_entries.c.id,
    film_list_entries.c.film_id,
    film_list_entries.c.title,
    film_list_entries.join(film_lists, film_lists.c.id == film_list_entries.c.list_id).join(
        users, users.c.id == film_list_entries.c.user_id
    ),
    [film_list_entries.c.user_id.in_(FOLLOWED), users.c.share_watchlist],
    list_name=film_lists.c.name,
)
EVENTS = union_all(select(WATCHED_EVENTS), select(ADDED_EVENTS), select(LISTED_EVENTS)).subquery()
ACTIVITY = select(EVENTS).order_by(EVENTS.c.at.desc(), EVENTS.c.kind.desc(), EVENTS.c.id.desc()).limit(PAGE + 1)
START = (2**62, "~", 0)  # before every event


def cursor(after: str) -> tuple[int, str, int] | None:
    """The `after` of a page's URL as a cursor; None for one FlickList did not make."""
    at, _, rest = after.partition(".")
    kind, _, row = rest.partition(".")
    moment, row_number = whole_number(at, 0, 2**62), row_id(row)
    if moment is None or row_number is None or kind not in (WATCHED, ADDED, LISTED):
        return None
    return moment, kind, row_number


async def activity_of_followed(
    db: Database, user_id: int, after: tuple[int, str, int] = START
) -> tuple[list[Activity], str | None]:
    """A page of what the people `user_id` follows did, and where the next page starts (None: no more)."""
    at, kind, row = after
    rows = [Activity(*found) for found in await db.fetch_all(ACTIVITY, user_id=user_id, at=at, kind=kind, row=row)]
    return rows[:PAGE], rows[PAGE - 1].key if len(rows) > PAGE else None


class FriendsView(NamedTuple):
    """One followed person's take on a film, as they share it: their rating and whether they
    watched it (diary shared), whether it is on their watchlist (watchlist shared), their newest
    review (reviews shared)."""

    name: str
    rating: int | None
    review: str
    watched: bool  # known to have watched it: diary shared
    wants_to: bool  # on their watchlist: watchlist shared


REVIEWED = and_(viewings.c.movie_id == movies.c.id, viewings.c.review != "")
NEWEST_REVIEW = (
    select(SHARED_REVIEW)
    .where(REVIEWED)
    .order_by(viewings.c.watched_on.desc(), viewings.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
# A followed person's entry of a film, as far as they show it: watched (diary shared), on their
# watchlist (watchlist shared), and their rating of it (diary shared).
DIARY_SHOWN = and_(users.c.share_diary, movies.c.watched)
WATCHLIST_SHOWN = and_(users.c.share_watchlist, movies.c.watched.is_(False))
SHARED_FILM_RATING = case((users.c.share_diary, movies.c.rating))
ON_FILM = (
    select(
        NAME,
        SHARED_FILM_RATING,
        func.coalesce(NEWEST_REVIEW, literal("", String)),
        case((DIARY_SHOWN, True), else_=False),
        case((WATCHLIST_SHOWN, True), else_=False),
    )
    .join(users, users.c.id == movies.c.user_id)
    .where(
        movies.c.user_id.in_(FOLLOWED),
        movies.c.title_key == bindparam("title_key"),
        or_(DIARY_SHOWN, WATCHLIST_SHOWN, and_(users.c.share_reviews, exists().where(REVIEWED))),
    )
    .order_by(NAME)
)


async def friends_on_film(db: Database, user_id: int, film_id: int) -> list[FriendsView]:
    """What the people `user_id` follows made of the catalog film, as each shares it."""
    found = await db.fetch_all(ON_FILM, user_id=user_id, title_key=f"film:{film_id}")
    return [FriendsView(*row) for row in found]


# What the people a person follows made of the films of a page of that person's list.
ROW_IDS = id_slots("row", ROWS_AT_MOST)
mine = movies.alias("mine")
PAGE_KEYS = select(mine.c.title_key).where(mine.c.id.in_(ROW_IDS))  # the rows of the page, by id
# Their entries of the page's films: each person followed and each film's key, looked up in the
# unique (user, key) index, never a scan of everything they have.
ON_ROWS = (
    select(mine.c.id, NAME, SHARED_FILM_RATING, movies.c.watched)
    .select_from(
        movies.join(users, users.c.id == movies.c.user_id).join(
            mine, and_(mine.c.user_id == ME, mine.c.title_key == movies.c.title_key)
        )
    )
    .where(
        movies.c.user_id.in_(FOLLOWED),
        movies.c.title_key.in_(PAGE_KEYS),
        or_(DIARY_SHOWN, WATCHLIST_SHOWN),
    )
    .order_by(mine.c.id, NAME)
)


async def friends_on_rows(db: Database, user_id: int, movie_ids: list[int]) -> dict[int, str]:
    """For each of a page's films that people the person follows have (as they share it), what
    they made of it: "bobby rated it 4.5, carol wants to see it"."""
    rows = await db.fetch_all(ON_ROWS, user_id=user_id, **slot_values("row", movie_ids, ROWS_AT_MOST))
    said: dict[int, list[str]] = {}
    for movie_id, name, rating, watched in rows:
        what = f"rated it {written(rating)}" if rating else "watched it" if watched else "wants to see it"
        said.setdefault(movie_id, []).append(f"{name} {what}")
    return {movie_id: ", ".join(parts) for movie_id, parts in said.items()}
