"""The database object: one per app, on `app.state.db`, owning the engine and the connections
every query goes through. The tables are in `tables.py`, the migrations in `migrations/`."""

import asyncio
import functools
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import asyncpg
from sqlalchemy import BindParameter, ColumnElement, Executable, Select, Table, bindparam, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, IntegrityError, InvalidatePoolError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from .settings import make_private_dir

Row = TypeVar("Row")

MAPPED_READER_BYTES = 1 << 30
# The busy timeout makes writers from several workers queue instead of failing with "database
# is locked"; past it, the write fails and the person is asked to try again (web/errors.py).
BUSY_TIMEOUT_MS = 10_000
# The loop's writer leaves checkpoints to a thread (SQLiteConnections): one after this many
# writes, about the 1,000 pages after which SQLite would run one itself (an HTMX add writes 13).
CHECKPOINT_EVERY = 80
SQLITE_PRAGMAS = (
    # WAL lets readers run beside a writer; SQLite needs foreign keys switched on per
    # connection for ON DELETE CASCADE to work.
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
SUPPORTED = "FLICKLIST_DATABASE_URL must be sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DATABASE"


class UnsupportedDatabaseURL(ValueError):
    pass


def supported_url(text: str) -> URL:
    """The URL, if it names a database FlickList runs on: a SQLite file or PostgreSQL over asyncpg."""
    try:
        url = make_url(text)
    except ArgumentError as error:
        raise UnsupportedDatabaseURL(f"{SUPPORTED}; that is not a URL.") from error
    sqlite_file = url.drivername == "sqlite+aiosqlite" and url.database not in (None, "", ":memory:")
    if not (sqlite_file or url.drivername == "postgresql+asyncpg"):
        raise UnsupportedDatabaseURL(f"{SUPPORTED}, not {url.drivername}.")
    return url


# What a query meets on a connection the server has just ended (asyncpg's InternalClientError:
# the closing message arrived in the middle of its protocol's exchange).
CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InternalClientError,
    ConnectionError,
)
DRIVER_ERRORS = (sqlite3.Error, asyncpg.PostgresError, *CONNECTION_LOST)


def driver_error(sql: str, parameters: list, error: Exception) -> DBAPIError:
    """A driver's error on the direct paths as SQLAlchemy's, so callers catch one kind whichever way a query went."""
    if isinstance(error, sqlite3.IntegrityError | asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(sql, parameters, error)
    if isinstance(error, sqlite3.DataError | asyncpg.DataError):
        return DataError(sql, parameters, error)
    return DBAPIError(sql, parameters, error, connection_invalidated=isinstance(error, CONNECTION_LOST))


# SQLite's answers that the database cannot take the work just now (busy past the timeout,
# the disk full or failing, the file unreachable or read-only), not that the work was wrong.
SQLITE_UNAVAILABLE = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_READONLY,
}
# PostgreSQL's: the connection lost or refused, the server shutting down or out of disk,
# memory or connections, the database gone, a deadlock or a lock not granted in time; and the
# pool's wait for a connection timed out.
ELSEWHERE_UNAVAILABLE = (
    *CONNECTION_LOST,
    asyncpg.InsufficientResourcesError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.TransactionRollbackError,
    asyncpg.LockNotAvailableError,
    PoolTimeoutError,
)


def unavailable_because(error: BaseException) -> BaseException | None:
    """The driver's error that `error` comes from, when it says the database cannot be reached
    or cannot take the work just now (a fault of the moment, worth trying again); None when
    the work itself was at fault."""
    while error is not None:
        if isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorcode", 0) & 0xFF in SQLITE_UNAVAILABLE:
            return error
        if isinstance(error, ELSEWHERE_UNAVAILABLE):
            return error
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return error.orig
        error = error.orig if isinstance(error, DBAPIError) else error.__cause__
    return None


def make_engine(url: URL | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> AsyncEngine:
    """A SQLAlchemy engine tuned for FlickList: SQLite's pragmas on every connection; on
    PostgreSQL a pool that starts afresh when it finds a connection the server closed."""
    url = supported_url(str(url)) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        create_private_file(Path(url.database))
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", sqlite_tuner(sqlite_pragmas(busy_timeout_ms)))
        return engine
    # Connections kept, never opened and closed per burst: each new one costs a connect and
    # loses its prepared statements, which PostgreSQL then plans afresh (bench/results-postgresql.md).
    engine = create_async_engine(url, pool_size=20, max_overflow=0)
    event.listen(engine.sync_engine, "checkout", replace_closed_connections)
    return engine


def sqlite_pragmas(busy_timeout_ms: int) -> tuple[str, ...]:
    return (f"PRAGMA busy_timeout={busy_timeout_ms}", *SQLITE_PRAGMAS)


def create_private_file(path: Path) -> None:
    """The SQLite file, made empty and readable by its owner only (0600) in a 0700 folder
    before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode."""
    make_private_dir(path.parent)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sqlite_tuner(pragmas: tuple[str, ...]) -> Callable[..., None]:
    def tune_sqlite(dbapi_connection, _connection_record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    return tune_sqlite


def replace_closed_connections(dbapi_connection, _record, _proxy) -> None:
    """Instead of pool_pre_ping's round trip on every checkout (its cost: bench/results.md,
    "Where the time went"). A server that restarts or ends sessions closes their sockets,
    which asyncpg has seen by the next checkout: the pool then drops every connection it opened
    before now, since the server that ended one has most likely ended them all, and opens a
    new one."""
    if dbapi_connection.driver_connection.is_closed():
        raise InvalidatePoolError()


async def raw_driver(connection: AsyncConnection) -> asyncpg.Connection:
    return (await connection.get_raw_connection()).driver_connection


async def live_driver(connection: AsyncConnection) -> asyncpg.Connection:
    """The connection's asyncpg connection, first asked whether the server still holds it (one
    round trip) and replaced by a new one if not. A write is safe to send again only when it
    never reached the server: this is how a write on a connection the server had ended, which
    asyncpg had not yet noticed, goes through instead of failing (a read is simply repeated)."""
    driver = await raw_driver(connection)
    try:
        await driver.execute("SELECT 1")
    except CONNECTION_LOST:
        return await new_driver(connection)
    return driver


async def new_driver(connection: AsyncConnection) -> asyncpg.Connection:
    """The connection given a new asyncpg connection, its old one invalidated (not put back)."""
    await connection.invalidate()
    return await raw_driver(connection)


DriverOf = Callable[[AsyncConnection], Awaitable[asyncpg.Connection]]


@dataclass(frozen=True, eq=False)
class Upsert:
    """INSERT ... ON CONFLICT (key) DO UPDATE, written once for both databases (their SQL is
    the same, SQLAlchemy's constructs for it are not) and run with `db.upsert`. The row is
    `values` (bindparam() for what varies), or the rows of `from_select` into `columns`;
    `update` and `where` may name the row proposed as `excluded(table)`. Without `where` every
    conflicting row is updated; with it, only those it holds for (the others return no row).
    With no `update`, the row already there stays as it is (ON CONFLICT DO NOTHING)."""

    table: Table
    key: Sequence[str]
    update: Mapping[str, Any]
    values: Mapping[str, Any] = field(default_factory=dict)
    from_select: Select | None = None
    columns: Sequence[str] = ()
    where: ColumnElement[bool] | None = None
    returning: Sequence[ColumnElement] = ()


def excluded(table: Table):
    """The columns of the row an upsert proposed, as both databases name it in ON CONFLICT."""
    return table.alias("excluded").c


def id_slots(name: str, count: int) -> list[BindParameter]:
    """`count` parameters (`name`0, `name`1, …) for a list of ids in a query, written out: the
    direct paths take no list parameters (an expanding IN). Fill them with slot_values."""
    return [bindparam(f"{name}{number}") for number in range(count)]


def slot_values(name: str, ids: Sequence[int], count: int) -> dict[str, int]:
    """Values for id_slots(name, count): the first `count` of `ids`, then 0, which no row has."""
    padded = [*ids[:count], *[0] * count][:count]
    return {f"{name}{number}": value for number, value in enumerate(padded)}


INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def plain_row(*values: Any) -> tuple:
    return values


async def postgresql_steps(driver: asyncpg.Connection, statements: list[tuple[str, list]], found: list) -> None:
    """Each statement's first row (None where it returns none) onto `found`, as it is run."""
    for sql, parameters in statements:
        record = await driver.fetchrow(sql, *parameters)
        found.append(None if record is None else tuple(record))


def sqlite_steps(connection: sqlite3.Connection, statements: list[tuple[str, list]], found: list) -> None:
    """The statements on a writer (the loop's or its thread's), as one transaction when there are
    several, each one's first row onto `found` as it is run (so a failure tells which it was)."""
    together = len(statements) > 1
    if together:
        connection.execute("BEGIN IMMEDIATE")
    try:
        for sql, parameters in statements:
            rows = connection.execute(sql, parameters).fetchall()
            found.append(rows[0] if rows else None)
        if together:
            connection.execute("COMMIT")
    except BaseException:
        # Some errors (a full disk) end the transaction themselves.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


class Prepared(NamedTuple):
    """A statement compiled for the driver: its SQL, the name of each placeholder's value in
    order, and the values the statement itself gives, by name."""

    sql: str
    names: tuple[str, ...]
    given: dict[str, Any]


class Database:
    """FlickList's database. Three ways in, one per kind of work:

    - `await db.fetch_all(statement, **values)` reads: every row of one SELECT, in one round
      trip, as tuples (on SQLite a boolean is 0 or 1). `fetch_all_mapped` is the same for the
      catalog's search.
    - `await db.write_returning(statement, Row, **values)` writes one row: a single INSERT,
      UPDATE or DELETE ... RETURNING, committed on its own; its first row made into `Row`, or
      None when it touched nothing. A broken constraint raises IntegrityError.
      `write_together` is several such writes as one transaction.
    - `async with db.transaction() as connection:` writes that must commit together, on a
      SQLAlchemy connection.

    And for particular work: `await db.upsert(UPSERT, Row, **values)` adds or updates a row
    (an `Upsert`), on its own or in a transaction's `connection`; `async with db.connection()`
    is a connection of its own for work that reads much or commits as it goes (an import's
    matching, the catalog's load), and `db.bulk_insert` fills a table on it fast.

    Statements for the first two are built once, at module level, with bindparam() for what
    varies (`values` fills them in), and each is compiled once per Database. They run on the
    driver itself, outside SQLAlchemy's execution: SQLite on connections of the Database's
    own (`SQLiteConnections`), PostgreSQL on the pool's asyncpg connection with no BEGIN or
    COMMIT. Why: bench/results.md, "Where the time went".

    On PostgreSQL a connection the server has ended is met by a query now and then (a restart,
    pg_terminate_backend): a read is then repeated on a new connection, and a write is sent
    only on a connection that has just answered (`live_driver`), the one case where a failed
    write is known never to have reached the server and is safe to send again.

    SQLite takes one writer at a time, and a writer waiting on SQLite's busy handler sleeps
    in steps of up to 100 ms; so writers within one process queue on `write_lock` instead,
    and the busy timeout settles the rarer contention between processes."""

    def __init__(self, url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.url = supported_url(url)
        self.engine = make_engine(self.url, busy_timeout_ms)
        is_sqlite = self.url.get_backend_name() == "sqlite"
        self.write_lock = asyncio.Lock() if is_sqlite else None
        self.sqlite = SQLiteConnections(self.url.database, sqlite_pragmas(busy_timeout_ms)) if is_sqlite else None
        # Bounded, so a statement built per call by mistake costs compiling, never memory.
        self.compiled = functools.lru_cache(maxsize=512)(self.compile)
        self.upsert_statement = functools.lru_cache(maxsize=64)(self.build_upsert)

    def compile(self, statement: Executable) -> Prepared:
        compiled = statement.compile(dialect=self.engine.dialect)
        binds = compiled.binds
        given = {name: binds[name].effective_value for name in compiled.positiontup if not binds[name].required}
        return Prepared(compiled.string, tuple(compiled.positiontup), given)

    def sql_and_values(self, statement: Executable, values: dict[str, Any]) -> tuple[str, list]:
        """The SQL and its parameters in order: each the value `values` names, else the one the
        statement gives (a LIMIT's); a value missing is a KeyError. What construct_params() does
        for these statements, in under half its time."""
        prepared = self.compiled(statement)
        return prepared.sql, [values[name] if name in values else prepared.given[name] for name in prepared.names]

    async def fetch_all(self, statement: Executable, **values: Any) -> Sequence[Sequence[Any]]:
        return await self.read(statement, values, mapped=False)

    async def fetch_all_mapped(self, statement: Executable, **values: Any) -> Sequence[Sequence[Any]]:
        """fetch_all for reads that visit rows scattered over a big table (the catalog's
        search): on SQLite through a reader that maps the file into memory."""
        return await self.read(statement, values, mapped=True)

    async def read(self, statement: Executable, values: dict[str, Any], mapped: bool) -> Sequence[Sequence[Any]]:
        sql, parameters = self.sql_and_values(statement, values)
        try:
            if self.sqlite is not None:
                return await self.sqlite.read(sql, parameters, mapped)
            return await self.postgresql_read(sql, parameters)
        except DRIVER_ERRORS as error:
            raise driver_error(sql, parameters, error) from error

    async def postgresql_read(self, sql: str, parameters: list) -> Sequence[Sequence[Any]]:
        """A read on a pooled connection; once more on a new one when the server had ended the
        first before asyncpg noticed (a restart: the checkout's is_closed() still said open, and
        the query met the closing socket). A read is safe to repeat. Not on another pooled
        connection: the server that ended one has most likely ended them all."""
        try:
            async with self.postgresql_connection() as driver:
                return [tuple(record) for record in await driver.fetch(sql, *parameters)]
        except CONNECTION_LOST:
            async with self.postgresql_connection(new_driver) as driver:
                return [tuple(record) for record in await driver.fetch(sql, *parameters)]

    @asynccontextmanager
    async def postgresql_connection(self, driver_of: DriverOf = raw_driver) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection's own asyncpg connection (as `driver_of` has it: as it is, known
        to be alive, or new), invalidated rather than put back when the server turns out to
        have ended it."""
        async with self.engine.connect() as connection:
            driver = await driver_of(connection)
            try:
                yield driver
            except CONNECTION_LOST:
                await connection.invalidate()
                raise

    async def write_returning(self, statement: Executable, row: Callable[..., Row], **values: Any) -> Row | None:
        [found] = await self.write_together((statement, values))
        return None if found is None else row(*found)

    async def write_together(self, *steps: tuple[Executable, dict[str, Any]]) -> list[Sequence[Any] | None]:
        """Several writes as one transaction, on the same direct paths as write_returning: all
        commit or none does. Each step is (statement, values); the answer is each step's first
        RETURNING row (None where it returned none)."""
        statements = [self.sql_and_values(statement, values) for statement, values in steps]
        found: list[Sequence[Any] | None] = []
        try:
            if self.sqlite is not None:
                async with self.write_lock:
                    await self.sqlite.write(statements, found)
                return found
            async with self.postgresql_connection(live_driver) as driver:
                if len(statements) == 1:  # outside a transaction block: autocommit
                    await postgresql_steps(driver, statements, found)
                    return found
                async with driver.transaction():
                    await postgresql_steps(driver, statements, found)
                return found
        except DRIVER_ERRORS as error:
            sql, parameters = statements[len(found)] if len(found) < len(statements) else ("COMMIT", [])
            raise driver_error(sql, parameters, error) from error

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        if self.write_lock is None:
            async with self.engine.connect() as connection:
                await live_driver(connection)
                async with connection.begin():
                    yield connection
            return
        async with self.write_lock, self.engine.begin() as connection:
            yield connection

    @property
    def is_sqlite(self) -> bool:
        """For the catalog alone, whose search indexes differ between the databases (SQLite's
        FTS5 tables, PostgreSQL's tsvector index): the search queries them, the load tends them."""
        return self.sqlite is not None

    def build_upsert(self, upsert: Upsert) -> Executable:
        """The upsert as this database's statement (`db.upsert_statement`, built once each): for
        `db.upsert`, and for work on a connection that needs more than its first row (the
        catalog's merge counts the rows it changed)."""
        statement = INSERTS[self.engine.dialect.name](upsert.table)
        if upsert.from_select is not None:
            statement = statement.from_select(upsert.columns, upsert.from_select)
        else:
            statement = statement.values(**upsert.values)
        key = [upsert.table.c[name] for name in upsert.key]
        if upsert.update:
            statement = statement.on_conflict_do_update(index_elements=key, set_=upsert.update, where=upsert.where)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=key)
        return statement.returning(*upsert.returning) if upsert.returning else statement

    async def upsert(
        self,
        upsert: Upsert,
        row: Callable[..., Row] = plain_row,
        connection: AsyncConnection | None = None,
        **values: Any,
    ) -> Row | None:
        """Adds the row or updates the one it conflicts with; the first row it returns made into
        `row` (None when it returns none). On its own, committed at once like write_returning;
        or in the transaction of `connection`."""
        statement = self.upsert_statement(upsert)
        if connection is None:
            return await self.write_returning(statement, row, **values)
        result = await connection.execute(statement, values)
        found = result.first() if upsert.returning else None
        return None if found is None else row(*found)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A connection of its own, outside the queue of writers (on SQLite its writes wait on
        the busy timeout): for many reads on one connection, or a long job that commits as it
        goes. It commits nothing by itself."""
        async with self.engine.connect() as connection:
            yield connection

    async def bulk_insert(self, connection: AsyncConnection, table: Table, rows: list[tuple]) -> None:
        """Rows (in the table's column order) into `table` on the driver itself, with no work
        per row in SQLAlchemy: asyncpg's COPY, SQLite's executemany."""
        driver = (await connection.get_raw_connection()).driver_connection
        if self.is_sqlite:
            await driver.executemany(f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(table.columns))})", rows)
        else:
            columns = [column.name for column in table.columns]
            await driver.copy_records_to_table(table.name, records=rows, columns=columns)

    async def close(self) -> None:
        if self.sqlite is not None:
            await self.sqlite.close()
        await self.engine.dispose()


class SQLiteConnections:
    """SQLite connections in autocommit mode, where each statement is its own transaction,
    opened on first use: a reader and a writer on the event loop's own thread, and a reader
    and a writer each on a thread of its own behind them.

    Reads and writes run on the loop: in WAL mode a reader never waits for a writer, and an
    indexed read, or a write of a few rows (committed without a sync, synchronous=NORMAL),
    takes less time than the hop to a thread and back (what the hop cost: issue 31). So that
    they can never wait on the loop, their busy timeout is 0: when SQLite answers busy
    (another process writing, or holding the database exclusively; recovering after a crash),
    the work goes to the thread's reader or writer, which waits like any other. The loop's
    writer leaves checkpoints, which sync the file, to the thread's writer: one every
    CHECKPOINT_EVERY writes, about SQLite's own 1,000 pages.

    A second reader on the loop maps the file into memory (mmap_size), for reads that visit
    dozens of rows scattered over the catalog: its pages are then not copied in by a system
    call each. It serves those reads alone: a mapped reader checks its mapping again after
    every write elsewhere, which slows the writing pages when every read goes through it
    (both measured: bench/results.md, "The catalog, three runs of 2026-12-04 evening")."""

    def __init__(self, path: str, pragmas: tuple[str, ...]) -> None:
        self.path = path
        self.pragmas = pragmas
        self.loop_readers: dict[bool, sqlite3.Connection] = {}
        self.thread_reader = ThreadConnection(path, (*pragmas, "PRAGMA query_only=ON"))
        self.thread_writer = ThreadConnection(path, pragmas)
        self.loop_writer: sqlite3.Connection | None = None
        self.writes_since_checkpoint = 0

    async def read(self, sql: str, parameters: list, mapped: bool) -> list[tuple]:
        try:
            return self.reader_on_loop(mapped).execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
        return await self.thread_reader.run(lambda connection: connection.execute(sql, parameters).fetchall())

    async def write(self, statements: list[tuple[str, list]], found: list) -> None:
        """The statements (as one transaction when there are several), each one's first row onto
        `found`. Busy on the loop, they have changed nothing yet (the transaction's first
        statement takes the write lock), and go to the thread's writer in one hop."""
        try:
            sqlite_steps(self.writer_on_loop(), statements, found)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or found:
                raise
            await self.thread_writer.run(functools.partial(sqlite_steps, statements=statements, found=found))
        self.writes_since_checkpoint += 1
        if self.writes_since_checkpoint >= CHECKPOINT_EVERY:
            self.writes_since_checkpoint = 0
            # The write is committed whatever becomes of this; one that fails is tried again after
            # the next CHECKPOINT_EVERY writes, as SQLite's own would be after its next commit.
            with suppress(sqlite3.Error):
                await self.thread_writer.run(lambda connection: connection.execute("PRAGMA wal_checkpoint(PASSIVE)"))

    def writer_on_loop(self) -> sqlite3.Connection:
        if self.loop_writer is None:
            # Not the journal mode's pragma, which would wait for a lock: the file is in WAL mode already.
            writer = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            for pragma in ("PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL", "PRAGMA wal_autocheckpoint=0"):
                writer.execute(pragma)
            self.loop_writer = writer
        return self.loop_writer

    def reader_on_loop(self, mapped: bool) -> sqlite3.Connection:
        if mapped not in self.loop_readers:
            # The file is in WAL mode already (the engine's connections set it on connect).
            reader = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            reader.execute("PRAGMA query_only=ON")
            if mapped:
                reader.execute(f"PRAGMA mmap_size={MAPPED_READER_BYTES}")
            self.loop_readers[mapped] = reader
        return self.loop_readers[mapped]

    async def threads(self) -> tuple["ThreadConnection", "ThreadConnection"]:
        """The reader and the writer on threads of their own."""
        return self.thread_reader, self.thread_writer

    async def close(self) -> None:
        for connection in (*self.loop_readers.values(), self.loop_writer):
            if connection is not None:
                connection.close()
        self.loop_readers, self.loop_writer = {}, None
        for connection in (self.thread_reader, self.thread_writer):
            await connection.close()


Result = TypeVar("Result")


class ThreadConnection:
    """A SQLite connection living on a thread of its own, opened there on first use: each
    `run(work)` is one hop to that thread and back, however many statements the work makes
    (a transaction's BEGIN, statements and COMMIT), where aiosqlite hops once a statement."""

    def __init__(self, path: str, pragmas: tuple[str, ...]) -> None:
        self.path = path
        self.pragmas = pragmas
        self.connection: sqlite3.Connection | None = None
        self.thread: ThreadPoolExecutor | None = None

    async def run(self, work: Callable[..., Result]) -> Result:
        if self.thread is None:
            self.thread = ThreadPoolExecutor(1, thread_name_prefix="flicklist-sqlite")
        return await asyncio.get_running_loop().run_in_executor(self.thread, self.on_thread, work)

    def on_thread(self, work: Callable[..., Result]) -> Result:
        if self.connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None)
            for pragma in self.pragmas:
                connection.execute(pragma)
            self.connection = connection
        return work(self.connection)

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """Every statement the connection runs, to `callback` (the tests count them)."""
        await self.run(lambda connection: connection.set_trace_callback(callback))

    async def close(self) -> None:
        if self.thread is None:
            return
        if self.connection is not None:
            await self.run(lambda connection: connection.close())
            self.connection = None
        self.thread.shutdown(wait=False)
        self.thread = None
