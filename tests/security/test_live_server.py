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

pytestmark = pytest.mark.live_server


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


@pytest.fixture(scope="module")
def behind_a_proxy(server):
    """A server that trusts a proxy at 127.0.0.1, giving each connection 1 s for its head and
    holding at most 3 from one address (other than the proxy's)."""
    proxied = LiveServer(
        server.database_url,
        extra_env={
            "FLICKLIST_TRUSTED_PROXIES": "127.0.0.1",
            "FLICKLIST_HEAD_TIMEOUT_SECONDS": "1",
            "FLICKLIST_MAX_CONNECTIONS_PER_CLIENT": "3",
        },
    )
    yield proxied
    proxied.stop()


# `server` trusts no proxy (FLICKLIST_TRUSTED_PROXIES unset, as by default).
@pytest.mark.parametrize(("trusting", "https"), [("behind_a_proxy", True), ("server", False)])
async def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(request, trusting, https):
    async with httpx.AsyncClient(base_url=request.getfixturevalue(trusting).url) as client:
        response = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
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
        # Kept alive 1 s, not the default 5: closed well before 4 s.
        assert await asyncio.wait_for(reader.read(), 4) in (b"", b"ok"), "the idle connection was closed"
        writer.close()

        idle = [await asyncio.open_connection(host, int(port)) for _ in range(3)]
        async with httpx.AsyncClient(base_url=limited.url) as client:
            assert (await client.get("/healthz")).status_code == 503, "past the connection limit: 503, not a pile-up"
        for _, idle_writer in idle:
            idle_writer.close()
    finally:
        limited.stop()


SLOW_HEAD = b"GET / HTTP/1.1\r\n"  # and then nothing: the start of a request head that never ends


async def slow_client(host: str, port: int, source: str = "127.0.0.1"):
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    writer.write(SLOW_HEAD)
    await writer.drain()
    return reader, writer


async def answer_and_close(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the server says before it closes the connection (b"" for a reset), failing if it
    is still open after `within` seconds."""
    try:
        return await asyncio.wait_for(reader.read(), within)
    except ConnectionResetError:
        return b""


@pytest.fixture(scope="module")
def guarded(server):
    """A server holding at most 50 connections, 20 from one address, each given 1 s for its head."""
    guarded = LiveServer(
        server.database_url,
        extra_env={
            "FLICKLIST_MAX_CONNECTIONS": "50",
            "FLICKLIST_HEAD_TIMEOUT_SECONDS": "1",
            "FLICKLIST_MAX_CONNECTIONS_PER_CLIENT": "20",
            "FLICKLIST_KEEP_ALIVE_SECONDS": "30",
        },
    )
    yield guarded
    guarded.stop()


async def test_slow_request_heads_are_cut_off_and_hold_no_one_else_out(guarded):
    host, port = guarded.url.removeprefix("http://").split(":")
    started = time.monotonic()
    slow = [await slow_client(host, int(port)) for _ in range(60)]

    # Another address (Linux routes all of 127/8 on the loopback) is served meanwhile.
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=guarded.url, transport=transport) as client:
        response = await client.get("/login", timeout=5)
    assert response.status_code == 200
    assert time.monotonic() - started < 3

    answers = await asyncio.gather(*(answer_and_close(reader, 3) for reader, _ in slow))
    assert time.monotonic() - started < 4, "every slow connection was closed within about a second"
    timed_out = [answer for answer in answers if answer.startswith(b"HTTP/1.1 408")]
    refused = [answer for answer in answers if not answer.startswith(b"HTTP/1.1 408")]
    assert len(timed_out) == 20, "the first 20 from one address waited for their heads, then got 408"
    # Past 20 from one address: a 503 at once (or a reset, when the request line came in before the close).
    assert all(answer == b"" or answer.startswith(b"HTTP/1.1 503") for answer in refused), refused
    assert any(answer.startswith(b"HTTP/1.1 503") for answer in refused)
    for _, writer in slow:
        writer.close()


async def test_a_kept_alive_connection_has_the_same_time_for_its_next_head(guarded):
    host, port = guarded.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    assert b"200 OK" in await reader.readuntil(b"\r\n\r\n")
    await reader.readexactly(2)  # the body, "ok"
    writer.write(SLOW_HEAD)
    await writer.drain()
    assert (await answer_and_close(reader, 3)).startswith(b"HTTP/1.1 408")
    writer.close()


async def test_a_trusted_proxy_may_hold_more_connections_than_one_client(behind_a_proxy):
    """Behind a proxy every visitor has the proxy's address: the per-address cap would shut all of them out."""
    host, port = behind_a_proxy.url.removeprefix("http://").split(":")
    slow = [await slow_client(host, int(port)) for _ in range(6)]
    answers = await asyncio.gather(*(answer_and_close(reader, 3) for reader, _ in slow))
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers
    untrusted = [await slow_client(host, int(port), source="127.0.0.2") for _ in range(6)]
    answers = await asyncio.gather(*(answer_and_close(reader, 3) for reader, _ in untrusted))
    assert sum(answer.startswith(b"HTTP/1.1 408") for answer in answers) == 3, answers
    for _, writer in slow + untrusted:
        writer.close()


async def test_the_access_log_shows_no_links_secret(server):
    """Reset, address, share and invitation links carry their secret in the address; whoever
    reads the server's log must not be able to use one."""
    secrets = ["reset-secret-4f1c", "confirm-secret-9a2e", "share-secret-77b0", "invite-secret-c3d5"]
    paths = [
        f"/password/reset/{secrets[0]}",
        f"/email/confirm/{secrets[1]}",
        f"/s/{secrets[2]}",
        f"/register?invite={secrets[3]}",
    ]
    async with httpx.AsyncClient(base_url=server.url) as client:
        for path in paths:
            await client.get(path)
        await client.get("/login?after-the-links")
    log = ""
    for _ in range(50):  # the log is written as each answer goes out
        server.log.seek(0)
        log = server.log.read()
        if "/login?after-the-links" in log:
            break
        await asyncio.sleep(0.1)
    assert "/login?after-the-links" in log
    for path, secret in zip(paths, secrets, strict=True):
        assert path.replace(secret, "…") in log
        assert secret not in log
