"""Imports on a real server (`flicklist serve`): a big one leaves the server answering and
other people's writes succeeding, and one whose server is killed mid-apply is reported
interrupted after a restart, with what it wrote, and can be uploaded again."""

import asyncio
import csv
import io
import re
import time
from contextlib import asynccontextmanager, suppress

import httpx
import pytest
from browser_support import LiveServer
from history_support import (
    a_diary,
    a_watchlist,
    changes_written,
    counted,
    export_document,
    films_on_watchlist,
    person,
    written_at_least,
)
from support import Visitor, live_database_url, text_of

pytestmark = pytest.mark.live_server

START = {"FLICKLIST_MIGRATE_ON_START": "1", "FLICKLIST_SIGNUPS_PER_HOUR": "0"}


@pytest.fixture
def database_url_for_live(tmp_path_factory) -> str:
    return live_database_url(tmp_path_factory, "imports")


@asynccontextmanager
async def healthz_answers(server: LiveServer):
    """The time each /healthz took, asked every 50 ms while the block runs."""
    seconds: list[float] = []
    stopping = asyncio.Event()

    async def ask(client: httpx.AsyncClient) -> None:
        while not stopping.is_set():
            started = time.perf_counter()
            with suppress(httpx.TimeoutException):  # counted as the 10 s it took
                await client.get("/healthz")
            seconds.append(time.perf_counter() - started)
            await asyncio.sleep(0.05)

    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        asking = asyncio.create_task(ask(client))
        yield seconds
        stopping.set()
        await asking


async def finished(visitor: Visitor, job_url: str, seconds: float = 90) -> str:
    """The import page's text once it stops running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = (await visitor.get(job_url)).text
        if 'hx-trigger="every 500ms"' not in page:
            return text_of(page)
        await asyncio.sleep(0.1)
    raise AssertionError(f"{job_url} still running after {seconds} s")


async def imported(visitor: Visitor, name: str, content: bytes) -> tuple[str, str]:
    """Uploads, waits for the preview, applies: the preview's text and the job's address."""
    response = await visitor.upload("/account/import", name, content)
    assert response.status_code == 303, text_of(response.text)
    job_url = response.headers["location"]
    preview = await finished(visitor, job_url)
    assert "What importing will do" in preview, preview
    assert (await visitor.post(f"{job_url}/apply")).status_code == 303
    return preview, job_url


def reviews_of_one_film(reviews: int) -> bytes:
    """Letterboxd's reviews.csv: `reviews` reviews of one film, all of one day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date"])
    for n in range(reviews):
        review = f"Seen again, {n}. Still great."
        writer.writerow(["2024-01-01", "Heat", "1995", "x", "4", "Yes", review, "", "2024-01-01"])
    return out.getvalue().encode()


async def test_twenty_thousand_reviews_of_one_film_come_in_while_the_server_answers_at_once(database_url_for_live):
    server = LiveServer(database_url_for_live, extra_env=START)
    try:
        async with person(server, "ann@example.com") as ann, healthz_answers(server) as healthz:
            _, job_url = await imported(ann, "reviews.csv", reviews_of_one_film(20_000))
            done = await finished(ann, job_url)
        assert "Imported" in done, done
        assert counted(done)["viewings"] == 20_000 and counted(done)["reviews"] == 20_000
        assert len(healthz) >= 5 and max(healthz) < 1, f"/healthz took up to {max(healthz):.2f} s"
    finally:
        server.stop()


async def test_other_peoples_adds_all_succeed_during_a_forty_thousand_film_import_on_two_workers(
    database_url_for_live,
):
    server = LiveServer(database_url_for_live, workers=2, extra_env=START)
    try:
        async with person(server, "ann@example.com") as ann:
            _, job_url = await imported(ann, "watchlist.csv", a_watchlist(40_000))
            await applying(ann, job_url)
            progress: list[str] = []
            adding = [add_until_done(server, f"adder{n}@example.com", ann, job_url, progress) for n in range(4)]
            results = await asyncio.gather(*adding)
            done = await finished(ann, job_url)
        assert "Imported" in done and counted(done)["to_watchlist"] == 40_000
        statuses = [status for adds in results for status, _ in adds]
        assert len(statuses) >= 8 and set(statuses) == {303}, statuses
        slowest = max(seconds for adds in results for _, seconds in adds)
        assert slowest < 5, f"an add waited {slowest:.1f} s (SQLite's busy timeout is 10 s)"
        assert len(set(progress)) >= 3, f"the page followed the import as it was written: {progress}"
    finally:
        server.stop()


async def applying(visitor: Visitor, job_url: str) -> None:
    """Waits until the import's status says it is being written."""
    for _ in range(600):
        if "<h2>Importing</h2>" in (await visitor.get(job_url, htmx=True)).text:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{job_url} is not being applied")


async def add_until_done(
    server: LiveServer, email: str, importer: Visitor, job_url: str, progress: list[str]
) -> list[tuple[int, float]]:
    """Adds films, each on a new connection, until the import is done: (status, seconds) of
    each. `progress` gets each "N of M" the import's status said meanwhile."""
    adds = []
    async with person(server, email, keep_alive=False) as adder:
        while "Importing" in (status := text_of((await importer.get(job_url, htmx=True)).text)) or len(adds) < 2:
            progress.extend(re.findall(r"[\d,]+ of [\d,]+ changes written", status))
            started = time.perf_counter()
            response = await adder.add(f"Film {len(adds)} of {email}")
            adds.append((response.status_code, time.perf_counter() - started))
        assert films_on_watchlist((await adder.get("/")).text) == len(adds)
    return adds


async def test_an_import_whose_server_is_killed_mid_apply_is_reported_and_the_file_comes_again(
    database_url_for_live,
):
    diary = a_diary(30_000)
    server = LiveServer(database_url_for_live, extra_env=START)
    try:
        async with person(server, "ann@example.com") as ann:
            _, job_url = await imported(ann, "diary.csv", diary)
            await written_at_least(ann, job_url, 1)
            server.process.kill()  # SIGKILL: no shutdown, no goodbye
            server.process.wait()
            server = LiveServer(database_url_for_live, extra_env=START)
            ann.client.base_url = server.url
            page = await interrupted(ann, job_url)
            written, changes = changes_written(page)
            assert 0 < written < changes == 30_100  # 100 films, 30,000 viewings
            response = await ann.upload("/account/import", "diary.csv", diary)
            assert response.status_code == 303, text_of(response.text)
            new_job_url = response.headers["location"]
            preview = await finished(ann, new_job_url)
            films_written = -(-written // 301)  # each film's row came before its 300 viewings
            assert counted(preview)["to_watched"] == 100 - films_written
            assert counted(preview)["viewings"] == 30_000 - (written - films_written)
            assert (await ann.post(f"{new_job_url}/apply")).status_code == 303
            assert "Imported" in await finished(ann, new_job_url)
            history = await export_document(ann)
            assert len(history) == 100 and sum(len(entry["viewings"]) for entry in history) == 30_000
    finally:
        server.stop()


async def interrupted(visitor: Visitor, job_url: str) -> str:
    """The import's page once it says the import was interrupted: as soon as its heartbeat is
    seen to have stopped (history/jobs.STALE_SECONDS)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = text_of((await visitor.get(job_url)).text)
        if "Interrupted" in page:
            return page
        await asyncio.sleep(0.2)
    raise AssertionError(f"{job_url} not reported interrupted")
