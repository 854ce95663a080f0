"""Fixtures for the browser tests: a live server per module and a headless Chromium per test."""

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, LiveServer, require_chromium
from playwright.async_api import async_playwright
from support import live_database_url


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    require_chromium()
    database_url = live_database_url(tmp_path_factory, "browser")
    # Every test signs up from 127.0.0.1 (on PostgreSQL into one database): no sign-up limit here.
    env = {"FLICKLIST_MIGRATE_ON_START": "1", "FLICKLIST_SIGNUPS_PER_HOUR": "0"}
    server = LiveServer(database_url, extra_env=env)
    yield server
    server.stop()


@pytest.fixture
async def browser():
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()
