"""The database object: a fixed number of queries per page, reads that never hold up the event
loop, connections PostgreSQL ends, several workers writing to one database at once."""

import asyncio
import sqlite3

import httpx
import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import DBAPIError
from support import PASSWORD, POSTGRES_URL, csrf_token_in, flashes, waits_while_the_app_answers

from flicklist.db import Database, make_engine
from flicklist.lists.view import PAGE_SIZE
from flicklist.tables import movies, users


async def record_statements(db: Database, statements: list[str]) -> None:
    """Every statement the app sends, as its driver sees it: the hot paths run on the driver
    itself, out of sight of SQLAlchemy's events."""
    engine = db.engine
    if db.sqlite is None:
        log = lambda query: statements.append(query.query)  # noqa: E731 (one object, added once per connection)
        event.listen(engine.sync_engine, "checkout", lambda dbapi, *_: dbapi.driver_connection.add_query_logger(log))
        return
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for mapped in (False, True):
        db.sqlite.reader_on_loop(mapped).set_trace_callback(statements.append)
    for connection in await db.sqlite.threads():
        await connection.set_trace_callback(statements.append)


@pytest.mark.parametrize("page", ["/", "/watched"])
async def test_a_page_runs_the_same_queries_for_3_movies_or_60(user, app, page):
    statements: list[str] = []
    await record_statements(app.state.db, statements)

    async def queries_for_page_with(count: int) -> int:
        async with app.state.db.engine.begin() as connection:
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
        assert response.text.count('class="movie"') == min(count, PAGE_SIZE)
        return len(statements)

    few, many = await queries_for_page_with(3), await queries_for_page_with(60)
    # One finds the session's user, one reads the list, one asks what the people the user
    # follows made of its films; the watchlist also asks whether a catalog is loaded, until one is.
    assert few == many == (4 if page == "/" else 3)


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's file locks")
async def test_while_another_process_holds_the_sqlite_file_a_page_waits_and_nothing_else_does(user, app, settings):
    await user.add("Heat")
    await app.state.db.close()  # as just after a restart: no connection open yet
    holder = sqlite3.connect(settings.database_url.removeprefix("sqlite+aiosqlite:///"), isolation_level=None)
    holder.executescript("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM login_throttle;")

    response = await waits_while_the_app_answers(user, asyncio.create_task(user.get("/")), holder)
    assert response.status_code == 200 and ">Heat</a>" in response.text


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
    assert page.status_code == 200 and ">Heat</a>" in page.text
    assert (await user.add("Alien")).status_code == 303
    assert ">Alien</a>" in (await user.get("/")).text


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
        assert flashes((await same_browser.get("/")).text) == ["Added 'Heat' to your watchlist."], (
            "the flash crossed workers too"
        )


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


async def test_a_statement_built_once_is_compiled_once_however_many_pages_run_it(user, app):
    await user.get("/")
    before = app.state.db.compiled.cache_info()
    for _ in range(5):
        await user.get("/")
    after = app.state.db.compiled.cache_info()
    assert after.misses == before.misses, "no page compiled its statements again"
    assert after.hits == before.hits + 20, "four statements a page, each found compiled"


async def test_a_database_error_on_the_direct_paths_is_sqlalchemys_error(app):
    with pytest.raises(DBAPIError, match="no_such_table"):
        await app.state.db.fetch_all(select(text("*")).select_from(text("no_such_table")))
