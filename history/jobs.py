"""Imports run in the background, one task each, their progress in the database so that any
worker can show it: first matching and the preview (`matching` then `ready`), then, once the
person says so, applying (`applying` then `done`) in one transaction. A worker that dies
midway leaves the row `matching` or `applying` with `updated_at` standing still, which the
page reports as interrupted; the transaction it was in never committed."""

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Coroutine
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update

from ..db import Database
from ..lists.counts import LIST_COUNTS
from ..tables import history_imports, now
from .plan import Match, Named, apply_plan, films_wanted, match_films, named, plan_against_lists
from .readers import Entry, Viewing

logger = logging.getLogger(__name__)
RUNNING = ("matching", "applying")
# A running import whose progress has not moved for this long is no longer running.
STALE_SECONDS = 120
PROGRESS_EVERY_SECONDS = 0.25


class ImportJob(NamedTuple):
    id: int
    source: str
    state: str
    updated_at: int
    done: int
    total: int
    summary: str
    message: str

    @property
    def interrupted(self) -> bool:
        return self.state in RUNNING and self.updated_at < now() - STALE_SECONDS

    @property
    def running(self) -> bool:
        return self.state in RUNNING and not self.interrupted

    @property
    def outcome(self) -> dict[str, Any]:
        return json.loads(self.summary) if self.summary else {}


JOB_COLUMNS = (
    history_imports.c.id,
    history_imports.c.source,
    history_imports.c.state,
    history_imports.c.updated_at,
    history_imports.c.done,
    history_imports.c.total,
    history_imports.c.summary,
    history_imports.c.message,
)
THE_USERS_JOB = (history_imports.c.id == bindparam("job_id"), history_imports.c.user_id == bindparam("user_id"))
A_JOB = select(*JOB_COLUMNS).where(*THE_USERS_JOB)
USERS_JOBS = select(*JOB_COLUMNS).where(history_imports.c.user_id == bindparam("user_id"))
ENTRIES = select(history_imports.c.entries).where(history_imports.c.id == bindparam("job_id"))
NEW_JOB = (
    insert(history_imports)
    .values(
        user_id=bindparam("user_id"),
        source=bindparam("source"),
        state="matching",
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        done=0,
        total=bindparam("total"),
        entries=bindparam("entries"),
        summary="",
        message="",
    )
    .returning(history_imports.c.id)
)
DROP_READY = (
    delete(history_imports).where(*THE_USERS_JOB, history_imports.c.state == "ready").returning(history_imports.c.id)
)
FAILED = "Something went wrong; nothing was imported."
PROGRESS = (
    update(history_imports)
    .where(history_imports.c.id == bindparam("job_id"))
    .values(done=bindparam("done"), total=bindparam("total"), updated_at=bindparam("now"))
    .returning(history_imports.c.id)
)
# Only a job in the state expected moves on: two clicks on "Import" start one apply.
MOVE_ON = (
    update(history_imports)
    .where(*THE_USERS_JOB, history_imports.c.state == bindparam("expected"))
    .values(state=bindparam("new_state"), done=0, updated_at=bindparam("now"))
    .returning(history_imports.c.id)
)


def finish(job_id: int, state: str, summary: dict | None = None, entries: str | None = None, message: str = ""):
    values = {"state": state, "updated_at": now(), "message": message}
    if summary is not None:
        values["summary"] = json.dumps(summary)
    if entries is not None:
        values["entries"] = entries
    return update(history_imports).where(history_imports.c.id == job_id).values(**values)


async def job_of(db: Database, user_id: int, job_id: int) -> ImportJob | None:
    rows = await db.fetch_all(A_JOB, job_id=job_id, user_id=user_id)
    return ImportJob(*rows[0]) if rows else None


async def running_job(db: Database, user_id: int) -> ImportJob | None:
    jobs = [ImportJob(*row) for row in await db.fetch_all(USERS_JOBS, user_id=user_id)]
    return next((job for job in jobs if job.running), None)


def stored(entries: list[Entry], matches: dict[Named, Match | None] | None = None) -> str:
    """The entries as the file gave them and, once previewed, the catalog film each matched."""
    matched = [[*name, *match] for name, match in (matches or {}).items() if match]
    return json.dumps({"entries": entries, "matches": matched}, ensure_ascii=False)


def restored(text: str) -> tuple[list[Entry], dict[Named, Match | None]]:
    """stored()'s entries and matches; a film named but not among the matches matched nothing."""
    document = json.loads(text)
    entries = [Entry(*row[:-1], viewings=tuple(Viewing(*seen) for seen in row[-1])) for row in document["entries"]]
    matches = defaultdict(lambda: None, {tuple(row[:3]): tuple(row[3:]) for row in document["matches"]})
    return entries, matches


class ImportRunner:
    """The import tasks of this worker: started by requests, cancelled when the app stops."""

    def __init__(self, db: Database, max_films: int) -> None:
        self.db = db
        self.max_films = max_films  # per user, on both lists together
        self.tasks: set[asyncio.Task] = set()

    def start(self, work: Coroutine) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def begin(self, user_id: int, source: str, entries: list[Entry]) -> int:
        values = {"user_id": user_id, "source": source, "now": now(), "total": len(entries), "entries": stored(entries)}
        job_id = await self.db.write_returning(NEW_JOB, int, **values)
        self.start(self.preview(user_id, job_id, entries))
        return job_id

    async def apply(self, user_id: int, job_id: int) -> bool:
        """Starts applying a previewed import; False when it is not waiting to be applied."""
        values = {"job_id": job_id, "user_id": user_id, "expected": "ready", "new_state": "applying", "now": now()}
        if await self.db.write_returning(MOVE_ON, int, **values) is None:
            return False
        self.start(self.write(user_id, job_id))
        return True

    async def cancel(self, user_id: int, job_id: int) -> None:
        """A previewed import not applied: its row goes, and the entries with it."""
        await self.db.write_returning(DROP_READY, int, job_id=job_id, user_id=user_id)

    def reporter(self, job_id: int):
        last = 0.0

        async def report(done: int, total: int) -> None:
            nonlocal last
            loop_time = asyncio.get_running_loop().time()
            if done == total or loop_time - last >= PROGRESS_EVERY_SECONDS:
                last = loop_time
                await self.db.write_returning(PROGRESS, int, job_id=job_id, done=done, total=total, now=now())

        return report

    async def preview(self, user_id: int, job_id: int, entries: list[Entry]) -> None:
        """Matches the films (kept with the entries, for the apply) and counts what would change."""
        try:
            async with self.db.engine.connect() as connection:
                matches = await match_films(connection, [named(entry) for entry in entries], self.reporter(job_id))
                wanted, not_matched = films_wanted(entries, matches)
                plan = await plan_against_lists(connection, user_id, wanted, not_matched)
            async with self.db.transaction() as connection:
                await connection.execute(finish(job_id, "ready", plan.summary(), stored(entries, matches)))
        except Exception:
            await self.failed(job_id, "matching")

    async def write(self, user_id: int, job_id: int) -> None:
        try:
            [(text,)] = await self.db.fetch_all(ENTRIES, job_id=job_id)
            entries, matches = restored(text)
            wanted, not_matched = films_wanted(entries, matches)
            async with self.db.transaction() as connection:
                plan = await plan_against_lists(connection, user_id, wanted, not_matched)
                listed = sum((await connection.execute(LIST_COUNTS, {"user_id": user_id})).one())
                if listed + len(plan.new) > self.max_films:
                    too_many = (
                        f"This import would bring your lists to {listed + len(plan.new):,} films; "
                        f"this FlickList keeps at most {self.max_films:,} per person. Nothing was imported."
                    )
                    await connection.execute(finish(job_id, "failed", message=too_many))
                    return
                await apply_plan(connection, user_id, plan)
                await connection.execute(finish(job_id, "done", plan.summary(), entries=""))  # done with them
        except Exception:
            await self.failed(job_id, "writing")

    async def failed(self, job_id: int, doing: str) -> None:
        logger.exception("import %s failed while %s", job_id, doing)
        async with self.db.transaction() as connection:
            await connection.execute(finish(job_id, "failed", message=FAILED))
