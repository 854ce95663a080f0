"""Films from the catalog by id, and the one film a typed title names, if exactly one: by its
own title, else by a title it has elsewhere (title.akas)."""

from typing import NamedTuple

from sqlalchemy import bindparam, select

from ..db import Database
from ..tables import film_akas, films
from .generations import AKAS, generation_in_use
from .text import words_and_year

NO_SUCH_FILM = "That film is not in the catalog."


class CatalogFilm(NamedTuple):
    id: int
    title: str
    year: int | None


FILM = select(films.c.id, films.c.title, films.c.year).where(films.c.id == bindparam("film_id"))
TITLED = select(films.c.id, films.c.title, films.c.year).where(films.c.search_key == bindparam("key")).limit(2)
TITLED_IN = (
    select(films.c.id, films.c.title, films.c.year)
    .where(films.c.search_key == bindparam("key"), films.c.year == bindparam("year"))
    .limit(2)
)

AKA_TITLED = (
    select(films.c.id, films.c.title, films.c.year)
    .distinct()
    .select_from(film_akas.join(films, films.c.id == film_akas.c.film_id))
    .where(film_akas.c.generation == generation_in_use(AKAS), film_akas.c.search_key == bindparam("key"))
    .limit(2)
)
AKA_TITLED_IN = AKA_TITLED.where(films.c.year == bindparam("year"))


async def film_by_id(db: Database, film_id: int) -> CatalogFilm | None:
    rows = await db.fetch_all(FILM, film_id=film_id)
    return CatalogFilm(*rows[0]) if rows else None


async def only_film_named(db: Database, typed: str) -> CatalogFilm | None:
    """The film `typed` names when exactly one does: "Heat (1995)", or a title one film holds."""
    key, year = words_and_year(typed)
    if not key:
        return None
    for dated, undated in ((TITLED_IN, TITLED), (AKA_TITLED_IN, AKA_TITLED)):  # its own title first
        rows = await (db.fetch_all(dated, key=key, year=year) if year else db.fetch_all(undated, key=key))
        if rows:
            return CatalogFilm(*rows[0]) if len(rows) == 1 else None
    return None
