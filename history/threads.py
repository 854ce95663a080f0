"""An import's database work in a worker thread: there the event loop, busy with other people's
pages, holds none of its queries up, and the work holds up none of their pages (issue 31:
matching on the loop, each query queued behind 16 connections, took 33-48 s). `off_loop` runs
the work; `ThreadConnections.connect()` gives it a connection whose queries block the thread.
On SQLite that connection is the thread's own; PostgreSQL's driver runs on the loop, so there
the thread hands each query to a connection of the loop's.

The thread and the loop share one interpreter lock, which the thread lets go at each step of
SQLite (each row read or written) and, while the loop serves many requests, waits to get back:
so the thread's reads come back as one JSON row each (`rows_of`) and its inserts as one
statement of many rows."""

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Any, Protocol, TypeVar

import anyio
import anyio.from_thread
from sqlalchemy import Executable, Select, String, create_engine, event, select
from sqlalchemy.engine import Engine, Result
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..db import Database, live_driver, sqlite_tuner

Result_ = TypeVar("Result_")


class Blocking(Protocol):
    """What the work in a worker thread queries: SQLAlchemy's Connection, or LoopConnection."""

    def execute(self, statement: Executable, parameters: Any = None) -> Result: ...

    def begin(self) -> AbstractContextManager: ...


async def off_loop(work: Callable[..., Result_], *args: Any) -> Result_:
    """`work` in a worker thread; if the job is cancelled (its budget spent, the app stopping),
    the job stops waiting for it at once, and the work stops at its next `still_wanted()`."""
    return await anyio.to_thread.run_sync(work, *args, abandon_on_cancel=True)


def still_wanted() -> None:
    """In work that `off_loop` runs: raises once the job stopped waiting for it."""
    anyio.from_thread.check_cancelled()


class JsonRows(FunctionElement):
    """The rows of its columns as one JSON array of arrays ('[]' for none), as text."""

    type = String()
    name = "json_rows"
    inherit_cache = True


@compiles(JsonRows)  # SQLite's, and where no database is named (str() of a statement)
def sqlite_json_rows(element, compiler, **kw) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(JsonRows, "postgresql")
def postgresql_json_rows(element, compiler, **kw) -> str:
    return f"coalesce(json_agg(json_build_array({compiler.process(element.clauses, **kw)})), '[]')::text"


def in_one_row(statement: Select) -> Select:
    """`statement` answered in one row, for `rows_of`."""
    rows = statement.subquery()
    return select(JsonRows(*rows.c))


def rows_of(connection: "Blocking", statement: Select, values: dict[str, Any]) -> list[list]:
    """The rows of an `in_one_row` statement (a boolean comes as 0 or 1 on SQLite)."""
    return json.loads(connection.execute(statement, values).scalar_one())


class LoopConnection:
    """A connection of the event loop's, used from a worker thread: each call is handed to the
    loop, and the thread waits for its answer."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.in_transaction = False

    def execute(self, statement: Executable, parameters: Any = None) -> Result:
        return anyio.from_thread.run(self.answer, statement, parameters)

    async def answer(self, statement: Executable, parameters: Any) -> Result:
        result = await self.connection.execute(statement, parameters)  # buffered: read whole
        if not self.in_transaction:
            # A read on its own ends the transaction SQLAlchemy began for it: a connection left
            # idle in one, while the thread works or after it was abandoned, holds its locks.
            await self.connection.rollback()
        return result

    @contextmanager
    def begin(self) -> Iterator[None]:
        transaction = anyio.from_thread.run(self.connection.begin().start)
        self.in_transaction = True
        try:
            yield
        except BaseException:
            anyio.from_thread.run(transaction.rollback)
            raise
        else:
            anyio.from_thread.run(transaction.commit)
        finally:
            self.in_transaction = False


# An import asks the same statements, each with up to 1,000 values, of a table it is filling.
# PostgreSQL plans a prepared statement for its values five times, then may keep one plan for
# any values, made while the table was small: a 40,000-film import's lookup of each batch's new
# films by title (history/plan.NEW_MOVIES) then compared every film of the person with each of
# the 1,000 titles, 0.01 s a batch at first, 1.2 s by the end (PostgreSQL's log), slow enough on
# a busy machine for a running import to look stopped. Planned for its values each time, the
# statement hashes its 1,000 values, or uses the index by title once the table's statistics show
# the person's films: no statement over 0.3 s, the import 13 s, not 32.
CUSTOM_PLANS = "SET plan_cache_mode = force_custom_plan"


class ThreadConnections:
    """The connections of an app's imports' worker threads. On SQLite, an engine of the
    standard library's driver, tuned like the app's connections (db.py); its writers take the
    app's write lock around their transaction (jobs.py), so they queue with the app's own."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.engine: Engine | None = None
        if db.sqlite is not None:
            url = db.url.set(drivername="sqlite")
            # Each call of a job may run on another of anyio's worker threads, one at a time.
            self.engine = create_engine(url, connect_args={"check_same_thread": False})
            # An insert of many rows as statements of many VALUES each, not one statement a row.
            self.engine.dialect.use_insertmanyvalues_wo_returning = True
            event.listen(self.engine, "connect", sqlite_tuner(db.sqlite.pragmas))

    @contextmanager
    def connect(self) -> Iterator[Blocking]:
        """A connection for the calling worker thread."""
        if self.engine is not None:
            with self.engine.connect() as connection:
                yield connection
            return
        connection = anyio.from_thread.run(self.db.engine.connect().start)
        try:
            driver = anyio.from_thread.run(live_driver, connection)
            anyio.from_thread.run(driver.execute, CUSTOM_PLANS)
            try:
                yield LoopConnection(connection)
            finally:
                with suppress(Exception):  # a connection lost is not put back in the pool
                    anyio.from_thread.run(driver.execute, "RESET plan_cache_mode")
        finally:
            anyio.from_thread.run(connection.close)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
