"""What an import would do: each film the file names matched to a catalog film (`match_films`:
by IMDb id, else by title and year, normalised, else by a title it has elsewhere, title.akas),
the entries of one film merged (`films_wanted`), then compared with the person's lists as
`lists_of` read them (`compare`, whose counts the preview shows); `changes` lays the plan out
as rows, which `write_changes` writes a batch at a time. All of it runs in a worker thread
(history/jobs.py), on a connection whose queries block that thread (history/threads.py)."""

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, insert, select, update

from ..catalog.generations import AKAS, generation_in_use
from ..catalog.text import search_key, stored_key
from ..diary.days import start_of_day
from ..tables import film_akas, films, movies, title_key, viewings
from .readers import Entry, Viewing
from .threads import Blocking, in_one_row, rows_of

CHUNK = 1000


ARTICLES = ("the", "a", "an")
NOT_MATCHED_SHOWN = 200
Progress = Callable[[int, int], None]


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


@dataclass(slots=True)  # an import may hold 100,000 of them
class Film:
    """A film an import adds to or changes on the lists: the entries of the file merged."""

    title: str
    year: int | None
    film_id: int | None
    imdb_id: str | None = None  # for a film not in the catalog: the IMDb id the file gave it
    watched: bool = False
    rating: int | None = None
    added_at: int | None = None
    watched_at: int | None = None
    liked_at: int | None = None
    viewings: list[Viewing] = field(default_factory=list)
    # Where in `viewings` the viewings without a review are, by day, earliest first: made at
    # the film's first review (most films have none, and go without).
    unreviewed: dict[str, deque[int]] | None = field(default=None, repr=False)

    def take(self, entry: Entry) -> None:
        self.imdb_id = self.imdb_id or entry.imdb_id
        self.watched = self.watched or entry.watched
        self.rating = entry.rating if entry.rating is not None else self.rating
        if entry.added_at is not None:
            self.added_at = min(self.added_at or entry.added_at, entry.added_at)
        self.watched_at = entry.watched_at if entry.watched_at is not None else self.watched_at
        if entry.liked_at is not None:
            self.liked_at = min(self.liked_at or entry.liked_at, entry.liked_at)
        for viewing in entry.viewings:
            self.add_viewing(viewing)

    def add_viewing(self, viewing: Viewing) -> None:
        """Letterboxd's reviews.csv repeats diary.csv's entries that have a review: a review of the
        same day goes onto the viewing already there instead of making another (the earliest of
        that day without a review, found through `unreviewed`: a film reviewed 20,000 times is
        not 200 million comparisons)."""
        if viewing.review and (number := self.unreviewed_on(viewing.watched_on)) is not None:
            known = self.viewings[number]
            self.viewings[number] = known._replace(
                review=viewing.review, rating=known.rating or viewing.rating, tags=known.tags or viewing.tags
            )
            return
        if self.unreviewed is not None and not viewing.review:
            self.unreviewed.setdefault(viewing.watched_on, deque()).append(len(self.viewings))
        self.viewings.append(viewing)

    def unreviewed_on(self, day: str) -> int | None:
        """The earliest viewing of `day` without a review, taken off `unreviewed`."""
        if self.unreviewed is None:
            self.unreviewed = {}
            for number, known in enumerate(self.viewings):
                if not known.review:
                    self.unreviewed.setdefault(known.watched_on, deque()).append(number)
        waiting = self.unreviewed.get(day)
        return waiting.popleft() if waiting else None

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
    likes: list[tuple[int, int]] = field(default_factory=list)  # (movie id, when it was liked)
    new_viewings: list[tuple[int, Viewing]] = field(default_factory=list)  # onto entries already there
    counts: Counter = field(default_factory=Counter)
    not_matched: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "not_matched": self.not_matched[:NOT_MATCHED_SHOWN]}


# Each read in one row: history/threads.py.
BY_IMDB_ID = in_one_row(
    select(films.c.imdb_id, films.c.id, films.c.title, films.c.year).where(
        films.c.imdb_id.in_(bindparam("ids", expanding=True))
    )
)
# Candidates from the index alone (ix_films_search_key_year holds key, year and votes; the id
# comes with every row): films named with a year are asked by that year, one query a year, so
# the key-and-year pairs looked up stay few (a row-value IN would scan the whole index on
# SQLite); then the titles of the films chosen.
DATED = in_one_row(
    select(films.c.search_key, films.c.votes, films.c.id).where(
        films.c.search_key.in_(bindparam("keys", expanding=True)),
        films.c.year.in_(bindparam("years", expanding=True)),
    )
)
UNDATED = in_one_row(
    select(films.c.search_key, films.c.votes, films.c.id).where(
        films.c.search_key.in_(bindparam("keys", expanding=True))
    )
)
# A name no film's own title matched, looked for among the films' titles elsewhere (title.akas).
AKA_KEYS = (
    select(film_akas.c.search_key, films.c.votes, films.c.id)
    .select_from(film_akas.join(films, films.c.id == film_akas.c.film_id))
    .where(
        film_akas.c.generation == generation_in_use(AKAS),
        film_akas.c.search_key.in_(bindparam("keys", expanding=True)),
    )
)
AKAS_UNDATED = in_one_row(AKA_KEYS)
AKAS_DATED = in_one_row(AKA_KEYS.where(films.c.year.in_(bindparam("years", expanding=True))))
DETAILS = in_one_row(
    select(films.c.id, films.c.title, films.c.year).where(films.c.id.in_(bindparam("ids", expanding=True)))
)
USERS_MOVIES = in_one_row(
    select(
        movies.c.id,
        movies.c.film_id,
        movies.c.title,
        movies.c.year,
        movies.c.watched,
        movies.c.rating,
        movies.c.liked_at.is_not(None),
    ).where(movies.c.user_id == bindparam("user_id"))
)
USERS_VIEWINGS = in_one_row(
    select(viewings.c.movie_id, viewings.c.watched_on, func.count())
    .where(viewings.c.user_id == bindparam("user_id"))
    .group_by(viewings.c.movie_id, viewings.c.watched_on)
)


class Named(NamedTuple):
    """A film as a file names it."""

    imdb_id: str | None
    title: str
    year: int | None


class Match(NamedTuple):
    """The catalog film a name matched."""

    film_id: int
    title: str
    year: int | None


class Candidate(NamedTuple):
    """A catalog film a name may be; the most voted one wins."""

    votes: int
    film_id: int


def named(entry: Entry) -> Named:
    return Named(entry.imdb_id, entry.title, entry.year)


def match_films(connection: Blocking, films_named: Sequence[Named], progress: Progress) -> dict[Named, Match | None]:
    """Each film named (once, however often the file names it) to its catalog film, or None: by
    IMDb id, else by title and year: the most voted film of that year, else of a year either
    side (release years differ between databases); with no year, the only film of that title."""
    distinct = list(dict.fromkeys(films_named))
    found = matched_by_imdb_id(connection, distinct)
    fitting: dict[Named, list[Candidate]] = {}
    done = len(found)
    for year, group in groups_by_year(name for name in distinct if name not in found):
        if year is None:
            fitting.update(fitting_by_title(connection, group))
        else:
            fitting.update(fitting_by_title_and_year(connection, group, year))
        done += len(group)
        progress(done, len(distinct))
    chosen = {name: max(films).film_id for name, films in fitting.items() if films}
    details = rows_by(connection, DETAILS, "ids", sorted(set(chosen.values())))
    for name in fitting:
        found[name] = Match(*details[chosen[name]]) if name in chosen else None
    return found


def matched_by_imdb_id(connection: Blocking, names: list[Named]) -> dict[Named, Match | None]:
    by_id = rows_by(connection, BY_IMDB_ID, "ids", sorted({name.imdb_id for name in names if name.imdb_id}))
    return {name: Match(*by_id[name.imdb_id][1:]) for name in names if name.imdb_id in by_id}


def groups_by_year(names: Iterable[Named]) -> Iterator[tuple[int | None, list[Named]]]:
    """The names by the year they give, up to CHUNK of one year at a time."""
    by_year: dict[int | None, list[Named]] = {}
    for name in names:
        by_year.setdefault(name.year, []).append(name)
    for year, of_year in by_year.items():
        for start in range(0, len(of_year), CHUNK):
            yield year, of_year[start : start + CHUNK]


def fitting_by_title(connection: Blocking, names: list[Named]) -> dict[Named, list[Candidate]]:
    """Names without a year: the film filed under the title, when it is the only one; else the
    only one with it as a title elsewhere."""
    fitting = {}
    for statement in (UNDATED, AKAS_UNDATED):
        films_of = candidates(connection, statement, names)
        for name in names:
            titled = {film.film_id: film for film in filed_under(name.title, films_of)}
            fitting[name] = list(titled.values()) if len(titled) == 1 else []
        names = [name for name in names if not fitting[name]]
    return fitting


def fitting_by_title_and_year(connection: Blocking, names: list[Named], year: int) -> dict[Named, list[Candidate]]:
    """The films of that year first; only the names it leaves unmatched are looked for a year
    either side; then, as well, among the films' titles elsewhere."""
    fitting = {}
    for statement, years in (
        (DATED, [year]),
        (DATED, [year - 1, year + 1]),
        (AKAS_DATED, [year]),
        (AKAS_DATED, [year - 1, year + 1]),
    ):
        films_of = candidates(connection, statement, names, years=years)
        for name in names:
            fitting[name] = filed_under(name.title, films_of)
        names = [name for name in names if not fitting[name]]
    return fitting


def filed_under(title: str, films_of: dict[str, list[Candidate]]) -> list[Candidate]:
    return [film for key in title_keys(title) for film in films_of.get(key, [])]


def candidates(connection: Blocking, statement, names: list[Named], **values: list) -> dict[str, list[Candidate]]:
    """The films filed under the names' title keys (and `values`), by key."""
    keys = sorted({key for name in names for key in title_keys(name.title)})
    films_of: dict[str, list[Candidate]] = {}
    if keys:
        for key, votes, film_id in rows_of(connection, statement, {"keys": keys, **values}):
            films_of.setdefault(key, []).append(Candidate(votes, film_id))
    return films_of


def rows_by(connection: Blocking, statement, name: str, values: list) -> dict[Any, Sequence]:
    """`statement`'s rows by their first column, asked CHUNK values of `name` at a time."""
    rows = {}
    for start in range(0, len(values), CHUNK):
        for row in rows_of(connection, statement, {name: values[start : start + CHUNK]}):
            rows[row[0]] = row
    return rows


def films_wanted(entries: Iterable[Entry], matches: dict[Named, Match | None]) -> tuple[dict[tuple, Film], list[str]]:
    """The entries merged, one `Film` per film (keyed as `listed_key` keys the lists), given
    what each matched (`match_films`); and the titles no catalog film matched."""
    wanted: dict[tuple, Film] = {}
    not_matched = []
    for entry in entries:
        if match := matches[named(entry)]:
            film_id, title, year = match
            film = wanted.setdefault(listed_key(film_id, title, year), Film(title, year, film_id))
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


class Lists(NamedTuple):
    """A person's lists as an import compares with them."""

    listed: dict[tuple, tuple[int, bool, int | None, bool]]  # listed_key -> (movie id, watched, rating, liked)
    logged: dict[tuple[int, str], int]  # (movie id, day) -> viewings logged that day


def lists_of(connection: Blocking, user_id: int) -> Lists:
    user = {"user_id": user_id}
    listed = {}
    for movie_id, film_id, title, year, watched, rating, liked in rows_of(connection, USERS_MOVIES, user):
        listed[listed_key(film_id, title, year)] = (movie_id, bool(watched), rating, bool(liked))
    logged = {(movie_id, day): count for movie_id, day, count in rows_of(connection, USERS_VIEWINGS, user)}
    return Lists(listed, logged)


def compare(wanted: dict[tuple, Film], not_matched: list[str], lists: Lists) -> Plan:
    """What importing `wanted` changes on `lists`. A viewing counts as there already when the
    film has as many viewings that day as the file has up to it: importing twice, or again
    after an import stopped halfway, adds nothing twice."""
    plan = Plan(not_matched=not_matched)
    counts = plan.counts
    counts["not_matched"] = len(not_matched)
    for key, film in wanted.items():
        rating = film.film_rating()
        if key not in lists.listed:
            plan.new.append(film)
            counts["to_watched" if film.watched else "to_watchlist"] += 1
            counts["ratings"] += rating is not None
            counts["viewings"] += len(film.viewings)
            counts["reviews"] += sum(1 for viewing in film.viewings if viewing.review)
            counts["likes"] += film.liked_at is not None
            continue
        movie_id, watched, known_rating, liked = lists.listed[key]
        changed = False
        if film.watched and not watched:
            plan.to_watched.append((movie_id, film))
            counts["to_watched"] += 1
            changed = True
        if rating is not None and rating != known_rating:
            plan.ratings.append((movie_id, rating))
            counts["ratings"] += 1
            changed = True
        if film.liked_at is not None and not liked:
            plan.likes.append((movie_id, film.liked_at))
            counts["likes"] += 1
            changed = True
        seen = Counter()
        for viewing in film.viewings:
            seen[viewing.watched_on] += 1
            if seen[viewing.watched_on] > lists.logged.get((movie_id, viewing.watched_on), 0):
                plan.new_viewings.append((movie_id, viewing))
                counts["viewings"] += 1
                counts["reviews"] += bool(viewing.review)
                changed = True
        counts["already_there"] += not changed
    return plan


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
        "sort_title": stored_key(film.title),
        "year": None if film.film_id else film.year,
        "imdb_id": None if film.film_id else film.imdb_id,  # a catalog film has its own
        "film_id": film.film_id,
        "watched": film.watched,
        "rating": film.film_rating(),
        "added_at": film.added_at or timestamp,
        "watched_at": film.watched_moment(film.added_at or timestamp) if film.watched else None,
        "liked_at": film.liked_at,
    }


class Change(NamedTuple):
    """One row `write_changes` writes. `target` is a movie's id, except for a new film and its
    viewings ("film", "film_viewing"), where it is the film's place in `Plan.new`."""

    kind: str  # "film", "film_viewing", "watched", "rating", "like" or "viewing"
    target: int
    value: Any  # the Film, the Viewing, the rating or when it was liked


def changes(plan: Plan) -> Iterator[Change]:
    """The plan as rows to write, in an order that may be cut into batches anywhere: a new film
    comes before its viewings. Made as they are written, not all held at once."""
    for number, film in enumerate(plan.new):
        yield Change("film", number, film)
        yield from (Change("film_viewing", number, viewing) for viewing in film.viewings)
    yield from (Change("watched", movie_id, film) for movie_id, film in plan.to_watched)
    yield from (Change("rating", movie_id, rating) for movie_id, rating in plan.ratings)
    yield from (Change("like", movie_id, liked_at) for movie_id, liked_at in plan.likes)
    yield from (Change("viewing", movie_id, viewing) for movie_id, viewing in plan.new_viewings)


def change_count(plan: Plan) -> int:
    """How many rows changes() gives."""
    films_new = len(plan.new) + sum(len(film.viewings) for film in plan.new)
    return films_new + len(plan.to_watched) + len(plan.ratings) + len(plan.likes) + len(plan.new_viewings)


ON_LISTED = ("watched", "rating", "like", "viewing")  # the kinds of change to a movie listed already
THE_USERS_MOVIES = in_one_row(
    select(movies.c.id).where(
        movies.c.user_id == bindparam("user_id"), movies.c.id.in_(bindparam("ids", expanding=True))
    )
)
# Without RETURNING: SQLite would run a RETURNING insert of many rows, in their order, as one
# statement a row. The new rows' ids are read back by the key they are unique by.
INSERT_MOVIES = insert(movies)
NEW_MOVIES = in_one_row(
    select(movies.c.title_key, movies.c.id).where(
        movies.c.user_id == bindparam("user_id"), movies.c.title_key.in_(bindparam("keys", expanding=True))
    )
)
ON_THE_USERS_MOVIE = (movies.c.id == bindparam("movie"), movies.c.user_id == bindparam("user"))
TO_WATCHED = update(movies).where(*ON_THE_USERS_MOVIE).values(watched=True, watched_at=bindparam("moment"))
RATE = update(movies).where(*ON_THE_USERS_MOVIE).values(rating=bindparam("new_rating"))
LIKE = update(movies).where(*ON_THE_USERS_MOVIE).values(liked_at=bindparam("moment"))


def write_changes(
    connection: Blocking, user_id: int, batch: Sequence[Change], new_ids: dict[int, int], timestamp: int
) -> None:
    """One batch of `changes()` on the caller's transaction. `new_ids` holds the movie id each
    new film got, by its place in `Plan.new`, for the batches after."""
    of_kind: dict[str, list[Change]] = {kind: [] for kind in ("film", "film_viewing", *ON_LISTED)}
    for change in still_listed(connection, user_id, batch):
        of_kind[change.kind].append(change)
    if films_new := of_kind["film"]:
        rows = [movie_row(user_id, c.value, timestamp) for c in films_new]
        connection.execute(INSERT_MOVIES, rows)
        keys = [row["title_key"] for row in rows]
        ids = dict(rows_of(connection, NEW_MOVIES, {"user_id": user_id, "keys": keys}))
        new_ids.update((change.target, ids[key]) for change, key in zip(films_new, keys, strict=True))
    if of_kind["watched"]:
        moments = [
            {"movie": c.target, "user": user_id, "moment": c.value.watched_moment(timestamp)}
            for c in of_kind["watched"]
        ]
        connection.execute(TO_WATCHED, moments)
    if of_kind["rating"]:
        connection.execute(
            RATE, [{"movie": c.target, "user": user_id, "new_rating": c.value} for c in of_kind["rating"]]
        )
    if of_kind["like"]:
        connection.execute(LIKE, [{"movie": c.target, "user": user_id, "moment": c.value} for c in of_kind["like"]])
    logged = [viewing_row(user_id, new_ids[c.target], c.value, timestamp) for c in of_kind["film_viewing"]]
    logged += [viewing_row(user_id, c.target, c.value, timestamp) for c in of_kind["viewing"]]
    if logged:
        connection.execute(insert(viewings), logged)


def still_listed(connection: Blocking, user_id: int, batch: Sequence[Change]) -> list[Change]:
    """The batch without the changes to movies the person deleted since the plan was made."""
    listed = sorted({change.target for change in batch if change.kind in ON_LISTED})
    if not listed:
        return list(batch)
    kept = {movie_id for (movie_id,) in rows_of(connection, THE_USERS_MOVIES, {"user_id": user_id, "ids": listed})}
    return [change for change in batch if change.kind not in ON_LISTED or change.target in kept]
