"""The access log of `flicklist serve`: on unless FLICKLIST_ACCESS_LOG=0 (or --no-access-log)
turns it off; when on, it shows no link's secret (tests/security/test_live_server.py)."""

import asyncio

import httpx
import pytest
from browser_support import LiveServer
from support import live_database_url

pytestmark = pytest.mark.live_server


async def log_after_visits(server: LiveServer) -> str:
    """The server's output once it has answered a login page, a share link's page, a webhook and a feed."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        await client.get("/s/share-secret-51ab")
        await client.post("/webhooks/plex/webhook-secret-8c2d", data={"payload": "{}"})
        await client.get("/feeds/diary/feed-secret-3e9f.rss")
        assert (await client.get("/login?last-visit")).status_code == 200
    await asyncio.sleep(0.5)  # the log is written as each answer goes out
    server.log.seek(0)
    return server.log.read()


@pytest.mark.parametrize(
    ("environment", "logged"),
    [({}, True), ({"FLICKLIST_ACCESS_LOG": "1"}, True), ({"FLICKLIST_ACCESS_LOG": "0"}, False)],
)
async def test_the_access_log_is_on_unless_the_setting_turns_it_off(tmp_path_factory, environment, logged):
    env = {"FLICKLIST_MIGRATE_ON_START": "1", **environment}
    url = await asyncio.to_thread(live_database_url, tmp_path_factory, "access_log")
    server = LiveServer(url, extra_env=env)
    try:
        log = await log_after_visits(server)
    finally:
        server.stop()
    assert ("GET /login?last-visit HTTP/1.1" in log) is logged
    assert ("GET /s/… HTTP/1.1" in log) is logged
    assert ("POST /webhooks/plex/… HTTP/1.1" in log) is logged
    assert ("GET /feeds/diary/… HTTP/1.1" in log) is logged
    assert "share-secret-51ab" not in log and "webhook-secret-8c2d" not in log and "feed-secret-3e9f" not in log


async def test_no_access_log_on_the_command_line_wins_over_the_setting(tmp_path_factory):
    env = {"FLICKLIST_MIGRATE_ON_START": "1", "FLICKLIST_ACCESS_LOG": "1"}
    url = await asyncio.to_thread(live_database_url, tmp_path_factory, "access_log_flag")
    server = LiveServer(url, extra_env=env, serve_args=["--no-access-log"])
    try:
        log = await log_after_visits(server)
    finally:
        server.stop()
    assert "GET /login?last-visit" not in log
    assert "Application startup complete" in log
