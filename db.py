"""Database: the tables FlickList keeps, the async engine, and schema migrations."""

import asyncio
import sqlite3
import time
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import asyncpg
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Dialect,
    Executable,
    ForeignKey,
    Index,
    Integer,
    Select,
    SmallInteger,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Compiled, Engine, make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def now() -> int:
    """Times are stored as Unix seconds: one integer type compares the same on SQLite and PostgreSQL."""
    return int(time.time())


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)


class LoginSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_seen_at: Mapped[int] = mapped_column(BigInteger)


class Movie(Base):
    __tablename__ = "movies"
    __table_args__ = (
        UniqueConstraint("user_id", "title_key", name="uq_movies_user_title"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_movies_rating"),
        Index("ix_movies_user_watched", "user_id", "watched", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    # casefold()ed title: the unique constraint refuses "heat" beside "Heat" on one list.
    title_key: Mapped[str] = mapped_column(String(200))
    watched: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    added_at: Mapped[int] = mapped_column(BigInteger, default=now)
    watched_at: Mapped[int | None] = mapped_column(BigInteger)


class LoginThrottle(Base):
    """Failed logins counted per key (an account, a client address, or the pair), kept in the
    database so every worker process sees the same count."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[int] = mapped_column(BigInteger)


users = User.__table__
login_sessions = LoginSession.__table__
movies = Movie.__table__
login_throttle = LoginThrottle.__table__


def make_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        on_asyncpg = url.get_driver_name() == "asyncpg"
        engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=not on_asyncpg)
        if on_asyncpg:
            event.listen(engine.sync_engine, "checkout", replace_closed_connection)
        return engine
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    event.listen(engine.sync_engine, "connect", tune_sqlite)
    sqlite_write_locks[engine.sync_engine] = asyncio.Lock()
    if url.database and url.database != ":memory:":
        direct_connections[engine.sync_engine] = DirectConnections(url.database)
    return engine


async def dispose(engine: AsyncEngine) -> None:
    """Close the engine's pool and, on SQLite, its direct connections."""
    direct = direct_connections.get(engine.sync_engine)
    if direct is not None:
        await direct.close()
    await engine.dispose()


def replace_closed_connection(dbapi_connection, _record, _proxy) -> None:
    """pool_pre_ping's round trip, made on every checkout, cost GET / 15% of its requests/s
    on PostgreSQL. A server that restarts or ends a session closes its sockets, which asyncpg
    has seen by the next checkout: the pool then swaps in a new connection (up to three tries)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError()


# One lock per SQLite engine: see write_transaction.
sqlite_write_locks: "weakref.WeakKeyDictionary[Engine, asyncio.Lock]" = weakref.WeakKeyDictionary()


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction that writes. SQLite takes one writer at a time and a waiting writer's busy
    handler sleeps up to 100 ms between retries, which showed as one-second p99s under load;
    writers within one process therefore queue on a lock instead, and the busy timeout is
    left to settle the rarer contention between processes. PostgreSQL needs no such queue."""
    lock = sqlite_write_locks.get(engine.sync_engine)
    if lock is None:
        async with engine.begin() as connection:
            yield connection
        return
    async with lock, engine.begin() as connection:
        yield connection


SQLITE_PRAGMAS = (
    # WAL lets readers run beside a writer; the busy timeout makes writers from several workers
    # queue instead of failing with "database is locked"; SQLite needs foreign keys switched
    # on per connection for ON DELETE CASCADE to work.
    "PRAGMA busy_timeout=10000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


def tune_sqlite(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


# The hot paths (the session lookup, the lists, one-row changes) run single statements,
# built and compiled by SQLAlchemy, executed by the driver itself. Through SQLAlchemy's
# aiosqlite adapter each statement costs five hops to the driver's thread (cursor, execute,
# fetch, close, rollback); with 16 requests in flight that measured 0.5-0.9 ms of CPU per
# query against 0.13 ms for aiosqlite's one-hop execute_fetchall. So on SQLite they go to
# connections of the process's own (below). On PostgreSQL they take a connection from the
# engine's pool and run on asyncpg outside a transaction: one round trip instead of BEGIN,
# the statement and COMMIT or ROLLBACK.

Row = TypeVar("Row")


class DirectConnections:
    """SQLite connections in autocommit mode, where each statement is its own transaction,
    opened on first use: a writer on aiosqlite's thread, and a reader on the event loop's own
    thread, with a reader on aiosqlite's thread behind it.

    Reads run on the loop: in WAL mode a reader never waits for a writer, and an indexed read
    of a list takes less time than the hop to a thread and back did (GET / went from 60% of
    the control's requests/s to 74%), and less than rendering the rows it reads, which runs on
    the loop anyway. So that it can never wait on the loop, that reader's busy timeout is 0:
    when SQLite answers busy (recovering after a crash, another process holding the database
    exclusively), the read goes to the thread's reader, which waits like any other."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.loop_reader: sqlite3.Connection | None = None
        self.reader: aiosqlite.Connection | None = None
        self.writer: aiosqlite.Connection | None = None
        self.opening = asyncio.Lock()

    async def read(self, sql: str, parameters: list) -> list[tuple]:
        """Every row of one SELECT."""
        try:
            return self.reader_on_loop().execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
        reader, _ = await self.connections()
        return list(await reader.execute_fetchall(sql, parameters))

    def reader_on_loop(self) -> sqlite3.Connection:
        if self.loop_reader is None:
            # The file is in WAL mode already (the engine's connections set it on connect).
            reader = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            reader.execute("PRAGMA query_only=ON")
            self.loop_reader = reader
        return self.loop_reader

    async def connections(self) -> tuple[aiosqlite.Connection, aiosqlite.Connection]:
        """The reader and the writer on aiosqlite's threads."""
        if self.reader is None or self.writer is None:
            async with self.opening:
                if self.reader is None or self.writer is None:
                    self.reader = await self.connect("PRAGMA query_only=ON")
                    self.writer = await self.connect()
        return self.reader, self.writer

    async def connect(self, *pragmas: str) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        for pragma in (*SQLITE_PRAGMAS, *pragmas):
            await connection.execute(pragma)
        return connection

    async def close(self) -> None:
        if self.loop_reader is not None:
            self.loop_reader.close()
        for connection in (self.reader, self.writer):
            if connection is not None:
                await connection.close()
        self.loop_reader = self.reader = self.writer = None


direct_connections: "weakref.WeakKeyDictionary[Engine, DirectConnections]" = weakref.WeakKeyDictionary()


# Compiled once per statement shape and reused with each statement's own values, as
# SQLAlchemy's statement cache does. The shapes are the code's own, so the cache stays small.
compiled_statements: dict[tuple[Dialect, Any], Compiled] = {}


def sql_and_parameters(engine: AsyncEngine, statement: Executable, parameters: dict[str, Any]) -> tuple[str, list]:
    key = statement._generate_cache_key()
    compiled = compiled_statements.get((engine.dialect, key.key))
    if compiled is None:
        compiled = statement.compile(dialect=engine.dialect, cache_key=key)
        compiled_statements[engine.dialect, key.key] = compiled
    values = compiled.construct_params(parameters, extracted_parameters=key.bindparams)
    return compiled.string, [values[name] for name in compiled.positiontup]


async def fetch_all(engine: AsyncEngine, statement: Select, **parameters) -> Sequence[Sequence[Any]]:
    """Every row of one SELECT, in one round trip, as the driver's own rows (tuples on SQLite,
    records on asyncpg): a hundred rows made into objects cost more than the query. A
    statement built once with bindparam()s and given `parameters` here skips SQLAlchemy's
    per-call work. Values are numbers, text or None (on SQLite a boolean is 0 or 1)."""
    direct = direct_connections.get(engine.sync_engine)
    if direct is not None:
        sql, values = sql_and_parameters(engine, statement, parameters)
        return await direct.read(sql, values)
    async with engine.connect() as connection:
        if engine.dialect.driver != "asyncpg":
            return (await connection.execute(statement, parameters)).all()
        driver = (await connection.get_raw_connection()).driver_connection
        sql, values = sql_and_parameters(engine, statement, parameters)
        return await driver.fetch(sql, *values)


async def write_returning(engine: AsyncEngine, statement: Executable, row: Callable[..., Row]) -> Row | None:
    """One INSERT, UPDATE or DELETE ... RETURNING, committed on its own: its first row made
    into `row`, or None when it touched nothing. A broken constraint raises IntegrityError."""
    direct = direct_connections.get(engine.sync_engine)
    if direct is None and engine.dialect.driver != "asyncpg":
        async with write_transaction(engine) as connection:
            values = (await connection.execute(statement)).first()
        return None if values is None else row(*values)
    sql, parameters = sql_and_parameters(engine, statement, {})
    if direct is not None:
        _, writer = await direct.connections()
        async with sqlite_write_locks[engine.sync_engine]:
            try:
                rows = await writer.execute_fetchall(sql, parameters)
            except sqlite3.IntegrityError as error:
                raise IntegrityError(sql, parameters, error) from error
        return row(*rows[0]) if rows else None
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        try:
            values = await driver.fetchrow(sql, *parameters)  # outside a transaction block: autocommit
        except asyncpg.IntegrityConstraintViolationError as error:
            raise IntegrityError(sql, parameters, error) from error
    return None if values is None else row(*values)


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


def upgrade(database_url: str) -> None:
    """Apply every pending migration (synchronous: Alembic's env.py runs its own event loop)."""
    command.upgrade(alembic_config(database_url), "head")
