"""The background task that brings posters in, one per worker when FLICKLIST_TMDB_API_KEY is
set (app.py's lifespan). Never on a request's path: requests only say which films they
showed (`want`), and the task fetches those, then every film on someone's list that has
no poster yet, at most CONCURRENCY at a time.

A film TMDB has no poster for is remembered and asked about again after MISSING_SECONDS;
a failed fetch is tried again after a wait that doubles with each failure (BACKOFF_SECONDS
up to BACKOFF_MAX_SECONDS), or after TMDB's own Retry-After."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import anyio
import httpx

from ..db import Database
from ..settings import Settings
from ..tables import now
from . import store
from .tmdb import TMDB, KeyRefused, TryLater

CONCURRENCY = 4
BATCH = 50
SWEEP_SECONDS = 10 * 60
BACKOFF_SECONDS = 60
BACKOFF_MAX_SECONDS = 24 * 3600
MISSING_SECONDS = 30 * 24 * 3600
KEY_REFUSED_PAUSE = 3600
WANTED_MAX = 1000

log = logging.getLogger("flicklist.posters")


def backoff(tries: int) -> int:
    return min(BACKOFF_SECONDS * 2 ** (tries - 1), BACKOFF_MAX_SECONDS)


class PosterFetcher:
    def __init__(self, db: Database, settings: Settings, tmdb: TMDB) -> None:
        self.db = db
        self.folder = settings.poster_dir
        self.tmdb = tmdb
        self.wanted: dict[int, None] = {}  # an ordered set, oldest first
        self.woken = asyncio.Event()

    def want(self, film_ids: Iterable[int]) -> None:
        """Films a page just showed: fetched first, if their posters are due."""
        for film_id in film_ids:
            self.wanted[film_id] = None
        for film_id in list(self.wanted)[: max(0, len(self.wanted) - WANTED_MAX)]:
            del self.wanted[film_id]
        self.woken.set()

    async def run(self) -> None:
        while True:
            fetched, pause = 0, 0
            self.woken.clear()
            try:
                fetched = await self.fetch_due()
            except* KeyRefused as refused:
                log.warning("TMDB refused FLICKLIST_TMDB_API_KEY (%s); asking again in an hour.", refused.exceptions[0])
                pause = KEY_REFUSED_PAUSE
            except* Exception:
                # The database away for a moment, say: posters can wait, but this task must not end.
                log.exception("Fetching posters failed; trying again in a minute.")
                pause = BACKOFF_SECONDS
            if pause:
                await anyio.sleep(pause)
            elif not fetched:
                with anyio.move_on_after(SWEEP_SECONDS):
                    await self.woken.wait()

    async def fetch_due(self) -> int:
        """Fetches the wanted films, else a batch of films on lists; how many it tried."""
        film_ids = list(self.wanted)[:BATCH]
        for film_id in film_ids:
            del self.wanted[film_id]
        if not film_ids:
            film_ids = await store.due_on_lists(self.db, now(), BATCH)
        limit = asyncio.Semaphore(CONCURRENCY)

        async def fetch_one(film_id: int) -> bool:
            async with limit:
                return await self.fetch(film_id)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetch_one(film_id)) for film_id in film_ids]
        return sum(task.result() for task in tasks)

    async def fetch(self, film_id: int) -> bool:
        """One film's poster, if it is due and no one else holds it; whether it was tried."""
        claimed = await store.claim(self.db, film_id, now())
        if claimed is None:
            return False
        try:
            poster = await self.tmdb.poster(claimed.imdb_id)
        except TryLater as error:
            tries = claimed.tries if error.seconds else claimed.tries + 1
            wait = error.seconds or backoff(tries)
            await store.settle(self.db, film_id, store.RETRY, tries, now() + wait)
            log.info("No poster for %s yet (%s); trying again in %d s.", claimed.imdb_id, error, wait)
            return True
        except KeyRefused:
            await store.settle(self.db, film_id, store.RETRY, claimed.tries, now())
            raise
        if poster is None:
            await store.settle(self.db, film_id, store.MISSING, 0, now() + MISSING_SECONDS)
            return True
        file = await anyio.to_thread.run_sync(store.save, self.folder, film_id, poster)
        await store.settle(self.db, film_id, store.STORED, 0, now(), file)
        return True


@asynccontextmanager
async def poster_fetcher(db: Database, settings: Settings) -> AsyncIterator[PosterFetcher]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10), follow_redirects=True) as http:
        yield PosterFetcher(db, settings, TMDB(settings.tmdb_api_key, settings.tmdb_api_url, http))
