"""Database: the tables FlickList keeps, the async engine, and schema migrations."""

import asyncio
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Engine, make_url
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
        return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    event.listen(engine.sync_engine, "connect", tune_sqlite)
    sqlite_write_locks[engine.sync_engine] = asyncio.Lock()
    return engine


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


def tune_sqlite(dbapi_connection, _connection_record) -> None:
    """WAL lets readers run beside a writer; the busy timeout makes writers from several
    workers queue instead of failing with "database is locked"; SQLite needs foreign keys
    switched on per connection for ON DELETE CASCADE to work."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
