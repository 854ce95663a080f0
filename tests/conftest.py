"""Fixtures: a fresh app and database for each test, a visitor who browses it over HTTP, and a
logged-in user. FLICKLIST_TEST_DATABASE_URL=postgresql+asyncpg://… runs the suite on PostgreSQL."""

import shutil
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from browser_support import LiveServer
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select, text
from support import DATA, POSTGRES_SERVER_URL, POSTGRES_URL, WORKER, Visitor, fresh_postgres_database, make_settings

from flicklist.app import create_app
from flicklist.catalog.load import load_catalog
from flicklist.db import make_engine
from flicklist.migrations import upgrade
from flicklist.settings import Settings
from flicklist.tables import Base, films


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """Migrations run once a session; each test then starts from a copy (SQLite) or emptied tables (PostgreSQL)."""
    if POSTGRES_URL:
        if WORKER:
            fresh_postgres_database(POSTGRES_SERVER_URL, "flicklist_test")
        upgrade(POSTGRES_URL)
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "flicklist.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


@pytest.fixture
async def database_url(migrated_template, tmp_path) -> str:
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()
        return POSTGRES_URL
    path = tmp_path / "flicklist.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def empty_database_url(tmp_path) -> str:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    return fresh_postgres_database(POSTGRES_URL, "flicklist_empty")


@pytest.fixture
def settings(database_url) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def app(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def make_settings_app(database_url) -> AsyncIterator:
    """Another app on this test's database, started, with settings of the test's choosing
    (make_settings' names: `signups_per_hour="0"`)."""
    stack = AsyncExitStack()

    async def make(**environment: str):
        app = create_app(make_settings(database_url, **environment))
        await stack.enter_async_context(app.router.lifespan_context(app))
        return app

    async with stack:
        yield make


@pytest.fixture
def two_servers(empty_database_url):
    """Two app processes sharing one database and one signing key, like workers behind a balancer."""
    upgrade(empty_database_url)
    env = {"FLICKLIST_SECRET_KEY": "shared-between-workers-long-enough-to-sign"}
    servers = [LiveServer(empty_database_url, extra_env=env) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
async def make_visitor(app) -> AsyncIterator:
    clients = []

    async def make(address: str = "127.0.0.1") -> Visitor:
        client = AsyncClient(transport=ASGITransport(app=app, client=(address, 50000)), base_url="http://testserver")
        clients.append(client)
        return Visitor(client)

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def visitor(make_visitor) -> Visitor:
    return await make_visitor()


@pytest.fixture
async def user(make_visitor) -> Visitor:
    """A visitor who has registered as ann@example.com and is logged in."""
    ann = await make_visitor()
    response = await ann.register("ann@example.com")
    assert response.headers["location"] == "/"
    await ann.get("/")
    return ann


@pytest.fixture
async def catalog(app) -> dict[str, int]:
    """The small IMDb-format files in tests/data loaded into the test's app: IMDb id -> catalog
    id of every film loaded."""
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    async with app.state.db.engine.connect() as connection:
        rows = await connection.execute(select(films.c.imdb_id, films.c.id))
        return dict(rows.all())


class Clock:
    """The app's clock, stopped: it moves only when the test says (`tick`)."""

    def __init__(self, monkeypatch) -> None:
        self.now = float(int(time.time()))
        monkeypatch.setattr(time, "time", lambda: self.now)

    def tick(self, seconds: float = 1) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)
