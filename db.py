"""The database object: one per app, on `app.state.db`, owning the engine and the connections
every query goes through. The tables are in `tables.py`, the migrations in `migrations/`."""

import asyncio
import functools
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import asyncpg
from sqlalchemy import Executable, event
from sqlalchemy.engine import URL, Compiled, make_url
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, DisconnectionError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from .settings import make_private_dir

Row = TypeVar("Row")

MAPPED_READER_BYTES = 1 << 30
SQLITE_PRAGMAS = (
    # WAL lets readers run beside a writer; the busy timeout makes writers from several workers
    # queue instead of failing with "database is locked"; SQLite needs foreign keys switched
    # on per connection for ON DELETE CASCADE to work.
    "PRAGMA busy_timeout=10000",
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


def driver_error(sql: str, parameters: list, error: Exception) -> DBAPIError:
    """A driver's error on the direct paths as SQLAlchemy's, so callers catch one kind whichever way a query went."""
    if isinstance(error, sqlite3.IntegrityError | asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(sql, parameters, error)
    if isinstance(error, sqlite3.DataError | asyncpg.DataError):
        return DataError(sql, parameters, error)
    return DBAPIError(sql, parameters, error)


DRIVER_ERRORS = (sqlite3.Error, asyncpg.PostgresError)
# What a query meets on a connection the server has just ended (asyncpg's InternalClientError:
# the closing message arrived in the middle of its protocol's exchange).
CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InternalClientError,
    ConnectionError,
)


def make_engine(url: URL | str) -> AsyncEngine:
    """A SQLAlchemy engine tuned for FlickList: SQLite's pragmas on every connection; on
    PostgreSQL a pool whose closed connections are replaced when next checked out."""
    url = supported_url(str(url)) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        create_private_file(Path(url.database))
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", tune_sqlite)
        return engine
    engine = create_async_engine(url, pool_size=10, max_overflow=10)
    event.listen(engine.sync_engine, "checkout", replace_closed_connection)
    return engine


def create_private_file(path: Path) -> None:
    """The SQLite file, made empty and readable by its owner only (0600) in a 0700 folder
    before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode."""
    make_private_dir(path.parent)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def tune_sqlite(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def replace_closed_connection(dbapi_connection, _record, _proxy) -> None:
    """Instead of pool_pre_ping's round trip on every checkout (its cost: README, "Where the
    time went"). A server that restarts or ends a session closes its sockets, which asyncpg has
    seen by the next checkout: the pool then swaps in a new connection (up to three tries)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError()


class Database:
    """FlickList's database. Three ways in, one per kind of work:

    - `await db.fetch_all(statement, **values)` reads: every row of one SELECT, in one round
      trip, as the driver's own rows (tuples on SQLite, records on asyncpg; on SQLite a
      boolean is 0 or 1). `fetch_all_mapped` is the same for the catalog's search.
    - `await db.write_returning(statement, Row, **values)` writes one row: a single INSERT,
      UPDATE or DELETE ... RETURNING, committed on its own; its first row made into `Row`, or
      None when it touched nothing. A broken constraint raises IntegrityError.
    - `async with db.transaction() as connection:` writes that must commit together, on a
      SQLAlchemy connection.

    Statements for the first two are built once, at module level, with bindparam() for what
    varies (`values` fills them in), and each is compiled once per Database. They run on the
    driver itself, outside SQLAlchemy's execution: SQLite on connections of the Database's
    own (`SQLiteConnections`), PostgreSQL on the pool's asyncpg connection with no BEGIN or
    COMMIT. Why: README, "Where the time went".

    SQLite takes one writer at a time, and a writer waiting on SQLite's busy handler sleeps
    in steps of up to 100 ms; so writers within one process queue on `write_lock` instead,
    and the busy timeout settles the rarer contention between processes."""

    def __init__(self, url: str) -> None:
        self.url = supported_url(url)
        self.engine = make_engine(self.url)
        is_sqlite = self.url.get_backend_name() == "sqlite"
        self.write_lock = asyncio.Lock() if is_sqlite else None
        self.sqlite = SQLiteConnections(self.url.database) if is_sqlite else None
        # Bounded, so a statement built per call by mistake costs compiling, never memory.
        self.compiled = functools.lru_cache(maxsize=512)(self.compile)

    def compile(self, statement: Executable) -> Compiled:
        return statement.compile(dialect=self.engine.dialect)

    def sql_and_values(self, statement: Executable, values: dict[str, Any]) -> tuple[str, list]:
        compiled = self.compiled(statement)
        parameters = compiled.construct_params(values)
        return compiled.string, [parameters[name] for name in compiled.positiontup]

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
        the query met the closing socket). A read is safe to repeat; a write is not retried."""
        try:
            return await self.postgresql_fetch(sql, parameters)
        except CONNECTION_LOST:
            return await self.postgresql_fetch(sql, parameters)

    async def postgresql_fetch(self, sql: str, parameters: list) -> Sequence[Sequence[Any]]:
        async with self.engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            try:
                return await driver.fetch(sql, *parameters)
            except CONNECTION_LOST:
                await connection.invalidate()  # not back into the pool
                raise

    async def write_returning(self, statement: Executable, row: Callable[..., Row], **values: Any) -> Row | None:
        sql, parameters = self.sql_and_values(statement, values)
        try:
            if self.sqlite is not None:
                writer = await self.sqlite.writer()
                async with self.write_lock:
                    rows = await writer.execute_fetchall(sql, parameters)
                found = rows[0] if rows else None
            else:
                async with self.engine.connect() as connection:
                    driver = (await connection.get_raw_connection()).driver_connection
                    found = await driver.fetchrow(sql, *parameters)  # outside a transaction block: autocommit
        except DRIVER_ERRORS as error:
            raise driver_error(sql, parameters, error) from error
        return None if found is None else row(*found)

    async def write_together(self, *steps: tuple[Executable, dict[str, Any]]) -> list[Sequence[Any] | None]:
        """Several writes as one transaction, on the same direct paths as write_returning: all
        commit or none does. Each step is (statement, values); the answer is each step's first
        RETURNING row (None where it returned none)."""
        found: list[Sequence[Any] | None] = []
        sql, parameters = "BEGIN", []
        try:
            if self.sqlite is not None:
                writer = await self.sqlite.writer()
                async with self.write_lock, self.sqlite.transaction(writer):
                    for statement, values in steps:
                        sql, parameters = self.sql_and_values(statement, values)
                        rows = await writer.execute_fetchall(sql, parameters)
                        found.append(rows[0] if rows else None)
                return found
            async with self.engine.connect() as connection:
                driver = (await connection.get_raw_connection()).driver_connection
                async with driver.transaction():
                    for statement, values in steps:
                        sql, parameters = self.sql_and_values(statement, values)
                        found.append(await driver.fetchrow(sql, *parameters))
                return found
        except DRIVER_ERRORS as error:
            raise driver_error(sql, parameters, error) from error

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        if self.write_lock is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self.write_lock, self.engine.begin() as connection:
            yield connection

    async def close(self) -> None:
        if self.sqlite is not None:
            await self.sqlite.close()
        await self.engine.dispose()


class SQLiteConnections:
    """SQLite connections in autocommit mode, where each statement is its own transaction,
    opened on first use: a reader on the event loop's own thread, a reader on aiosqlite's
    thread behind it, and a writer on aiosqlite's thread.

    Reads run on the loop: in WAL mode a reader never waits for a writer, and an indexed read
    takes less time than the hop to a thread and back. So that it can never wait on the loop,
    that reader's busy timeout is 0: when SQLite answers busy (recovering after a crash,
    another process holding the database exclusively), the read goes to the thread's reader,
    which waits like any other.

    A second reader on the loop maps the file into memory (mmap_size), for reads that visit
    dozens of rows scattered over the catalog: its pages are then not copied in by a system
    call each (a sixth of a search's time). It serves those reads alone: a mapped reader
    checks its mapping again after every write elsewhere, which cost the HTMX add and cross
    off 5% of their requests/s when every read went through it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.loop_readers: dict[bool, sqlite3.Connection] = {}
        self.thread_reader: aiosqlite.Connection | None = None
        self.thread_writer: aiosqlite.Connection | None = None
        self.opening = asyncio.Lock()

    async def read(self, sql: str, parameters: list, mapped: bool) -> list[tuple]:
        try:
            return self.reader_on_loop(mapped).execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
        reader, _ = await self.threads()
        return list(await reader.execute_fetchall(sql, parameters))

    async def writer(self) -> aiosqlite.Connection:
        _, writer = await self.threads()
        return writer

    @staticmethod
    @asynccontextmanager
    async def transaction(writer: aiosqlite.Connection) -> AsyncIterator[None]:
        """A transaction on the (autocommit) writer: committed if the block finishes, else rolled back."""
        await writer.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await writer.execute("ROLLBACK")
            raise
        await writer.execute("COMMIT")

    def reader_on_loop(self, mapped: bool) -> sqlite3.Connection:
        if mapped not in self.loop_readers:
            # The file is in WAL mode already (the engine's connections set it on connect).
            reader = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            reader.execute("PRAGMA query_only=ON")
            if mapped:
                reader.execute(f"PRAGMA mmap_size={MAPPED_READER_BYTES}")
            self.loop_readers[mapped] = reader
        return self.loop_readers[mapped]

    async def threads(self) -> tuple[aiosqlite.Connection, aiosqlite.Connection]:
        """The reader and the writer on aiosqlite's threads."""
        if self.thread_reader is None or self.thread_writer is None:
            async with self.opening:
                if self.thread_reader is None or self.thread_writer is None:
                    self.thread_reader = await self.connect("PRAGMA query_only=ON")
                    self.thread_writer = await self.connect()
        return self.thread_reader, self.thread_writer

    async def connect(self, *pragmas: str) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        for pragma in (*SQLITE_PRAGMAS, *pragmas):
            await connection.execute(pragma)
        return connection

    async def close(self) -> None:
        for reader in self.loop_readers.values():
            reader.close()
        for connection in (self.thread_reader, self.thread_writer):
            if connection is not None:
                await connection.close()
        self.loop_readers = {}
        self.thread_reader = self.thread_writer = None
