"""A list's row: the one shape every list shows (the watchlist, the Watched list, a pick, a
shared list), its columns and its type. A new column is a field of `ListedMovie` and its
column in `ROW_COLUMNS`; the row partials read fields by name."""

from typing import NamedTuple

from sqlalchemy import func, literal_column

from ..diary.viewings import DETAILS, LAST_WATCHED, TIMES_WATCHED
from ..tables import films, movies

NOT_ON_YOUR_LIST = "That movie is not on your list."
# A catalog film's year and IMDb id are the catalog's; a film typed or imported without one
# keeps what it came with (the export, the API, the Radarr list).
WITH_FILM = movies.outerjoin(films, films.c.id == movies.c.film_id)
YEAR = func.coalesce(films.c.year, movies.c.year)
IMDB_ID = func.coalesce(films.c.imdb_id, movies.c.imdb_id)


class ListedMovie(NamedTuple):
    """A movie as a list shows it. `details` (year, runtime, genres) comes from the catalog
    film, if linked, else the year as typed; `rating` is in half stars; `last_watched` is the
    newest viewing's day and `times` how many viewings there are; `liked_at`, when the person
    gave it their heart (None: not liked); `review`, the newest review, only on a shared
    Watched list that shows reviews."""

    id: int
    title: str
    rating: int | None
    details: str | None = None
    film_id: int | None = None
    last_watched: str | None = None
    times: int = 0
    liked_at: int | None = None
    review: str | None = None


# The columns of a ListedMovie (all but `review`) as a page reads them, joined to its film.
# The column itself, not `liked_at IS NOT NULL`: SQLite (3.40) answered that expression in an
# UPDATE's RETURNING from the row before the update.
ROW_COLUMNS = (
    movies.c.id, movies.c.title, movies.c.rating, DETAILS, movies.c.film_id, LAST_WATCHED, TIMES_WATCHED,
    movies.c.liked_at,
)  # fmt: skip
# The same in RETURNING, which has no joins: the film's details by subquery, written out since
# SQLAlchemy leaves RETURNING's columns unqualified, which would leave a subquery built from
# table objects uncorrelated.
DETAILS_BY_SUBQUERY = literal_column(
    "COALESCE((SELECT films.details FROM films WHERE films.id = movies.film_id), CAST(movies.year AS VARCHAR(4)))"
)
RETURNED_COLUMNS = tuple(DETAILS_BY_SUBQUERY if column is DETAILS else column for column in ROW_COLUMNS)
