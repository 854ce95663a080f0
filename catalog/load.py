"""Loading IMDb's datasets into the catalog, while the app keeps serving.

The files are read once, as streams, into temporary tables on the loader's own connection
(a bad line stops it there, and the catalog is as it was). Then the films are merged into
the catalog in small transactions (added, or updated where something changed; ids never
change), so the app's own writes wait a moment at most, never the whole load."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database, Upsert, excluded
from ..tables import catalog_loads, films, now
from . import load_record
from .imdb_files import BASICS_COLUMNS, RATINGS_COLUMNS, DatasetFile, ratings
from .imdb_files import films as film_rows
from .text import film_details, search_pairs, stored_key

BATCH = 5000
MERGE_BATCH = 20_000
SEARCH_INDEXES = ("films_fts", "films_pairs")
INDEX_MERGE_PAGES = 500
Progress = Callable[[str, float, int], None]  # (what, fraction of the file read, lines read)

staging_tables = MetaData()
staged_films = Table(
    "catalog_staged_films",
    staging_tables,
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("imdb_id", String(16)),
    Column("title", String(500)),
    Column("original_title", String(500)),
    Column("search_key", String(500)),
    Column("search_pairs", Text),
    Column("year", SmallInteger),
    Column("runtime", Integer),
    Column("genres", String(200)),
    Column("details", String(300)),
    Column("kind", String(16)),
    prefixes=["TEMPORARY"],
)
staged_ratings = Table(
    "catalog_staged_ratings",
    staging_tables,
    Column("imdb_id", String(16), primary_key=True),
    Column("rating", SmallInteger),
    Column("votes", Integer),
    prefixes=["TEMPORARY"],
)


# Films are merged most-voted first, so a new catalog's ids follow popularity: the search then
# takes its candidates in id order, which its index gives without sorting (catalog/search.py).
merge_order = Table(
    "catalog_merge_order",
    staging_tables,
    Column("k", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer),
    prefixes=["TEMPORARY"],
)
ORDER_BY_VOTES = insert(merge_order).from_select(
    ["k", "n"],
    select(
        func.row_number().over(order_by=(func.coalesce(staged_ratings.c.votes, 0).desc(), staged_films.c.n)),
        staged_films.c.n,
    ).select_from(staged_films.outerjoin(staged_ratings, staged_ratings.c.imdb_id == staged_films.c.imdb_id)),
)


@dataclass(frozen=True)
class LoadResult:
    films: int
    added: int
    updated: int
    lines: int


def merge_statement(with_ratings: bool) -> Upsert:
    """Staged films k in (lo, hi] of the merge order into the catalog: new ones added (in that
    order, so ids follow popularity), changed ones updated; their votes and ratings only when
    the load has a ratings file (without one, a film already there keeps its own)."""
    staged, rating = staged_films.c, staged_ratings.c
    columns = [
        "imdb_id",
        "title",
        "original_title",
        "search_key",
        "search_pairs",
        "year",
        "runtime",
        "genres",
        "details",
        "votes",
        "rating",
        "kind",
    ]
    source = (
        select(
            staged.imdb_id,
            staged.title,
            staged.original_title,
            staged.search_key,
            staged.search_pairs,
            staged.year,
            staged.runtime,
            staged.genres,
            staged.details,
            func.coalesce(rating.votes, 0),
            rating.rating,
            staged.kind,
        )
        .select_from(
            merge_order.join(staged_films, staged.n == merge_order.c.n).outerjoin(
                staged_ratings, rating.imdb_id == staged.imdb_id
            )
        )
        .where(merge_order.c.k > bindparam("lo"), merge_order.c.k <= bindparam("hi"))
        .order_by(merge_order.c.k)
    )
    changing = [name for name in columns[1:] if with_ratings or name not in ("votes", "rating")]
    proposed = excluded(films)
    return Upsert(
        films,
        from_select=source,
        columns=columns,
        key=["imdb_id"],
        update={name: proposed[name] for name in changing},
        where=or_(*(films.c[name].is_distinct_from(proposed[name]) for name in changing)),
    )


MERGES = {with_ratings: merge_statement(with_ratings) for with_ratings in (True, False)}
FILM_COUNT = select(func.count()).select_from(films)


async def load_catalog(
    db: Database, basics: Path, ratings_file: Path | None = None, adult: bool = False, progress: Progress | None = None
) -> LoadResult:
    """Read the files (BadFile if one is wrong: nothing changed) and merge their films in. The
    load is noted as under way until it finishes (load_record.py), or until it stops while
    reading the files, which leaves the catalog as it was."""
    async with db.connection() as connection:
        await connection.run_sync(lambda sync: staging_tables.create_all(sync))
        await load_record.note_started(connection, basics.name)
        await connection.commit()
        try:
            try:
                staged, lines = await stage_files(db, connection, basics, ratings_file, adult, progress)
            except BaseException:
                await connection.rollback()
                await load_record.forget(connection)
                await connection.commit()
                raise
            return await merge(db, connection, MERGES[ratings_file is not None], staged, basics, lines, progress)
        finally:
            await connection.rollback()
            await connection.run_sync(lambda sync: staging_tables.drop_all(sync))
            await connection.commit()


async def stage_files(
    db: Database, connection: AsyncConnection, basics: Path, ratings_file: Path | None, adult: bool, progress
) -> tuple[int, int]:
    """The files into the staging tables; the answer is how many films and how many lines."""
    lines = 0
    if ratings_file is not None:
        file = DatasetFile(ratings_file, RATINGS_COLUMNS)
        try:
            await stage(db, connection, staged_ratings, ratings(file), file, "ratings", progress)
        finally:
            lines += file.line_number
            file.close()
    file = DatasetFile(basics, BASICS_COLUMNS)
    try:
        staged = await stage(db, connection, staged_films, film_rows(file, adult), file, "films", progress)
    finally:
        lines += file.line_number
        file.close()
    return staged, lines


async def merge(
    db: Database, connection: AsyncConnection, merging: Upsert, staged: int, source: Path, lines: int, progress
) -> LoadResult:
    """The staged films into the catalog, MERGE_BATCH at a time, each batch its own short
    transaction: the app (another process) waits at most that long to write, on SQLite's
    busy timeout."""
    await connection.execute(ORDER_BY_VOTES)
    # Each write below begins its own transaction: on SQLite a transaction that has read may
    # not become a writer once another process has written ("database is locked", at once).
    await connection.commit()
    await load_record.note_merging(connection)
    await connection.commit()
    before = (await connection.execute(FILM_COUNT)).scalar_one()
    await connection.commit()
    changed = 0
    statement = db.upsert_statement(merging)
    for lo in range(0, staged, MERGE_BATCH):
        changed += (await connection.execute(statement, {"lo": lo, "hi": lo + MERGE_BATCH})).rowcount
        await connection.commit()
        if progress:
            progress("merging", min(1.0, (lo + MERGE_BATCH) / staged), lines)
    if db.is_sqlite:  # only FTS5's indexes are left in pieces by the merge
        await merge_search_indexes(connection)
    after = (await connection.execute(FILM_COUNT)).scalar_one()
    await connection.commit()
    added = after - before
    await connection.execute(
        insert(catalog_loads).values(
            loaded_at=now(), source=source.name[:500], added=added, updated=changed - added, films=after
        )
    )
    await load_record.forget(connection)
    await connection.commit()
    return LoadResult(films=after, added=added, updated=changed - added, lines=lines)


async def merge_search_indexes(connection: AsyncConnection) -> None:
    """SQLite's search indexes, written in many pieces by the merge, made whole again: a
    search then reads one list per word, not one per piece (a tenth faster). FTS5's 'merge'
    does it a step at a time, each its own short transaction, and has finished when a step
    changes less than two rows (SQLite's documentation of the command)."""
    driver = (await connection.get_raw_connection()).driver_connection
    for index in SEARCH_INDEXES:
        step = text(f"INSERT INTO {index}({index}, rank) VALUES ('merge', -{INDEX_MERGE_PAGES})")
        while True:
            changes = driver.total_changes
            await connection.execute(step)
            await connection.commit()
            if driver.total_changes - changes < 2:
                break


async def stage(
    db: Database, connection: AsyncConnection, table: Table, rows, file: DatasetFile, what: str, progress
) -> int:
    """Every row into `table`, BATCH at a time; returns how many. A batch is written while
    the next is read (the driver works on its own thread or socket)."""
    batch, count, writing = [], 0, None
    try:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                if writing:
                    await writing
                writing = asyncio.ensure_future(db.bulk_insert(connection, table, staged_values(table, batch, count)))
                count += len(batch)
                batch = []
                if progress:
                    progress(what, file.position(), file.line_number)
    finally:
        if writing:  # a bad line stops the reading: the batch being written finishes before anything else
            await asyncio.wait([writing])
    if writing:
        writing.result()
    if batch:
        await db.bulk_insert(connection, table, staged_values(table, batch, count))
        count += len(batch)
    if progress:
        progress(what, 1.0, file.line_number)
    return count


def staged_values(table: Table, batch: list, before: int) -> list[tuple]:
    if table is not staged_films:
        return batch
    return [
        (
            before + offset + 1,
            film.imdb_id,
            film.title,
            film.original_title,
            (key := stored_key(film.title)),
            search_pairs(key),
            film.year,
            film.runtime,
            film.genres,
            film_details(film.year, film.runtime, film.genres),
            film.kind,
        )
        for offset, film in enumerate(batch)
    ]
