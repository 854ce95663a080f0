"""Who made and played in a film, and what a person made and played in, from the credits in use
(catalog/generations.py): for the film pages and the person pages."""

from itertools import groupby
from typing import NamedTuple

from sqlalchemy import ColumnElement, String, bindparam, cast, func, literal, literal_column, or_, select

from ..db import Database
from ..tables import catalog_loads, film_akas, film_credits, films, movies, people
from .generations import AKAS, CREDITS, generation_in_use

NO_SUCH_PERSON = "That person is not in the catalog."
CAST_ROLES = ("actor", "actress", "self")
FIRST_BILLED = 15
# The order a person's page shows their parts in, and what it calls each.
ROLE_HEADINGS = {
    "director": "Directed",
    "writer": "Wrote",
    "actor": "Acted",
    "actress": "Acted",
    "self": "Appeared as themselves",
}


def in_roles(roles: tuple[str, ...]) -> ColumnElement[bool]:
    """A credit in one of `roles`, written into the statement (constants: one plan for all)."""
    return or_(*(film_credits.c.role == literal_column(f"'{role}'") for role in roles))


def credited(film_id: ColumnElement, person: ColumnElement, roles: tuple[str, ...]) -> ColumnElement[bool]:
    """The film `film_id` credits `person` in one of `roles` (the credits in use): a list's
    filter by who directed or played in its films."""
    return (
        select(film_credits.c.film_id)
        .where(
            film_credits.c.generation == generation_in_use(CREDITS),
            film_credits.c.film_id == film_id,
            film_credits.c.person_id == person,
            in_roles(roles),
        )
        .exists()
    )


class Credit(NamedTuple):
    person_id: int
    name: str
    role: str
    job: str
    characters: str


class FilmCredits(NamedTuple):
    directors: list[Credit]
    writers: list[Credit]
    cast: list[Credit]  # the first-billed, in IMDb's order
    others: list[Credit]  # producers, composers, …


class Aka(NamedTuple):
    title: str
    region: str
    language: str


class Person(NamedTuple):
    id: int
    name: str
    birth_year: int | None
    death_year: int | None
    professions: str

    def years(self) -> str:
        if self.birth_year is not None and self.death_year is not None:
            return f"{self.birth_year} to {self.death_year}"
        if self.birth_year is not None:
            return f"born {self.birth_year}"
        return f"died {self.death_year}" if self.death_year is not None else ""


class Part(NamedTuple):
    """A film of a person's, with their part in it."""

    film_id: int
    title: str
    year: int | None
    rating: int | None  # IMDb's, in tenths
    role: str
    characters: str


CREDITS_OF_FILM = (
    select(people.c.id, people.c.name, film_credits.c.role, film_credits.c.job, film_credits.c.characters)
    .select_from(film_credits.join(people, people.c.id == film_credits.c.person_id))
    .where(film_credits.c.generation == generation_in_use(CREDITS), film_credits.c.film_id == bindparam("film_id"))
    .order_by(film_credits.c.position, people.c.name)
)
AKAS_OF_FILM = (
    select(film_akas.c.title, film_akas.c.region, film_akas.c.language)
    .where(film_akas.c.generation == generation_in_use(AKAS), film_akas.c.film_id == bindparam("film_id"))
    .order_by(film_akas.c.region, film_akas.c.ordering)
)
PERSON = select(people.c.id, people.c.name, people.c.birth_year, people.c.death_year, people.c.professions).where(
    people.c.id == bindparam("person_id")
)
PARTS = (
    select(films.c.id, films.c.title, films.c.year, films.c.rating, film_credits.c.role, film_credits.c.characters)
    .select_from(film_credits.join(films, films.c.id == film_credits.c.film_id))
    .where(film_credits.c.generation == generation_in_use(CREDITS), film_credits.c.person_id == bindparam("person_id"))
)
# Which of the person's films are on the user's lists, and which of those are watched: by the
# key a film's entry has (tables.title_key), whose unique index finds it at once.
MARKS = (
    select(film_credits.c.film_id, movies.c.watched)
    .select_from(
        film_credits.join(
            movies,
            (movies.c.user_id == bindparam("user_id"))
            & (movies.c.title_key == literal("film:", String) + cast(film_credits.c.film_id, String)),
        )
    )
    .where(film_credits.c.generation == generation_in_use(CREDITS), film_credits.c.person_id == bindparam("person_id"))
)
# The person, and which catalog their films come from: its films' last load and the credits in use.
PERSON_IN_CATALOG = PERSON.add_columns(
    select(func.max(catalog_loads.c.id)).scalar_subquery(), generation_in_use(CREDITS)
)


async def credits_of_film(db: Database, film_id: int) -> FilmCredits:
    found = [Credit(*row) for row in await db.fetch_all(CREDITS_OF_FILM, film_id=film_id)]
    cast = [credit for credit in found if credit.role in CAST_ROLES]
    return FilmCredits(
        directors=[credit for credit in found if credit.role == "director"],
        writers=[credit for credit in found if credit.role == "writer"],
        cast=cast[:FIRST_BILLED],
        others=[credit for credit in found if credit.role not in (*CAST_ROLES, "director", "writer")],
    )


async def akas_of_film(db: Database, film_id: int) -> list[Aka]:
    """The film's titles by region or language (those of neither, its original title among
    them, the page shows already)."""
    return [Aka(*row) for row in await db.fetch_all(AKAS_OF_FILM, film_id=film_id) if row[1] or row[2]]


async def names_of(db: Database, person_ids: list[int | None]) -> dict[int, str]:
    """The names of a few people (a list's filters name one or two; None: no one)."""
    names = {}
    for person_id in filter(None, person_ids):
        if (person := await person_by_id(db, person_id)) is not None:
            names[person_id] = person.name
    return names


IN_USE = select(
    select(func.count())
    .select_from(film_credits)
    .where(film_credits.c.generation == generation_in_use(CREDITS))
    .scalar_subquery(),
    select(func.count()).select_from(people).scalar_subquery(),
    select(func.count())
    .select_from(film_akas)
    .where(film_akas.c.generation == generation_in_use(AKAS))
    .scalar_subquery(),
)


async def people_in_use(db: Database) -> tuple[int, int, int]:
    """How many credits, people and titles elsewhere the catalog has."""
    return tuple((await db.fetch_all(IN_USE))[0])


async def person_by_id(db: Database, person_id: int) -> Person | None:
    rows = await db.fetch_all(PERSON, person_id=person_id)
    return Person(*rows[0]) if rows else None


SORTS = {
    "year": lambda part: (-(part.year or 0), part.title),
    "rating": lambda part: (-(part.rating or 0), -(part.year or 0), part.title),
}


async def person_in_catalog(db: Database, person_id: int) -> tuple[Person, tuple[int, int]] | None:
    """The person, and the catalog their films are read from (its films' last load, its credits'
    generation): what their filmography, the same for every viewer, can be kept by."""
    rows = await db.fetch_all(PERSON_IN_CATALOG, person_id=person_id)
    if not rows:
        return None
    *person, last_load, generation = rows[0]
    return Person(*person), (last_load, generation)


async def filmography(db: Database, person_id: int, sort: str = "year") -> list[tuple[str, list[Part]]]:
    """The person's films by part (ROLE_HEADINGS' order), each part's films in `sort` order
    (newest first, or IMDb's rating)."""
    parts = [Part(*row) for row in await db.fetch_all(PARTS, person_id=person_id)]
    headings = list(dict.fromkeys(ROLE_HEADINGS.values()))
    heading_of = {part: ROLE_HEADINGS.get(part.role, part.role.replace("_", " ").capitalize()) for part in parts}
    order = {heading: place for place, heading in enumerate(headings)}
    parts.sort(key=lambda part: (order.get(heading_of[part], len(order)), heading_of[part], SORTS[sort](part)))
    grouped = []
    for heading, group in groupby(parts, key=heading_of.__getitem__):
        seen_films: dict[int, Part] = {}
        for part in group:  # an actor credited twice in one film (two characters) is one row
            seen_films.setdefault(part.film_id, part)
        grouped.append((heading, list(seen_films.values())))
    return grouped


async def marks_of(db: Database, person_id: int, user_id: int) -> dict[int, bool]:
    """The person's films on the user's lists: whether each is watched."""
    return dict(await db.fetch_all(MARKS, person_id=person_id, user_id=user_id))
