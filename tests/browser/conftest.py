"""Fixtures for the browser tests: live servers and one headless Chromium a worker, each test in
browser contexts of its own (cookies and storage are per context) and with accounts of its own."""

import asyncio
from pathlib import Path

import pytest
import pytest_asyncio
from browser_support import CHROMIUM, CHROMIUM_ARGS, LiveServer, require_chromium
from playwright.async_api import async_playwright
from support import DATA, live_database_url

from flicklist.catalog.load import load_catalog
from flicklist.catalog.people_load import AKAS_FILE, CREW, NAMES, PRINCIPALS, load_people
from flicklist.db import Database
from flicklist.migrations import upgrade

BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests run in the worker's one event loop, the loop their shared Chromium lives in."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    require_chromium()
    database_url = live_database_url(tmp_path_factory, "browser")
    # Every test signs up from 127.0.0.1 (on PostgreSQL into one database): no sign-up limit here.
    env = {"FLICKLIST_MIGRATE_ON_START": "1", "FLICKLIST_SIGNUPS_PER_HOUR": "0"}
    server = LiveServer(database_url, extra_env=env)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def catalog_server(tmp_path_factory):
    """A live server whose catalog holds tests/data's films, their people and their titles elsewhere."""
    require_chromium()
    database_url = live_database_url(tmp_path_factory, "combobox")
    upgrade(database_url)

    async def load() -> None:
        db = Database(database_url)
        await load_catalog(db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
        await load_people(db, {name: DATA / f"{name}.tsv" for name in (PRINCIPALS, CREW, NAMES, AKAS_FILE)})
        await db.close()

    asyncio.run(load())
    server = LiveServer(database_url)
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium():
    require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser(chromium):
    """The worker's Chromium; the contexts a test opens are closed after it."""
    yield chromium
    for context in chromium.contexts:
        await context.close()
