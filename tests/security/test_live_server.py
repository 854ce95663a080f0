"""Properties that need a real server and real concurrency: login timing does not reveal
which emails have accounts, and racing sign-ups of one email make exactly one account."""

import asyncio
import statistics
import time
from contextlib import asynccontextmanager

import httpx
import pytest
from browser_support import LiveServer
from support import PASSWORD, csrf_token_in, live_database_url


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database_url = live_database_url(tmp_path_factory, "live")
    # Many sign-ups from one address here, on purpose: the sign-up limit is off for this server.
    env = {"FLICKLIST_MIGRATE_ON_START": "1", "FLICKLIST_SIGNUPS_PER_HOUR": "0"}
    server = LiveServer(database_url, extra_env=env)
    yield server
    server.stop()


@asynccontextmanager
async def fresh_client(server):
    """A new browser that has loaded the login page: its client and CSRF token."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        page = await client.get("/login")
        yield client, csrf_token_in(page.text)


async def register(server, email: str) -> int:
    async with fresh_client(server) as (client, token):
        response = await client.post(
            "/register", data={"csrf_token": token, "email": email, "password": PASSWORD, "verify": PASSWORD}
        )
        return response.status_code if response.status_code != 303 else int(response.headers["location"] == "/")


async def timed_login(server, email: str) -> tuple[float, int]:
    async with fresh_client(server) as (client, token):
        started = time.perf_counter()
        response = await client.post(
            "/login", data={"csrf_token": token, "email": email, "password": "not the password at all"}
        )
        return time.perf_counter() - started, response.status_code


async def test_unknown_email_and_wrong_password_take_about_the_same_time(server):
    accounts = [f"timing{n}@example.com" for n in range(8)]
    for email in accounts:
        await register(server, email)
    known, unknown = [], []
    for n, email in enumerate(accounts):  # interleaved, so machine noise hits both alike
        known.append(await timed_login(server, email))
        unknown.append(await timed_login(server, f"nobody{n}@example.com"))
    assert {status for _, status in known + unknown} == {303}
    known_median = statistics.median(seconds for seconds, _ in known)
    unknown_median = statistics.median(seconds for seconds, _ in unknown)
    # Without the dummy hash an unknown email answers ~10x faster; with it the medians agree.
    assert 0.5 < unknown_median / known_median < 2, (known_median, unknown_median)


async def test_racing_sign_ups_of_one_email_make_exactly_one_account(server):
    results = await asyncio.gather(*(register(server, "racer@example.com") for _ in range(8)))
    assert 500 not in results
    assert results.count(1) == 1, results


@pytest.mark.parametrize(("trusted", "https"), [("127.0.0.1", True), ("", False)])
async def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(server, trusted, https):
    proxied = LiveServer(server.database_url, extra_env={"FLICKLIST_TRUSTED_PROXIES": trusted})
    try:
        async with httpx.AsyncClient(base_url=proxied.url) as client:
            response = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    finally:
        proxied.stop()
    assert ("strict-transport-security" in response.headers) is https
    session_cookie = response.headers["set-cookie"]
    assert session_cookie.startswith("flicklist_session=")
    assert ("; secure" in session_cookie.lower()) is https, "the cookie is Secure whenever the page came over HTTPS"


async def test_serve_limits_header_size_idle_connections_and_concurrency(server):
    limited = LiveServer(
        server.database_url,
        extra_env={
            "FLICKLIST_KEEP_ALIVE_SECONDS": "1",
            "FLICKLIST_MAX_CONNECTIONS": "3",
            "FLICKLIST_MAX_HEADER_BYTES": "8192",
        },
    )
    try:
        host, port = limited.url.removeprefix("http://").split(":")
        async with httpx.AsyncClient(base_url=limited.url) as client:
            assert (await client.get("/healthz", headers={"X-Padding": "p" * 6000})).status_code == 200
            too_big = await client.get("/login", headers={"X-Padding": "p" * 9000})
            assert too_big.status_code == 431, "a request head past the limit is refused"
            assert "headers are too large" in too_big.text

        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nX-Endless: " + b"p" * 20000)  # a head that never ends
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 5)
        assert answer.startswith(b"HTTP/1.1 400"), "the server stops reading it and closes the connection"
        writer.close()

        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        await writer.drain()
        assert b"200 OK" in await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(2.5)
        assert await asyncio.wait_for(reader.read(), 5) in (b"", b"ok"), "the idle connection was closed"
        writer.close()

        idle = [await asyncio.open_connection(host, int(port)) for _ in range(3)]
        async with httpx.AsyncClient(base_url=limited.url) as client:
            assert (await client.get("/healthz")).status_code == 503, "past the connection limit: 503, not a pile-up"
        for _, idle_writer in idle:
            idle_writer.close()
    finally:
        limited.stop()
