"""What a media server's event does: a film watched goes onto the Watched list (off the
watchlist if it was there) with a viewing in the diary, dated the day it was in the person's
time zone, a rewatch when the film was watched before; a rating rates a film on the Watched
list. Each event is kept, with what was done or why nothing was, the last few per webhook.

The film is the catalog's when its IMDb id, or else its title and year, names one; else it
is kept by title and year, as an import keeps a film it cannot match. The same watch told
twice within DUPLICATE_WITHIN (servers retry; Plex may send its scrobble twice) is logged once."""

from typing import NamedTuple

from sqlalchemy import BigInteger, Boolean, Integer, String, and_, bindparam, case, delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..api.films import LISTED_AS, FilmAsked, ListsFull, add, film_of, find_or_add
from ..db import Database
from ..diary.days import written_day
from ..diary.ratings import spoken
from ..diary.viewings import COLUMNS_LOGGED, MARK_WATCHED, logging
from ..history.plan import RATE, Film
from ..tables import account_tokens, movies, now, title_key, users, viewings, webhook_events
from .events import RATED, WATCHED, Event
from .events import Film as NamedFilm
from .time_zones import UNSET, day_in

DUPLICATE_WITHIN = 10 * 60
DUPLICATE = "Already logged from a call moments ago: one viewing."
# A moment the server gives is believed within these bounds; else the call's own is used.
LATEST_BELIEVED_AGO, EARLIEST_BELIEVED_AHEAD = 7 * 86400, 5 * 60
EVENTS_KEPT = 20
OUTCOME_MAX = 200

# The account's time zone, and its entry for the film if it has one: (zone, movie id,
# watched, has viewings), the last three None when the film is on neither list.
ZONE_AND_ENTRY = (
    select(users.c.time_zone, movies.c.id, movies.c.watched, exists().where(viewings.c.movie_id == movies.c.id))
    .select_from(users.outerjoin(movies, and_(movies.c.user_id == users.c.id, movies.c.title_key == bindparam("key"))))
    .where(users.c.id == bindparam("user_id"))
)
# Two deliveries of one watch at the same moment wait on each other here (PostgreSQL; SQLite's
# writes take turns anyway), so the second sees the first's event.
LOCK_ACCOUNT = select(users.c.id).where(users.c.id == bindparam("user_id")).with_for_update()
# The events of this account about this film within DUPLICATE_WITHIN, this one's included
# once it is kept: the first is the only one that logs.
TOLD = (
    select(func.count())
    .select_from(webhook_events.join(account_tokens, account_tokens.c.id == webhook_events.c.token_id))
    .where(
        account_tokens.c.user_id == bindparam("user_id"),
        webhook_events.c.film_key == bindparam("key"),
        webhook_events.c.received_at >= bindparam("since"),
    )
    .scalar_subquery()
)
EVENT_COLUMNS = ("token_id", "received_at", "event", "film", "film_key", "outcome")
EVENT_VALUES = (
    bindparam("event_token", type_=Integer),
    bindparam("event_at", type_=BigInteger),
    bindparam("event_name", type_=String),
    bindparam("event_film", type_=String),
    bindparam("key", type_=String),
)
OUTCOME = bindparam("event_outcome", type_=String)
KEEP = insert(webhook_events).from_select(EVENT_COLUMNS, select(*EVENT_VALUES, OUTCOME))
# A watch's event: what was done, or that it was told already.
KEEP_WATCH = insert(webhook_events).from_select(
    EVENT_COLUMNS,
    select(*EVENT_VALUES, case((TOLD > 0, DUPLICATE), else_=OUTCOME)),
)
LOG_UNLESS_TOLD = (
    insert(viewings)
    .from_select(COLUMNS_LOGGED, logging(bindparam("rewatch", type_=Boolean)).where(TOLD == 1))
    .returning(viewings.c.id)
)
OLDEST_KEPT = (
    select(webhook_events.c.id)
    .where(webhook_events.c.token_id == bindparam("event_token"))
    .order_by(webhook_events.c.id.desc())
    .limit(1)
    .offset(EVENTS_KEPT - 1)
    .scalar_subquery()
)
TRIM = delete(webhook_events).where(
    webhook_events.c.token_id == bindparam("event_token"), webhook_events.c.id < OLDEST_KEPT
)


def kept(token_id: int, event: Event, film: Film | NamedFilm | None, outcome: str, key: str | None = None) -> dict:
    """The values of the event's row in webhook_events."""
    shown = None if film is None else f"{film.title} ({film.year})" if film.year else film.title
    values = {"event_token": token_id, "event_at": now(), "event_name": event.name[:40], "event_film": shown}
    return {**values, "key": key, "event_outcome": outcome[:OUTCOME_MAX]}


async def act_on(db: Database, token_id: int, user_id: int, event: Event, max_films: int) -> str:
    """Do what `event` says for the account (whose lists hold at most `max_films`), and keep
    it with its outcome; the outcome, as the server's log and the person's page show it."""
    film = event.film
    if event.action == WATCHED:
        film = await film_of(db, FilmAsked(*event.film))
        try:
            return await log_watch(db, token_id, user_id, event, film, max_films)
        except ListsFull as full:
            outcome = f"Not logged: {full}"
    elif event.action == RATED:
        film = await film_of(db, FilmAsked(*event.film))
        outcome = await rate(db, user_id, film, event.rating)
    else:
        outcome = event.why
    if event.kept:
        await db.write_together((KEEP, kept(token_id, event, film, outcome)), (TRIM, {"event_token": token_id}))
    return outcome


async def log_watch(db: Database, token_id: int, user_id: int, event: Event, film: Film, max_films: int) -> str:
    """The viewing, its film put on the lists first if it is on neither, in one transaction
    with its event."""
    key = title_key(film.title, film.film_id, film.year)
    zone, movie_id, watched, seen = (await db.fetch_all(ZONE_AND_ENTRY, key=key, user_id=user_id))[0]
    if movie_id is None:
        try:
            movie_id = await add(db, user_id, film, max_films)
        except IntegrityError:  # the same film added by a call at the same moment: on the lists now
            movie_id = (await find_or_add(db, user_id, film, max_films)).movie_id
    timestamp, moment = now(), event.moment
    believed = moment is not None and timestamp - LATEST_BELIEVED_AGO <= moment <= timestamp + EARLIEST_BELIEVED_AHEAD
    day = day_in(zone or UNSET, moment if believed else timestamp)
    rewatch = bool(watched or seen)
    if rewatch:
        outcome = f"Logged a rewatch on {written_day(day)}."
    elif watched is None:
        outcome = f"Added to your Watched list: watched {written_day(day)}, in your diary."
    else:
        outcome = f"Crossed off your watchlist: watched {written_day(day)}, in your diary."
    ids = {"movie_id": movie_id, "user_id": user_id, "now": timestamp}
    viewing = {"watched_on": day, "rating": None, "rewatch": rewatch, "review": "", "tags": ""}
    told = {"user_id": user_id, "key": key, "since": timestamp - DUPLICATE_WITHIN}
    _, _, logged, *_ = await db.write_together(
        (LOCK_ACCOUNT, {"user_id": user_id}),
        (KEEP_WATCH, {**kept(token_id, event, film, outcome, key), **told}),
        (LOG_UNLESS_TOLD, {**ids, **viewing, **told}),
        (MARK_WATCHED, ids),
        (TRIM, {"event_token": token_id}),
    )
    return outcome if logged is not None else DUPLICATE


async def rate(db: Database, user_id: int, film: Film, rating: int | None) -> str:
    rows = await db.fetch_all(LISTED_AS, user_id=user_id, key=title_key(film.title, film.film_id, film.year))
    if not rows or not rows[0][2]:
        return "Not rated: the film is not on your Watched list."
    await db.write_returning(RATE.returning(RATE.table.c.id), int, movie=rows[0][0], user=user_id, new_rating=rating)
    return f"Rated {spoken(rating)}." if rating else "Rating taken away."


class Received(NamedTuple):
    received_at: int
    event: str
    film: str | None
    outcome: str


RECEIVED = (
    select(webhook_events.c.received_at, webhook_events.c.event, webhook_events.c.film, webhook_events.c.outcome)
    .where(webhook_events.c.token_id == bindparam("token_id"))
    .order_by(webhook_events.c.id.desc())
    .limit(EVENTS_KEPT)
)


async def received(db: Database, token_id: int) -> list[Received]:
    """The last events the webhook received, newest first."""
    return [Received(*row) for row in await db.fetch_all(RECEIVED, token_id=token_id)]
