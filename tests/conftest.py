"""Fixtures: a fresh app and database for each test, a visitor who browses it over HTTP, and a
logged-in user. FLICKLIST_TEST_DATABASE_URL=postgresql+asyncpg://… runs the suite on PostgreSQL."""

import os

# Before the app is imported: its password hasher is made once, at import (settings.password_hash_cost).
# Live servers and command-line processes inherit it from this environment.
os.environ["FLICKLIST_PASSWORD_HASH_COST"] = "test"

import shutil
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from browser_support import LiveServer
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from support import DATA, POSTGRES_SERVER_URL, POSTGRES_URL, Visitor, fresh_postgres_database, make_settings

from flicklist.app import create_app
from flicklist.catalog.load import load_catalog
from flicklist.db import make_engine
from flicklist.migrations import upgrade
from flicklist.security import passwords
from flicklist.settings import Settings
from flicklist.tables import Base, films

BROWSER_TESTS = Path(__file__).parent / "browser"
LIVE_SERVER_FIXTURES = {"live_server", "two_servers"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`make test-fast` leaves out what runs in other processes (pyproject.toml's markers): the
    browser tests, and tests on a live server fixture; modules and tests that start a server
    themselves carry the mark in their own file."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)
        if LIVE_SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.live_server)
    longest_modules_first(config, items)


# The most seconds each module took in a run here (pytest's cache, .pytest_cache/; the most, as
# a run of one test says little of its module): the order of the next run. A module not run here
# yet is guessed from its marks.
MODULE_SECONDS = "flicklist/module_seconds"
GUESSED_SECONDS = {"browser": 5.0, "live_server": 5.0, "slow": 5.0}
seconds_this_run: Counter[str] = Counter()


def longest_modules_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Modules longest first, the order `make test` (--dist loadscope --no-loadscope-reorder)
    hands them to its workers; each module's tests keep their order. A long module left for last
    keeps one worker busy while the other has nothing left to do."""
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    most = cache.get(MODULE_SECONDS, {}) if cache else {}
    guessed: Counter[str] = Counter()
    for item in items:
        marks = [seconds for mark, seconds in GUESSED_SECONDS.items() if item.get_closest_marker(mark)]
        guessed[item.nodeid.split("::")[0]] += max(marks, default=0.3)
    seconds = {module: most.get(module, guess) for module, guess in guessed.items()}
    items.sort(key=lambda item: -seconds[item.nodeid.split("::")[0]])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    seconds_this_run[report.nodeid.split("::")[0]] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keeps what each module took (in the main process: xdist's workers report to it)."""
    if getattr(session.config, "cache", None) is None or hasattr(session.config, "workerinput") or not seconds_this_run:
        return
    most = session.config.cache.get(MODULE_SECONDS, {})
    for module, seconds in seconds_this_run.items():
        most[module] = max(most.get(module, 0), round(seconds, 1))
    session.config.cache.set(MODULE_SECONDS, most)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """Migrations run once a session; each test then starts from a copy (SQLite) or emptied tables (PostgreSQL)."""
    if POSTGRES_URL:
        upgrade(fresh_postgres_database(POSTGRES_SERVER_URL, "flicklist_test"))
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "flicklist.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


# Every table emptied, children first, and every sequence back at 1: as TRUNCATE … RESTART
# IDENTITY would, in an eighth of its time on tables of a few rows (TRUNCATE makes new files
# for each of two dozen tables: 180 ms a test, most of the PostgreSQL pass's fixtures).
EMPTY_EVERY_TABLE = "; ".join(
    [
        *(f"DELETE FROM {table.name}" for table in reversed(Base.metadata.sorted_tables)),
        "SELECT setval(sequence.oid, 1, false) FROM pg_class sequence WHERE sequence.relkind = 'S'",
    ]
)


@pytest.fixture
async def database_url(migrated_template, tmp_path) -> str:
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        async with engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            await driver.execute(EMPTY_EVERY_TABLE)  # one round trip: statements without parameters
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
    return fresh_postgres_database(POSTGRES_SERVER_URL, "flicklist_empty")


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
async def visitor_of() -> AsyncIterator:
    """make(app, address): a visitor browsing `app` (one made with other settings: make_settings_app)."""
    clients = []

    async def make(app, address: str = "127.0.0.1") -> Visitor:
        client = AsyncClient(transport=ASGITransport(app=app, client=(address, 50000)), base_url="http://testserver")
        clients.append(client)
        return Visitor(client)

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def make_visitor(app, visitor_of):
    """make(address): a visitor browsing the test's `app`."""

    async def make(address: str = "127.0.0.1") -> Visitor:
        return await visitor_of(app, address)

    return make


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


@pytest.fixture
def strong_password_hashing(monkeypatch) -> None:
    """The hasher a real instance has, for a test about its parameters (the suite hashes cheaply)."""
    monkeypatch.setattr(passwords, "password_hasher", passwords.make_password_hasher(""))


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
