"""Faults of the database and of the code, met for real: a full disk, a database busy past its
timeout, PostgreSQL ending its connections, a row the page cannot draw. A fault of the moment
is a 503 that says the change was not saved; any other error is a 500 that closes its connection."""

import asyncio
import errno
import logging
import shutil
import socket
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from browser_support import LiveServer
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select, text
from support import POSTGRES_URL, Visitor, flashes, fresh_postgres_database, make_settings, text_of

from flicklist.app import create_app
from flicklist.db import Database, make_engine
from flicklist.migrations import upgrade
from flicklist.tables import movies

NOT_SAVED = "The database is not available right now; your change was not saved. Try again in a moment."
sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="a fault of SQLite's file")


@pytest.fixture
def fault_log(caplog) -> pytest.LogCaptureFixture:
    """What the app logs at WARNING or above while the test runs (`fault_log.records`)."""
    caplog.set_level(logging.WARNING)
    return caplog


async def browser_of(app) -> Visitor:
    """A visitor registered and logged in, who sees a 500 as a browser does, as a response."""
    transport = ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 50000))
    visitor = Visitor(AsyncClient(transport=transport, base_url="http://testserver"))
    assert (await visitor.register("ann@example.com")).headers["location"] == "/"
    await visitor.get("/")
    return visitor


def assert_not_saved_page(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert 5 <= int(response.headers["retry-after"]) <= 30
    assert NOT_SAVED in text_of(response.text) and 'class="site-header"' in response.text
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()


def assert_logged_once_in_a_line(records: list[logging.LogRecord], faults: int) -> None:
    # The hourly tidy-up's first round runs beside the test, and may meet the fault too.
    lines = [
        record for record in records if record.levelno >= logging.WARNING and record.name != "flicklist.housekeeping"
    ]
    assert len(lines) == faults, [record.getMessage() for record in lines]
    assert all(record.exc_info is None and "\n" not in record.getMessage() for record in lines), "no traceback"


def titles_stored(path: str) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {title for (title,) in connection.execute("SELECT title FROM movies")}


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """An 8 MB file system of its own (CI runs as root, so it can mount one)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path) -> Path:
    """Write to `disk` until the file system refuses another byte."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as stream:
        try:
            while True:
                stream.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


@sqlite_only
async def test_an_add_on_a_full_disk_is_a_503_saying_it_was_not_saved_and_nothing_is_half_written(
    small_disk, migrated_template, fault_log
):
    path = small_disk / "flicklist.sqlite3"
    shutil.copy(migrated_template, path)
    app = create_app(make_settings(f"sqlite+aiosqlite:///{path}"))
    async with app.router.lifespan_context(app):
        ann = await browser_of(app)
        filler = fill(small_disk)
        added = []
        for number in range(200):  # what the database's files had spare fills up first
            response = await ann.add(f"Film {number}")
            if response.status_code != 303:
                break
            added.append(f"Film {number}")
        assert_not_saved_page(response)
        banner = await ann.add("Heat", htmx=True)
        assert banner.status_code == 503 and flashes(banner.text) == [NOT_SAVED]
        assert banner.headers["hx-reswap"] == "none"
        assert_logged_once_in_a_line(fault_log.records, faults=2)

        filler.unlink()
        assert titles_stored(str(path)) == set(added), f"'Film {number}' and Heat were not stored"
        assert (await ann.add("Heat")).status_code == 303, "room again: the add goes through"
        await ann.client.aclose()


@sqlite_only
async def test_an_add_while_another_process_holds_the_write_lock_past_the_busy_timeout_is_a_503(
    database_url, fault_log
):
    app = create_app(make_settings(database_url))
    path = database_url.removeprefix("sqlite+aiosqlite:///")
    # The app's own Database, waiting a quarter of a second for the lock rather than ten.
    app.state.db = Database(database_url, busy_timeout_ms=250)
    async with app.router.lifespan_context(app):
        ann = await browser_of(app)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            response = await ann.add("Heat")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert_not_saved_page(response)
        assert "Heat" not in titles_stored(path)
        assert_logged_once_in_a_line(fault_log.records, faults=1)
        assert (await ann.add("Heat")).status_code == 303, "the lock released, the add goes through"
        await ann.client.aclose()
        await app.state.db.close()


postgresql_only = pytest.mark.skipif(not POSTGRES_URL, reason="a server that ends connections: PostgreSQL only")


@pytest.fixture
async def postgresql_admin():
    """A connection of the test's own to the app's database, to end the app's connections from."""
    engine = make_engine(POSTGRES_URL)
    async with engine.connect() as admin:
        await admin.execution_options(isolation_level="AUTOCOMMIT")  # pg_stat_activity afresh each time
        yield admin
    await engine.dispose()


async def end_the_apps_connections(admin) -> None:
    others = "datname = current_database() AND pid <> pg_backend_pid()"
    ended = await admin.scalar(text(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}"))
    assert ended >= 1


@postgresql_only
async def test_every_add_goes_through_while_postgresql_ends_the_apps_connections_again_and_again(app, postgresql_admin):
    ann = await browser_of(app)
    await ann.get("/watched")  # both lists read, so the pool holds connections to end
    answers: dict[str, int] = {}
    for number in range(60):
        if number % 3 == 0:
            await end_the_apps_connections(postgresql_admin)
        answers[f"Film {number}"] = (await ann.add(f"Film {number}", htmx=True)).status_code
    stored = set((await postgresql_admin.scalars(select(movies.c.title))).all())
    await ann.client.aclose()

    # Each write met a connection the server had ended while it lay in the pool, so the write
    # had never left: sent again on a new connection, it goes through.
    assert set(answers.values()) == {200}, answers
    assert stored == set(answers)


@postgresql_only
async def test_when_the_database_is_gone_pages_and_adds_are_503_and_each_is_logged_in_one_line(
    postgresql_admin, fault_log
):
    database_url = await asyncio.to_thread(fresh_postgres_database, POSTGRES_URL, "flicklist_gone")
    await asyncio.to_thread(upgrade, database_url)
    app = create_app(make_settings(database_url))
    async with app.router.lifespan_context(app):
        ann = await browser_of(app)
        gone = database_url.rsplit("/", 1)[1]
        await postgresql_admin.execute(text(f"DROP DATABASE {gone} WITH (FORCE)"))

        page = await ann.get("/")
        assert page.status_code == 503 and "The database is not available right now." in text_of(page.text)
        assert_not_saved_page(await ann.add("Heat"))
        banner = await ann.add("Heat", htmx=True)
        assert banner.status_code == 503 and flashes(banner.text) == [NOT_SAVED]
        assert_logged_once_in_a_line(fault_log.records, faults=3)
        await ann.client.aclose()


@sqlite_only
@pytest.mark.live_server
async def test_a_500_closes_its_connection_and_the_next_connection_is_served(tmp_path):
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'flicklist.sqlite3'}"
    await asyncio.to_thread(upgrade, database_url)
    server = LiveServer(database_url)
    try:
        async with httpx.AsyncClient(base_url=server.url) as browser:
            ann = Visitor(browser)
            await ann.register("ann@example.com")
            await ann.get("/")
            await ann.post("/movies", {"title": "Heat"})
            movie_id = await ann.movie_id("Heat")
            assert (await ann.post(f"/movies/{movie_id}/watched", {})).status_code in (200, 303)
            cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        # A day the app never writes, as a faulty tool or a bad restore might leave.
        with sqlite3.connect(tmp_path / "flicklist.sqlite3") as connection:
            connection.execute("PRAGMA ignore_check_constraints=ON")
            connection.execute("UPDATE viewings SET watched_on = 'not a day'")

        host, port = "127.0.0.1", int(server.url.rsplit(":", 1)[1])
        with socket.create_connection((host, port), timeout=10) as keep_alive:
            keep_alive.sendall(f"GET /watched HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\r\n".encode())
            answer = b""
            while chunk := keep_alive.recv(65536):
                answer += chunk
        head = answer.split(b"\r\n\r\n", 1)[0].decode().lower().split("\r\n")
        assert head[0] == "http/1.1 500 internal server error"
        assert "connection: close" in head, "the browser is told before the server closes it"
        assert (await asyncio.to_thread(httpx.get, f"{server.url}/healthz")).status_code == 200
    finally:
        server.stop()
