"""Growing past one process: migrations, a fixed number of queries per page, several workers
sharing one database, and the `flicklist` command."""

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from browser_support import PROJECT_DIR, LiveServer
from conftest import POSTGRES_URL, make_settings
from sqlalchemy import event, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from support import PASSWORD, csrf_token_in, fresh_postgres_database

from app import SchemaOutOfDate, create_app
from db import Base, alembic_config, direct_connections, dispose, make_engine, movies, upgrade, users


@pytest.fixture
def empty_database_url(tmp_path) -> str:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    return fresh_postgres_database(POSTGRES_URL, "flicklist_migrations")


def run_sync(database_url: str, work):
    async def go():
        engine = make_engine(database_url)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_migrating_an_empty_database_gives_exactly_the_schema_the_models_describe(empty_database_url):
    upgrade(empty_database_url)
    differences = run_sync(
        empty_database_url,
        lambda connection: compare_metadata(MigrationContext.configure(connection), Base.metadata),
    )
    assert differences == []


def test_migrating_a_database_that_holds_data_loses_nothing(empty_database_url):
    command.upgrade(alembic_config(empty_database_url), "0001")

    def seed(connection):
        connection.execute(insert(users).values(id=1, email="ann@example.com", password_hash="x", created_at=1))
        connection.execute(
            insert(movies).values(user_id=1, title="Heat", title_key="heat", watched=True, rating=4, added_at=1)
        )

    run_sync(empty_database_url, seed)
    upgrade(empty_database_url)
    rows = run_sync(
        empty_database_url,
        lambda connection: connection.execute(
            select(users.c.email, movies.c.title, movies.c.watched, movies.c.rating).join(movies)
        ).all(),
    )
    assert [tuple(row) for row in rows] == [("ann@example.com", "Heat", True, 4)]


async def test_the_app_refuses_to_start_on_an_out_of_date_schema(empty_database_url):
    app = create_app(make_settings(empty_database_url))
    with pytest.raises(SchemaOutOfDate, match="Run `flicklist db upgrade`"):
        async with app.router.lifespan_context(app):
            pass


async def test_the_app_migrates_at_start_when_told_to(empty_database_url):
    app = create_app(replace(make_settings(empty_database_url), migrate_on_start=True))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/register")).status_code == 200


async def record_statements(engine: AsyncEngine, statements: list[str]) -> None:
    """Every statement the app sends, as its driver sees it: the hot paths run on the driver
    itself, out of sight of SQLAlchemy's events."""
    if engine.dialect.driver == "asyncpg":
        log = lambda query: statements.append(query.query)  # noqa: E731 (one object, added once per connection)
        event.listen(engine.sync_engine, "checkout", lambda dbapi, *_: dbapi.driver_connection.add_query_logger(log))
        return
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    direct = direct_connections[engine.sync_engine]
    direct.reader_on_loop().set_trace_callback(statements.append)
    for connection in await direct.connections():
        await connection.set_trace_callback(statements.append)


@pytest.mark.parametrize("page", ["/", "/watched"])
async def test_a_page_runs_the_same_two_queries_for_3_movies_or_60(user, app, page):
    statements: list[str] = []
    await record_statements(app.state.engine, statements)

    async def queries_for_page_with(count: int) -> int:
        async with app.state.engine.begin() as connection:
            await connection.execute(text("DELETE FROM movies"))
            user_id = (await connection.execute(select(users.c.id))).scalar_one()
            await connection.execute(
                insert(movies),
                [
                    {
                        "user_id": user_id,
                        "title": f"Movie {n}",
                        "title_key": f"movie {n}",
                        "watched": page != "/",
                        "added_at": n,
                    }
                    for n in range(count)
                ],
            )
        statements.clear()
        response = await user.get(page)
        assert response.text.count('class="movie"') == count
        return len(statements)

    few, many = await queries_for_page_with(3), await queries_for_page_with(60)
    assert few == many == 2, "one finds the session's user, one reads the list"


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's file locks")
async def test_while_another_process_holds_the_sqlite_file_a_page_waits_and_nothing_else_does(user, app, settings):
    await user.add("Heat")
    await dispose(app.state.engine)  # as just after a restart: no connection open yet
    holder = sqlite3.connect(settings.database_url.removeprefix("sqlite+aiosqlite:///"), isolation_level=None)
    holder.executescript("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM login_throttle;")

    page = asyncio.create_task(user.get("/"))
    started = time.monotonic()
    await asyncio.sleep(0.5)
    assert time.monotonic() - started < 1.5, "the event loop was held up"
    assert not page.done(), "the page waits for the file"
    assert (await user.client.get("/static/app.css")).status_code == 200, "the app answers meanwhile"
    holder.execute("COMMIT")
    holder.close()

    response = await page
    assert response.status_code == 200 and "Heat</span>" in response.text


@pytest.mark.skipif(not POSTGRES_URL, reason="a server that ends connections: PostgreSQL only")
async def test_the_app_carries_on_when_postgresql_ends_its_connections(user, app):
    await user.add("Heat")
    await user.get("/watched")  # both lists read, so the pool holds connections to end

    admin_engine = make_engine(POSTGRES_URL)
    async with admin_engine.connect() as admin:
        await admin.execution_options(isolation_level="AUTOCOMMIT")  # pg_stat_activity afresh each time
        others = "datname = current_database() AND pid <> pg_backend_pid()"
        terminate = f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}"
        ended = await admin.scalar(text(terminate))
        for _ in range(100):  # a restart, as the app sees it: its sockets closed by the server
            if not await admin.scalar(text(f"SELECT count(*) FROM pg_stat_activity WHERE {others}")):
                break
            await asyncio.sleep(0.05)
    await admin_engine.dispose()
    assert ended >= 1

    page = await user.get("/")
    assert page.status_code == 200 and "Heat</span>" in page.text
    assert (await user.add("Alien")).status_code == 303
    assert "Alien</span>" in (await user.get("/")).text


def cli(*args: str, database_url: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLICKLIST_DATABASE_URL": database_url, "FLICKLIST_SECRET_KEY": "cli-test"}
    if password is not None:
        env["FLICKLIST_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_command_line_migrates_and_manages_users(empty_database_url):
    url = empty_database_url
    assert cli("db", "current", database_url=url).returncode == 1
    assert "head" in cli("db", "upgrade", database_url=url).stdout
    assert cli("db", "current", database_url=url).returncode == 0

    created = cli("users", "create", "Ann@Example.com", database_url=url, password=PASSWORD)
    assert created.returncode == 0, created.stderr
    assert "ann@example.com" in cli("users", "list", database_url=url).stdout

    duplicate = cli("users", "create", "ann@example.com", database_url=url, password=PASSWORD)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    weak = cli("users", "create", "bob@example.com", database_url=url, password="short")
    assert weak.returncode == 1 and "at least 15 characters" in weak.stderr

    assert cli("users", "set-password", "ann@example.com", database_url=url, password="x" * 20).returncode == 0
    missing = cli("users", "delete", "nobody@example.com", database_url=url)
    assert missing.returncode == 1 and "No account" in missing.stderr
    assert cli("users", "delete", "ann@example.com", database_url=url).returncode == 0
    assert "ann@example.com" not in cli("users", "list", database_url=url).stdout


def test_the_command_line_says_when_the_database_is_not_migrated(empty_database_url):
    result = cli("users", "list", database_url=empty_database_url)
    assert result.returncode == 1
    assert "flicklist db upgrade" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args", [(), ("serve",), ("db",), ("db", "upgrade"), ("users",), ("users", "create"), ("users", "set-password")]
)
def test_every_command_has_help(args):
    result = subprocess.run(
        [sys.executable, "-m", "cli", *args, "--help"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "usage: flicklist" in result.stdout


@pytest.fixture
def two_servers(empty_database_url):
    """Two app processes sharing one database and one signing key, like workers behind a balancer."""
    upgrade(empty_database_url)
    env = {"FLICKLIST_SECRET_KEY": "shared-between-workers"}
    servers = [LiveServer(empty_database_url, extra_env=env) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


async def test_a_login_made_through_one_worker_is_honoured_by_another(two_servers):
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first.url) as browser:
        page = await browser.get("/register")
        token = csrf_token_in(page.text)
        fields = {"csrf_token": token, "email": "ann@example.com", "password": PASSWORD, "verify": PASSWORD}
        assert (await browser.post("/register", data=fields)).headers["location"] == "/"
        cookies = browser.cookies
    async with httpx.AsyncClient(base_url=second.url, cookies=cookies) as same_browser:
        page = await same_browser.get("/")
        assert page.status_code == 200 and "ann@example.com" in page.text
        token = csrf_token_in(page.text)
        added = await same_browser.post("/movies", data={"csrf_token": token, "title": "Heat"})
        assert added.headers["location"] == "/"
        assert "Added &#39;Heat&#39;" in (await same_browser.get("/")).text, "the flash crossed workers too"


async def test_concurrent_writers_on_several_workers_lose_nothing(two_servers):
    async def logged_in_client(server, email):
        client = httpx.AsyncClient(base_url=server.url, timeout=30)
        page = await client.get("/register")
        token = csrf_token_in(page.text)
        await client.post(
            "/register", data={"csrf_token": token, "email": email, "password": PASSWORD, "verify": PASSWORD}
        )
        page = await client.get("/")
        return client, csrf_token_in(page.text)

    clients = [await logged_in_client(server, f"user{n}@example.com") for n, server in enumerate(two_servers)]
    adds = [
        client.post("/movies", data={"csrf_token": token, "title": f"Movie {n}"}, headers={"HX-Request": "true"})
        for client, token in clients
        for n in range(30)
    ]
    responses = await asyncio.gather(*adds)
    assert [response.status_code for response in responses] == [200] * 60
    for client, _ in clients:
        assert (await client.get("/")).text.count('class="movie"') == 30
        await client.aclose()
