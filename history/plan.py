"""What an import would do: each film the file names matched to a catalog film (`match_films`:
by IMDb id, else by title and year, normalised), the entries of one film merged
(`films_wanted`), then compared with the person's lists (`plan_against_lists`, whose counts
the preview shows); `apply_plan` writes the plan in the caller's transaction."""

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..catalog.text import search_key
from ..diary.days import start_of_day
from ..tables import films, movies, now, title_key, viewings
from .readers import Entry, Viewing

CHUNK = 1000


ARTICLES = ("the", "a", "an")
NOT_MATCHED_SHOWN = 200
Progress = Callable[[int, int], Awaitable[None]]


def title_keys(title: str) -> list[str]:
    """The catalog keys a title may be filed under: as written, without a leading article, and
    with a trailing one (", The") brought to the front."""
    key = search_key(title)
    words = key.split()
    keys = [key]
    if len(words) > 1 and words[0] in ARTICLES:
        keys.append(" ".join(words[1:]))
    if len(words) > 1 and words[-1] in ARTICLES and title.rstrip().lower().endswith(f", {words[-1]}"):
        keys.append(" ".join([words[-1], *words[:-1]]))
    return keys


@dataclass
class Film:
    """A film an import adds to or changes on the lists: the entries of the file merged."""

    title: str
    year: int | None
    film_id: int | None
    watched: bool = False
    rating: int | None = None
    added_at: int | None = None
    watched_at: int | None = None
    viewings: list[Viewing] = field(default_factory=list)

    def take(self, entry: Entry) -> None:
        self.watched = self.watched or entry.watched
        self.rating = entry.rating if entry.rating is not None else self.rating
        if entry.added_at is not None:
            self.added_at = min(self.added_at or entry.added_at, entry.added_at)
        self.watched_at = entry.watched_at if entry.watched_at is not None else self.watched_at
        for viewing in entry.viewings:
            self.add_viewing(viewing)

    def add_viewing(self, viewing: Viewing) -> None:
        """Letterboxd's reviews.csv repeats diary.csv's entries that have a review: a review of the
        same day goes onto the viewing already there instead of making another."""
        if viewing.review:
            for number, known in enumerate(self.viewings):
                if known.watched_on == viewing.watched_on and not known.review:
                    self.viewings[number] = known._replace(
                        review=viewing.review, rating=known.rating or viewing.rating, tags=known.tags or viewing.tags
                    )
                    return
        self.viewings.append(viewing)

    def watched_moment(self, otherwise: int) -> int:
        """When it went onto the Watched list: as the file says, else the start of its newest
        viewing's day, else `otherwise`."""
        newest_day = max((viewing.watched_on for viewing in self.viewings), default=None)
        return self.watched_at or (start_of_day(newest_day) if newest_day else otherwise)

    def film_rating(self) -> int | None:
        """The rating the file gives the film, else its newest rated viewing's."""
        if self.rating is not None:
            return self.rating
        rated = sorted((v.watched_on, n, v.rating) for n, v in enumerate(self.viewings) if v.rating is not None)
        return rated[-1][2] if rated else None


@dataclass
class Plan:
    new: list[Film] = field(default_factory=list)
    to_watched: list[tuple[int, Film]] = field(default_factory=list)  # (movie id, film) moved off the watchlist
    ratings: list[tuple[int, int]] = field(default_factory=list)  # (movie id, rating)
    new_viewings: list[tuple[int, Viewing]] = field(default_factory=list)  # onto entries already there
    counts: Counter = field(default_factory=Counter)
    not_matched: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "not_matched": self.not_matched[:NOT_MATCHED_SHOWN]}


BY_IMDB_ID = select(films.c.imdb_id, films.c.id, films.c.title, films.c.year).where(
    films.c.imdb_id.in_(bindparam("ids", expanding=True))
)
# Candidates from the index alone (ix_films_search_key_year holds key, year and votes; the id
# comes with every row): films named with a year are asked by that year, one query a year, so
# the key-and-year pairs looked up stay few (a row-value IN would scan the whole index on
# SQLite); then the titles of the films chosen.
DATED = select(films.c.search_key, films.c.votes, films.c.id).where(
    films.c.search_key.in_(bindparam("keys", expanding=True)), films.c.year.in_(bindparam("years", expanding=True))
)
UNDATED = select(films.c.search_key, films.c.votes, films.c.id).where(
    films.c.search_key.in_(bindparam("keys", expanding=True))
)
DETAILS = select(films.c.id, films.c.title, films.c.year).where(films.c.id.in_(bindparam("ids", expanding=True)))
USERS_MOVIES = select(
    movies.c.id, movies.c.film_id, movies.c.title, movies.c.year, movies.c.watched, movies.c.rating
).where(movies.c.user_id == bindparam("user_id"))
USERS_VIEWINGS = (
    select(viewings.c.movie_id, viewings.c.watched_on, func.count())
    .where(viewings.c.user_id == bindparam("user_id"))
    .group_by(viewings.c.movie_id, viewings.c.watched_on)
)


Named = tuple[str | None, str, int | None]  # a film as a file names it: IMDb id, title, year
Match = tuple[int, str, int | None]  # a catalog film: id, title, year


def named(entry: Entry) -> Named:
    return entry.imdb_id, entry.title, entry.year


async def match_films(connection: AsyncConnection, films_named: Sequence[Named], progress: Progress) -> dict:
    """Each film named (once, however often the file names it) to its catalog film, or None: by
    IMDb id, else by title and year: the most voted film of that year, else of a year either
    side (release years differ between databases); with no year, the only film of that title."""
    distinct = list(dict.fromkeys(films_named))
    found: dict[Named, Match | None] = {}
    by_id = await rows_by(connection, BY_IMDB_ID, "ids", sorted({name[0] for name in distinct if name[0]}))
    for name in distinct:
        if name[0] in by_id:
            found[name] = tuple(by_id[name[0]][1:])
    by_year: dict[int | None, list[Named]] = {}
    for name in distinct:
        if name not in found:
            by_year.setdefault(name[2], []).append(name)
    fitting: dict[Named, list[tuple[int, int]]] = {}  # (votes, id) of each film it may be
    done = len(found)
    for year, names in by_year.items():
        for start in range(0, len(names), CHUNK):
            group = names[start : start + CHUNK]
            if year is None:
                films_of = await candidates(connection, UNDATED, group)
                for name in group:
                    titled = [film for key in title_keys(name[1]) for film in films_of.get(key, [])]
                    fitting[name] = titled if len(titled) == 1 else []
            else:
                # That year first; only the films it leaves unmatched are looked for either side.
                for years in ([year], [year - 1, year + 1]):
                    films_of = await candidates(connection, DATED, group, years=years)
                    for name in group:
                        fitting[name] = [film for key in title_keys(name[1]) for film in films_of.get(key, [])]
                    group = [name for name in group if not fitting[name]]
            done += len(names[start : start + CHUNK])
            await progress(done, len(distinct))
    chosen = {name: max(films)[1] for name, films in fitting.items() if films}  # the most voted
    details = await rows_by(connection, DETAILS, "ids", sorted(set(chosen.values())))
    for name in fitting:
        found[name] = tuple(details[chosen[name]]) if name in chosen else None
    return found


async def candidates(
    connection: AsyncConnection, statement, names: list[Named], **values: list
) -> dict[str, list[tuple[int, int]]]:
    """(votes, id) of the films filed under the names' title keys (and `values`), by key."""
    keys = sorted({key for _, title, _ in names for key in title_keys(title)})
    films_of: dict[str, list[tuple[int, int]]] = {}
    if keys:
        for key, votes, film_id in await connection.execute(statement, {"keys": keys, **values}):
            films_of.setdefault(key, []).append((votes, film_id))
    return films_of


async def rows_by(connection: AsyncConnection, statement, name: str, values: list) -> dict[Any, Sequence]:
    """`statement`'s rows by their first column, asked CHUNK values of `name` at a time."""
    rows = {}
    for start in range(0, len(values), CHUNK):
        for row in await connection.execute(statement, {name: values[start : start + CHUNK]}):
            rows[row[0]] = row
    return rows


def films_wanted(entries: Sequence[Entry], matches: dict[Named, Match | None]) -> tuple[dict[tuple, Film], list[str]]:
    """The entries merged, one `Film` per film (keyed as `listed_key` keys the lists), given
    what each matched (`match_films`); and the titles no catalog film matched."""
    wanted: dict[tuple, Film] = {}
    not_matched = []
    for entry in entries:
        if match := matches[named(entry)]:
            film = wanted.setdefault(listed_key(match[0], match[1], match[2]), Film(match[1], match[2], match[0]))
        else:
            key = listed_key(None, entry.title, entry.year)
            if key not in wanted:
                not_matched.append(f"{entry.title} ({entry.year})" if entry.year else entry.title)
            film = wanted.setdefault(key, Film(entry.title, entry.year, None))
        film.take(entry)
    return wanted, not_matched


def listed_key(film_id: int | None, title: str, year: int | None) -> tuple:
    """Films by id; typed entries by the key that makes them unique on a list ("heat (1995)")."""
    return ("film", film_id) if film_id is not None else ("typed", title_key(title, None, year))


async def plan_against_lists(
    connection: AsyncConnection, user_id: int, wanted: dict[tuple, Film], not_matched: list[str]
) -> Plan:
    """What importing `wanted` changes on the user's lists as they are on `connection` (the
    applying transaction's own, so nothing changes between comparing and writing)."""
    plan = Plan(not_matched=not_matched)
    plan.counts["not_matched"] = len(not_matched)
    await compare_with_lists(connection, user_id, wanted, plan)
    return plan


async def compare_with_lists(connection: AsyncConnection, user_id: int, wanted: dict[tuple, Film], plan: Plan) -> None:
    listed = {}
    user = {"user_id": user_id}
    for movie_id, film_id, title, year, watched, rating in await connection.execute(USERS_MOVIES, user):
        listed[listed_key(film_id, title, year)] = (movie_id, bool(watched), rating)
    logged = {(movie_id, day): count for movie_id, day, count in await connection.execute(USERS_VIEWINGS, user)}
    counts = plan.counts
    for key, film in wanted.items():
        rating = film.film_rating()
        if key not in listed:
            plan.new.append(film)
            counts["to_watched" if film.watched else "to_watchlist"] += 1
            counts["ratings"] += rating is not None
            counts["viewings"] += len(film.viewings)
            counts["reviews"] += sum(1 for viewing in film.viewings if viewing.review)
            continue
        movie_id, watched, known_rating = listed[key]
        changed = False
        if film.watched and not watched:
            plan.to_watched.append((movie_id, film))
            counts["to_watched"] += 1
            changed = True
        if rating is not None and rating != known_rating:
            plan.ratings.append((movie_id, rating))
            counts["ratings"] += 1
            changed = True
        seen = Counter()
        for viewing in film.viewings:
            seen[viewing.watched_on] += 1
            if seen[viewing.watched_on] > logged.get((movie_id, viewing.watched_on), 0):
                plan.new_viewings.append((movie_id, viewing))
                counts["viewings"] += 1
                counts["reviews"] += bool(viewing.review)
                changed = True
        counts["already_there"] += not changed


def viewing_row(user_id: int, movie_id: int, viewing: Viewing, timestamp: int) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "movie_id": movie_id,
        "watched_on": viewing.watched_on,
        "rating": viewing.rating,
        "rewatch": viewing.rewatch,
        "review": viewing.review,
        "tags": viewing.tags,
        "created_at": viewing.logged_at or timestamp,
    }


def movie_row(user_id: int, film: Film, timestamp: int) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "title": film.title,
        "title_key": title_key(film.title, film.film_id, film.year),
        "sort_title": search_key(film.title),
        "year": None if film.film_id else film.year,
        "film_id": film.film_id,
        "watched": film.watched,
        "rating": film.film_rating(),
        "added_at": film.added_at or timestamp,
        "watched_at": film.watched_moment(film.added_at or timestamp) if film.watched else None,
    }


async def apply_plan(connection: AsyncConnection, user_id: int, plan: Plan) -> None:
    """Writes the plan on the caller's transaction, so that it commits whole or not at all."""
    timestamp = now()
    if plan.new:
        rows = [movie_row(user_id, film, timestamp) for film in plan.new]
        inserted = await connection.execute(insert(movies).returning(movies.c.id, sort_by_parameter_order=True), rows)
        for movie_id, film in zip(inserted.scalars().all(), plan.new, strict=True):
            plan.new_viewings.extend((movie_id, viewing) for viewing in film.viewings)
    for movie_id, film in plan.to_watched:
        await connection.execute(
            update(movies)
            .where(movies.c.id == movie_id)
            .values(watched=True, watched_at=film.watched_moment(timestamp))
        )
    for movie_id, rating in plan.ratings:
        await connection.execute(update(movies).where(movies.c.id == movie_id).values(rating=rating))
    if plan.new_viewings:
        await connection.execute(
            insert(viewings),
            [viewing_row(user_id, movie_id, viewing, timestamp) for movie_id, viewing in plan.new_viewings],
        )
