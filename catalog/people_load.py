"""Loading IMDb's people and alternate titles (title.principals, title.crew, name.basics,
title.akas) for the films the catalog holds, while the app keeps serving.

As the films' load (load.py), the files are read once, as streams, into temporary tables on
the loader's own connection: a bad line stops the load there, with nothing changed. The rows
are then written beside the ones in use as the next generation, in short transactions, and
one last small transaction makes it the generation in use: a page shows the old credits or
the new ones, never a mix. The old generation is then removed, a batch at a time."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database, Upsert, excluded
from ..tables import film_akas, film_credits, films, instance_settings, people
from . import load_record, people_files
from .generations import AKAS, CREDITS, generation_in_use
from .imdb_files import DatasetFile
from .load import Progress, stage
from .people_files import CREW_POSITION, Bitmap
from .text import stored_key

BATCH = 20_000
CREDIT_COLUMNS = ["generation", "film_id", "role", "person_id", "position", "job", "characters"]

staging_tables = MetaData()
staged_credits = Table(
    "catalog_staged_credits",
    staging_tables,
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("imdb_id", String(16)),
    Column("person_id", Integer),
    Column("role", String(32)),
    Column("position", Integer),
    Column("job", String(300)),
    Column("characters", String(500)),
    prefixes=["TEMPORARY"],
)
staged_akas = Table(
    "catalog_staged_akas",
    staging_tables,
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("imdb_id", String(16)),
    Column("ordering", Integer),
    Column("title", String(500)),
    Column("region", String(8)),
    Column("language", String(8)),
    Column("search_key", String(500)),
    prefixes=["TEMPORARY"],
)
staged_people = Table(
    "catalog_staged_people",
    staging_tables,
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("id", Integer),
    Column("name", String(300)),
    Column("birth_year", Integer),
    Column("death_year", Integer),
    Column("professions", String(200)),
    prefixes=["TEMPORARY"],
)

# One load of people at a time: two would each write the next generation and remove the other's.
UNDER_WAY = "people load under way"
# IMDb's file names, without .tsv or .tsv.gz, and what each is.
PRINCIPALS, CREW, NAMES, AKAS_FILE = "title.principals", "title.crew", "name.basics", "title.akas"


class NoFilms(Exception):
    """The catalog has no films for the people to be credited in; the message says so."""

    def __init__(self) -> None:
        super().__init__(
            "The catalog has no films yet: load title.basics first (people and titles elsewhere "
            "are kept for its films only)."
        )


@dataclass(frozen=True)
class PeopleResult:
    credits: int
    people: int
    akas: int
    lines: int


async def load_people(db: Database, files: dict[str, Path], progress: Progress | None = None) -> PeopleResult:
    """Reads the files named in `files` (PRINCIPALS, CREW, NAMES, AKAS_FILE: any of them; BadFile
    if one is wrong, and nothing changed) and makes what they hold the catalog's people and
    alternate titles. A load without title.principals keeps the principals in use (so with
    title.crew, and name.basics), and so on for each file. One at a time: another process's
    load under way refuses this one (load_record.AnotherLoad)."""
    async with db.connection() as connection:
        noted = await load_record.claim(connection, UNDER_WAY, f"people ({', '.join(files)})")
        try:
            await connection.run_sync(lambda sync: staging_tables.create_all(sync))
            await connection.commit()
            counts, lines = await stage_files(db, connection, files, progress)
            return await write_generations(db, connection, files, counts, lines, progress)
        finally:
            await connection.rollback()
            await connection.run_sync(lambda sync: staging_tables.drop_all(sync))
            await load_record.release(connection, UNDER_WAY, noted)


async def stage_files(db, connection, files: dict[str, Path], progress) -> tuple[dict[str, int], int]:
    """The files into the staging tables, keeping only the catalog's films and the people they
    credit: how many rows each file gave, and how many lines were read in all."""
    kept, credited = await kept_films(connection), Bitmap()
    if not kept:
        raise NoFilms()
    if NAMES in files and (PRINCIPALS not in files or CREW not in files):
        await note_credited_in_use(connection, credited)
    counts, lines = {}, 0
    readers = {
        AKAS_FILE: (staged_akas, people_files.AKAS_COLUMNS, lambda file: people_files.akas(file, kept)),
        PRINCIPALS: (
            staged_credits,
            people_files.PRINCIPALS_COLUMNS,
            lambda file: people_files.principals(file, kept, credited),
        ),
        CREW: (staged_credits, people_files.CREW_COLUMNS, lambda file: people_files.crew(file, kept, credited)),
        NAMES: (staged_people, people_files.NAMES_COLUMNS, lambda file: people_files.names(file, credited)),
    }
    for name, (table, columns, rows) in readers.items():  # names last: it keeps the people the others credit
        if name not in files:
            continue
        file = DatasetFile(files[name], columns)
        try:
            before = counts.get(PRINCIPALS, 0) if name == CREW else 0  # crew after principals in one table
            numbered_rows = staged_rows(table, rows(file), before)
            counts[name] = await stage(db, connection, table, numbered_rows, file, name, progress)
        finally:
            lines += file.line_number
            file.close()
    await connection.commit()
    return counts, lines


async def kept_films(connection: AsyncConnection) -> Bitmap:
    """The catalog's films, by the number of their IMDb id."""
    kept = Bitmap()
    result = await connection.stream(select(films.c.imdb_id))
    async for partition in result.partitions(BATCH):
        for (imdb_id,) in partition:
            kept.add(int(imdb_id[2:]))
    return kept


def staged_rows(table: Table, rows: Iterator[tuple], before: int) -> Iterator[tuple]:
    """Each row with its number first (the staging tables' `n`, by which they are written in
    batches); an alternate title with its search key last."""
    for n, row in enumerate(rows, before + 1):
        yield (n, *row, stored_key(row.title)) if table is staged_akas else (n, *row)


async def note_credited_in_use(connection: AsyncConnection, credited: Bitmap) -> None:
    """The people of the credits in use, for a load that keeps some of them."""
    in_use = select(film_credits.c.person_id).distinct().where(film_credits.c.generation == generation_in_use(CREDITS))
    result = await connection.stream(in_use)
    async for partition in result.partitions(BATCH):
        for (person,) in partition:
            credited.add(person)


async def write_generations(db, connection, files, counts, lines, progress) -> PeopleResult:
    akas_in_use = credits_in_use = None
    if AKAS_FILE in files:
        akas_in_use = await write_akas(db, connection, counts[AKAS_FILE], progress)
    if NAMES in files:  # before the credits that name them are in use
        await write_people(db, connection, counts[NAMES], progress)
    if PRINCIPALS in files or CREW in files:
        credits_in_use = await write_credits(db, connection, files, counts, progress)
    if akas_in_use is not None:
        await remove_generations(connection, film_akas, akas_in_use, progress)
    if credits_in_use is not None:
        await remove_generations(connection, film_credits, credits_in_use, progress)
    if NAMES in files or credits_in_use is not None:
        await remove_uncredited_people(connection, progress)
    return PeopleResult(
        credits=await count_in_use(connection, film_credits, CREDITS),
        people=(await connection.execute(select(func.count()).select_from(people))).scalar_one(),
        akas=await count_in_use(connection, film_akas, AKAS),
        lines=lines,
    )


async def next_generation(connection: AsyncConnection, table: Table, name: str) -> int:
    """The generation after the one in use, emptied of what a load that stopped left in it."""
    in_use = (await connection.execute(select(generation_in_use(name)))).scalar_one() or 0
    await connection.commit()
    await remove_generations(connection, table, in_use)
    return in_use + 1


def from_staged(staged: Table, generation: int, columns: list[str]):
    """The staged rows n in (lo, hi] as rows of `generation` (`columns`: generation, film_id,
    then columns the staging table has by the same names), each film by its IMDb id."""
    return (
        select(literal(generation), films.c.id, *(staged.c[name] for name in columns[2:]))
        .select_from(staged.join(films, films.c.imdb_id == staged.c.imdb_id))
        .where(staged.c.n > bindparam("lo"), staged.c.n <= bindparam("hi"))
    )


async def write_akas(db, connection, staged: int, progress) -> int:
    generation = await next_generation(connection, film_akas, AKAS)
    columns = ["generation", "film_id", "ordering", "title", "region", "language", "search_key"]
    source = from_staged(staged_akas, generation, columns)
    statement = db.upsert_statement(kept_first(film_akas, source, columns))
    await write_batches(connection, statement, staged, "writing alternate titles", progress)
    await switch(db, connection, AKAS, generation)
    return generation


async def write_credits(db, connection, files, counts, progress) -> int:
    """The credits of the files given; a part a file not given would have written (principals
    or crew) comes from the generation in use. Where both name one person in one role, the
    principals' row (with its billing and characters) is kept."""
    generation = await next_generation(connection, film_credits, CREDITS)
    if PRINCIPALS not in files:
        await carry_over(db, connection, generation, film_credits.c.position < CREW_POSITION)
    staged = counts.get(PRINCIPALS, 0) + counts.get(CREW, 0)
    source = from_staged(staged_credits, generation, CREDIT_COLUMNS)
    statement = db.upsert_statement(kept_first(film_credits, source, CREDIT_COLUMNS))
    await write_batches(connection, statement, staged, "writing credits", progress)
    if CREW not in files:
        await carry_over(db, connection, generation, film_credits.c.position >= CREW_POSITION)
    await switch(db, connection, CREDITS, generation)
    return generation


async def carry_over(db, connection, generation: int, which) -> None:
    """The credits in use that `which` picks, copied into `generation`."""
    credit = film_credits.c
    copied = [credit[name] for name in CREDIT_COLUMNS[1:]]
    source = select(literal(generation), *copied).where(credit.generation == generation_in_use(CREDITS), which)
    await connection.execute(db.upsert_statement(kept_first(film_credits, source, CREDIT_COLUMNS)))
    await connection.commit()


def kept_first(table: Table, source, columns: list[str]) -> Upsert:
    """INSERT … SELECT where a row already there wins over a later one of the same key."""
    key = [column.name for column in table.primary_key.columns]
    return Upsert(table, from_select=source, columns=columns, key=key, update={})


async def write_batches(connection, statement, staged: int, what: str, progress) -> None:
    """`statement` run over the staged rows n in (lo, hi], BATCH at a time, each its own transaction."""
    for lo in range(0, staged, BATCH):
        await connection.execute(statement, {"lo": lo, "hi": lo + BATCH})
        await connection.commit()
        if progress:
            progress(what, min(1.0, (lo + BATCH) / staged), 0)


async def write_people(db, connection, staged: int, progress) -> None:
    """The people read, added or brought up to date (their ids are their IMDb numbers)."""
    person = staged_people.c
    source = select(person.id, person.name, person.birth_year, person.death_year, person.professions).where(
        person.n > bindparam("lo"), person.n <= bindparam("hi")
    )
    proposed = excluded(people)
    changing = ["name", "birth_year", "death_year", "professions"]
    upsert = Upsert(
        people,
        from_select=source,
        columns=["id", *changing],
        key=["id"],
        update={name: proposed[name] for name in changing},
        where=or_(*(people.c[name].is_distinct_from(proposed[name]) for name in changing)),
    )
    await write_batches(connection, db.upsert_statement(upsert), staged, "writing people", progress)


async def switch(db: Database, connection: AsyncConnection, name: str, generation: int) -> None:
    """Makes `generation` the one in use: one row of instance_settings, in a transaction of its own."""
    upsert = Upsert(
        instance_settings,
        values={"name": name, "value": str(generation)},
        key=["name"],
        update={"value": str(generation)},
    )
    await connection.execute(db.upsert_statement(upsert))
    await connection.commit()


async def remove_generations(connection, table: Table, keep: int, progress=None) -> None:
    """Every generation but `keep`, removed a range of films at a time (each generation on its
    own: the primary key then finds each range's rows without reading the others)."""
    others = select(table.c.generation).distinct().where(table.c.generation != keep)
    generations = (await connection.execute(others)).scalars().all()
    last = (await connection.execute(select(func.max(films.c.id)))).scalar_one() or 0
    await connection.commit()
    for generation in generations:
        for lo in range(0, last, BATCH):
            which = table.c.generation == generation, table.c.film_id > lo, table.c.film_id <= lo + BATCH
            await connection.execute(delete(table).where(*which))
            await connection.commit()
            if progress:
                progress(f"removing the old {table.name.removeprefix('film_')}", min(1.0, (lo + BATCH) / last), 0)


async def remove_uncredited_people(connection, progress) -> None:
    """People no credit in use names any more, a range of ids at a time."""
    credit = film_credits.c
    last = (await connection.execute(select(func.max(people.c.id)))).scalar_one() or 0
    await connection.commit()
    credited = (
        select(credit.person_id)
        .where(credit.generation == generation_in_use(CREDITS), credit.person_id == people.c.id)
        .exists()
    )
    step = BATCH * 10
    for lo in range(0, last, step):
        await connection.execute(delete(people).where(people.c.id > lo, people.c.id <= lo + step, ~credited))
        await connection.commit()
        if progress:
            progress("removing people no film credits", min(1.0, (lo + step) / last), 0)


async def count_in_use(connection, table: Table, name: str) -> int:
    found = select(func.count()).select_from(table).where(table.c.generation == generation_in_use(name))
    count = (await connection.execute(found)).scalar_one()
    await connection.commit()
    return count
