"""An import on a server kept busy by another person's many page loads (one worker, 16 of
them at a time, as issue 31 measured): its page never says it was interrupted while it runs,
and every row of the file comes in."""

import asyncio
import time
from contextlib import asynccontextmanager, suppress

import httpx
import pytest
from browser_support import LiveServer
from history_support import a_watchlist, counted, export_document, import_file, letterboxd_export, person
from support import Visitor, live_database_url, text_of

pytestmark = pytest.mark.live_server

START = {"FLICKLIST_MIGRATE_ON_START": "1", "FLICKLIST_SIGNUPS_PER_HOUR": "0"}
BUSY_CONNECTIONS = 16
FILMS, VIEWINGS, WATCHLIST = 1_000, 2_000, 8_000
READERS_FILMS = 100


@pytest.fixture
def database_url_for_live(tmp_path_factory) -> str:
    return live_database_url(tmp_path_factory, "busy")


@asynccontextmanager
async def reading_their_page_over_and_over(visitor: Visitor):
    """BUSY_CONNECTIONS clients with the visitor's cookies, each asking for GET / again as soon
    as it has the answer, while the block runs; how many pages they were given."""
    answered = [0]
    stopping = asyncio.Event()

    async def read(client: httpx.AsyncClient) -> None:
        while not stopping.is_set():
            with suppress(httpx.TransportError):  # a keep-alive connection closed as it was reused
                answered[0] += (await client.get("/")).status_code == 200

    limits = httpx.Limits(max_connections=BUSY_CONNECTIONS)
    async with httpx.AsyncClient(
        base_url=visitor.client.base_url, cookies=visitor.client.cookies, limits=limits, timeout=60
    ) as client:
        readers = [asyncio.create_task(read(client)) for _ in range(BUSY_CONNECTIONS)]
        yield answered
        stopping.set()
        await asyncio.gather(*readers)


def a_big_letterboxd_export() -> bytes:
    """FILMS films seen VIEWINGS times in all, over 70 years of release (the matching asks the
    catalog year by year), and WATCHLIST films to see."""
    diary = [
        (
            "2024-01-01",
            f"Seen film {n % FILMS}",
            str(1950 + n % FILMS % 70),
            "4",
            "",
            "",
            f"2024-0{1 + n % 9}-1{n % 10}",
        )
        for n in range(VIEWINGS)
    ]
    watchlist = [("2024-01-01", f"Wanted film {n}", str(1950 + n % 70)) for n in range(WATCHLIST)]
    return letterboxd_export(diary=diary, watchlist=watchlist)


async def states_until_settled(visitor: Visitor, job_url: str, seconds: float = 240) -> list[str]:
    """What the import's page said, asked every 500 ms as the page itself does, until it stops running."""
    deadline = time.monotonic() + seconds
    said = []
    while time.monotonic() < deadline:
        try:
            page = (await visitor.get(job_url)).text
        except httpx.TransportError:  # asked again, as the page's next poll would
            continue
        said.append(text_of(page))
        if 'hx-trigger="every 500ms"' not in page:
            return said
        await asyncio.sleep(0.5)
    raise AssertionError(f"{job_url} still running after {seconds} s")


async def test_an_import_on_a_busy_server_is_never_shown_interrupted_and_all_its_rows_come_in(
    database_url_for_live,
):
    server = LiveServer(database_url_for_live, extra_env=START)
    try:
        async with person(server, "reader@example.com") as reader, person(server, "ann@example.com") as ann:
            await import_file(reader, "watchlist.csv", a_watchlist(READERS_FILMS))  # a page of 50 rows to read
            async with reading_their_page_over_and_over(reader) as pages:
                response = await ann.upload("/account/import", "letterboxd.zip", a_big_letterboxd_export())
                job_url = response.headers["location"]
                said = await states_until_settled(ann, job_url)
                preview = said[-1]
                assert counted(preview)["to_watched"] == FILMS and counted(preview)["to_watchlist"] == WATCHLIST
                assert (await ann.post(f"{job_url}/apply")).status_code == 303
                said += await states_until_settled(ann, job_url)
                assert pages[0] > 0, "the other person's page was read all along"
            assert not [page for page in said if "Interrupted" in page]
            assert "Imported" in said[-1]
            history = await export_document(ann)
            assert len(history) == FILMS + WATCHLIST
            assert sum(len(entry["viewings"]) for entry in history) == VIEWINGS
    finally:
        server.stop()
