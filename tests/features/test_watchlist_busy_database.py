"""Adding and crossing off while another process is writing to the SQLite file: the change
waits for the file, the app answers other requests meanwhile, and nothing is lost or doubled."""

import asyncio
import sqlite3

import pytest
from support import POSTGRES_URL, flashes, texts_of_class, waits_while_the_app_answers

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's file locks")


def another_process_writing(database_url: str) -> sqlite3.Connection:
    """A connection holding the file's write lock, as a command-line job or another worker may."""
    holder = sqlite3.connect(database_url.removeprefix("sqlite+aiosqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM login_throttle")
    return holder


async def test_an_htmx_add_while_another_process_writes_waits_and_then_adds_the_film_once(user, settings):
    await user.add("Alien")
    holder = another_process_writing(settings.database_url)
    response = await waits_while_the_app_answers(user, asyncio.create_task(user.add("Heat", htmx=True)), holder)
    assert response.status_code == 200
    assert "Added 'Heat' to your watchlist." in flashes(response.text)
    assert texts_of_class((await user.get("/")).text, "title") == ["Heat", "Alien"]


async def test_a_cross_off_while_another_process_writes_waits_and_then_logs_one_viewing(user, settings):
    await user.add("Heat")
    movie_id = await user.movie_id("Heat")
    holder = another_process_writing(settings.database_url)
    crossing = asyncio.create_task(user.post(f"/movies/{movie_id}/watched", htmx=True))
    response = await waits_while_the_app_answers(user, crossing, holder)
    assert response.status_code == 200
    assert "Crossed off 'Heat'. Rate it on your Watched list." in flashes(response.text)
    assert texts_of_class((await user.get("/watched")).text, "title") == ["Heat"]
    assert texts_of_class((await user.get("/")).text, "title") == []
    assert texts_of_class((await user.get("/diary")).text, "title") == ["Heat"]


async def test_many_adds_in_a_row_each_shows_up(user):
    """More writes than go between two checkpoints (db.CHECKPOINT_EVERY)."""
    titles = [f"Home video {number}" for number in range(120)]
    for title in titles:
        assert (await user.add(title, htmx=True)).status_code == 200
    shown = texts_of_class((await user.get("/")).text, "title")
    assert shown == titles[::-1][: len(shown)] and len(shown) == 50
