"""Properties that need a real server and real concurrency: login timing does not reveal
which emails have accounts, and racing sign-ups of one email make exactly one account."""

import asyncio
import statistics
import time
from contextlib import asynccontextmanager

import httpx
import pytest
from browser_support import LiveServer
from support import PASSWORD, POSTGRES_URL, csrf_token_in


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database_url = POSTGRES_URL or f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('live') / 'flicklist.sqlite3'}"
    server = LiveServer(database_url, extra_env={"FLICKLIST_MIGRATE_ON_START": "1"})
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


@pytest.mark.parametrize(("trusted", "hsts"), [("127.0.0.1", True), ("", False)])
async def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(server, trusted, hsts):
    proxied = LiveServer(server.database_url, extra_env={"FLICKLIST_TRUSTED_PROXIES": trusted})
    try:
        async with httpx.AsyncClient(base_url=proxied.url) as client:
            response = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    finally:
        proxied.stop()
    assert ("strict-transport-security" in response.headers) is hsts
