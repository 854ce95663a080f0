"""Imports run in the background, one task each, their progress in the database so that any
worker can show it: the upload read (`reading`), its films matched and the preview counted
(`matching`, then `ready`), then, once the person says so, written (`applying`, then `done`)
BATCH_ROWS rows at a time, each batch its own short transaction, so that nobody else's writes
wait long behind an import (a resumed import adds nothing twice: plan.compare).

An account has one import slot: the unique index ux_history_imports_running (migration 0017)
lets one of its jobs at a time be reading, matching or applying, so of two uploads racing, the
second one's INSERT fails. A running job's heartbeat (updated_at) moves every HEARTBEAT_SECONDS;
one whose heartbeat stopped STALE_SECONDS ago lost its worker, and is marked `interrupted` (which
frees the slot) when a worker starts and whenever an account finds its slot taken.

The work that takes time in proportion to the file (reading it, matching its films, merging and
comparing, the JSON of the entries kept for the apply, each batch's writes) runs in a worker
thread on a connection of its own (history/threads.py), never on the event loop, and each job
stops, failed, after BUDGET_SECONDS. Each batch moves the heartbeat as it commits."""

import asyncio
import json
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Iterator
from contextlib import asynccontextmanager, suppress
from itertools import islice
from typing import Any, NamedTuple, TypeVar

import anyio
from sqlalchemy import bindparam, case, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..settings import Settings
from ..tables import history_imports, now
from .export import export_zip, history_in, lists_in
from .list_plan import ListChange, list_changes, own_lists_counted, write_lists
from .list_plan import summary as list_summary
from .list_plan import too_many as too_many_lists
from .plan import (
    Lists,
    Match,
    Named,
    Plan,
    Progress,
    change_count,
    changes,
    compare,
    films_wanted,
    lists_of,
    match_films,
    named,
    write_changes,
)
from .readers import Entry, ListItem, ListRead, Reading, Unreadable, Viewing, left_out_phrases
from .threads import ThreadConnections, off_loop, still_wanted
from .uploads import read_upload

logger = logging.getLogger(__name__)
Result = TypeVar("Result")

RUNNING = ("reading", "matching", "applying")
HEARTBEAT_SECONDS = 2
# A running job whose heartbeat has not moved for this long has no worker any more. A live
# worker's loop is never blocked that long: what takes time runs in a thread.
STALE_SECONDS = 10
PROGRESS_EVERY_SECONDS = 0.25
# The longest an import's preview, or its apply, may take; far more than the largest import
# allowed (FLICKLIST_MAX_IMPORT_ENTRIES) needs on a small machine.
BUDGET_SECONDS = 300
BATCH_ROWS = 1000
# On SQLite, a pause between batches longer than the longest sleep of SQLite's busy handler
# (100 ms), so that a writer waiting for the lock (the app's own, or another process's) wakes
# within it and gets its turn, at the price of a slower import (bench/results.md, "Imports
# under load").
# PostgreSQL's writers do not queue on one lock.
SQLITE_BATCH_PAUSE_SECONDS = 0.11
KEPT_JOBS = 5  # an account's finished imports kept besides the one it starts

FAILED = "Something went wrong."
ALREADY_RUNNING = "An import is already running; wait for it to finish, then try again."
BUSY = "FlickList is reading other uploads just now; try again in a minute."


class AlreadyRunning(Exception):
    """The account's import slot is taken."""


class Busy(Exception):
    """This worker reads as many uploads as it may at once (FLICKLIST_IMPORTS_AT_ONCE)."""


class Superseded(Exception):
    """The job stopped being this worker's (marked interrupted meanwhile): nothing more is written."""


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
        return self.state == "interrupted" or (self.state in RUNNING and self.updated_at < now() - STALE_SECONDS)

    @property
    def running(self) -> bool:
        return self.state in RUNNING and not self.interrupted

    @property
    def written(self) -> int:
        """Of an import stopped while applying, the changes its committed batches wrote."""
        return self.done if self.state in ("applying", "interrupted", "failed") else 0

    @property
    def outcome(self) -> dict[str, Any]:
        return json.loads(self.summary) if self.summary else {}

    @property
    def left_out(self) -> list[str]:
        return left_out_phrases(self.outcome.get("left_out", {}))


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
THE_JOB = history_imports.c.id == bindparam("job_id")
THE_USERS_JOB = (THE_JOB, history_imports.c.user_id == bindparam("user_id"))
# Written out, not in_(): the direct paths (db.py) take no list parameters.
IS_RUNNING = or_(*(history_imports.c.state == state for state in RUNNING))
A_JOB = select(*JOB_COLUMNS).where(*THE_USERS_JOB)
ENTRIES = select(history_imports.c.entries).where(THE_JOB)
NEWEST_FINISHED = (
    select(history_imports.c.id)
    .where(history_imports.c.user_id == bindparam("user_id"), ~IS_RUNNING)
    .order_by(history_imports.c.id.desc())
    .limit(KEPT_JOBS)
)
PRUNE = delete(history_imports).where(
    history_imports.c.user_id == bindparam("user_id"), ~IS_RUNNING, history_imports.c.id.not_in(NEWEST_FINISHED)
)
# Fails, breaking ux_history_imports_running, while the account has a job running.
CLAIM = (
    insert(history_imports)
    .values(
        user_id=bindparam("user_id"),
        source=bindparam("source"),
        state="reading",
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        done=0,
        total=0,
        entries="",
        summary="",
        message="",
    )
    .returning(history_imports.c.id)
)
DROP = delete(history_imports).where(THE_JOB).returning(history_imports.c.id)
DROP_READY = (
    delete(history_imports).where(*THE_USERS_JOB, history_imports.c.state == "ready").returning(history_imports.c.id)
)


def moved_on(*where, **values):
    """An UPDATE of the job, which touches it only in the state expected (`where`), so that a
    job marked interrupted meanwhile stays so; it returns the id, or nothing."""
    return (
        update(history_imports)
        .where(THE_JOB, *where)
        .values(updated_at=bindparam("now"), **values)
        .returning(history_imports.c.id)
    )


HEARTBEAT = moved_on(IS_RUNNING)
PROGRESS = moved_on(IS_RUNNING, done=bindparam("done"), total=bindparam("total"))
MATCHING = moved_on(history_imports.c.state == "reading", state="matching", total=bindparam("total"))
READY = moved_on(
    history_imports.c.state == "matching",
    state="ready",
    done=0,
    summary=bindparam("summary"),
    entries=bindparam("entries"),
)
# Only a job waiting to be applied moves on: two clicks on "Import" start one apply.
APPLYING = moved_on(
    history_imports.c.user_id == bindparam("user_id"), history_imports.c.state == "ready", state="applying", done=0
)
# Committed with each batch, so that `done` is always what the batches wrote.
WRITTEN = moved_on(history_imports.c.state == "applying", done=bindparam("done"), total=bindparam("total"))
DONE = moved_on(history_imports.c.state == "applying", state="done", summary=bindparam("summary"), entries="")
# A job that stops keeps `done` only if it was applying: while matching, it counted films matched.
WRITTEN_SO_FAR = case((history_imports.c.state == "applying", history_imports.c.done), else_=0)
FAILED_NOW = moved_on(IS_RUNNING, state="failed", message=bindparam("message"), done=WRITTEN_SO_FAR, entries="")
STOPPED = {"state": "interrupted", "done": WRITTEN_SO_FAR, "entries": "", "updated_at": bindparam("now")}
INTERRUPT_STALE = (
    update(history_imports)
    .where(IS_RUNNING, history_imports.c.updated_at < bindparam("stale_before"))
    .values(**STOPPED)
    .returning(history_imports.c.id)
)
INTERRUPT_THESE = (
    update(history_imports)
    .where(IS_RUNNING, history_imports.c.id.in_(bindparam("job_ids", expanding=True)))
    .values(**STOPPED)
)


async def job_of(db: Database, user_id: int, job_id: int) -> ImportJob | None:
    rows = await db.fetch_all(A_JOB, job_id=job_id, user_id=user_id)
    return ImportJob(*rows[0]) if rows else None


def stored(entries: list[Entry], matches: dict[Named, Match | None], lists: Iterable[ListRead] = ()) -> str:
    """The entries as the file gave them (without where in the file: that was for reading it),
    its lists, and the catalog film each film named matched."""
    kept = [entry[1:] for entry in entries]
    matched = [[*name, *match] for name, match in matches.items() if match]
    document = {"entries": kept, "matches": matched, "lists": [list(read) for read in lists]}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def restored(text: str) -> tuple[Iterator[Entry], dict[Named, Match | None], list[ListRead]]:
    """stored()'s entries, matches and lists; a film named but not among the matches matched nothing.
    Each entry is made as it is taken, and its row let go then: the apply holds the rows or the
    plan made of them, never both whole (for 100,000 entries, 50 MB each)."""
    document = json.loads(text)
    rows = document.pop("entries")
    rows.reverse()

    def entries() -> Iterator[Entry]:
        while rows:
            row = rows.pop()
            yield Entry("", *row[:-1], viewings=tuple(Viewing(*seen) for seen in row[-1]))

    matches = defaultdict(lambda: None, {Named(*row[:3]): Match(*row[3:]) for row in document["matches"]})
    lists = [
        ListRead(*about, items=tuple(ListItem(*item) for item in items)) for *about, items in document.get("lists", [])
    ]
    return entries(), matches, lists


def plan_of(entries: Iterable[Entry], matches: dict[Named, Match | None], lists: Lists) -> Plan:
    """The entries merged and compared with the lists: the CPU work, for a worker thread."""
    wanted, not_matched = films_wanted(entries, matches)
    return compare(wanted, not_matched, lists)


def too_many_films(listed: int, plan: Plan, max_films: int) -> str | None:
    if listed + len(plan.new) <= max_films:
        return None
    return (
        f"This import would bring your lists to {listed + len(plan.new):,} films; "
        f"this FlickList keeps at most {max_films:,} per person."
    )


def over_budget(seconds: float) -> str:
    took = f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
    return f"This import took longer than {took}, the most FlickList gives one."


class ImportRunner:
    """The import tasks of this worker: started by requests, cancelled (and marked interrupted)
    when the app stops."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.max_films = settings.max_films_per_user  # per user, on both lists together
        self.max_lists, self.max_films_per_list = settings.max_lists_per_user, settings.max_films_per_list
        self.max_entries = settings.max_import_entries
        self.reading = asyncio.Semaphore(settings.imports_at_once)
        self.budget_seconds = BUDGET_SECONDS
        self.tasks: dict[asyncio.Task, int] = {}
        self.connections = ThreadConnections(db)
        self.reported: dict[int, tuple[int, int]] = {}  # by job: (done, total) as its worker thread said

    def start(self, job_id: int, work: Coroutine) -> None:
        task = asyncio.create_task(work)
        self.tasks[task] = job_id
        task.add_done_callback(self.tasks.pop)

    async def stop(self) -> None:
        job_ids = list(self.tasks.values())
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if job_ids:  # so that the people importing may start again at once
            async with self.db.transaction() as connection:
                await connection.execute(INTERRUPT_THESE, {"job_ids": job_ids, "now": now()})
        self.connections.close()

    async def export(self, user_id: int, exported_at: int) -> bytes:
        """The person's export (history/export.py), read and built in a worker thread on a
        connection of its own, as an import's work is."""

        def work() -> bytes:
            with self.connections.connect() as connection:
                return export_zip(history_in(connection, user_id), exported_at, lists_in(connection, user_id))

        return await off_loop(work)

    async def mark_interrupted(self) -> int:
        """Marks every job whose worker has gone (its heartbeat stale) interrupted: how many."""
        async with self.db.transaction() as connection:
            result = await connection.execute(INTERRUPT_STALE, {"stale_before": now() - STALE_SECONDS, "now": now()})
            return len(result.all())

    async def in_the_slot(self, take_it: Callable[[], Awaitable[Result]]) -> Result:
        """`take_it()`, a write that takes the account's import slot; once more if the job that
        held it had lost its worker; AlreadyRunning if a live job holds it."""
        try:
            return await take_it()
        except IntegrityError:
            if not await self.mark_interrupted():
                raise AlreadyRunning(ALREADY_RUNNING) from None
        try:
            return await take_it()
        except IntegrityError:
            raise AlreadyRunning(ALREADY_RUNNING) from None

    async def claim(self, user_id: int, source: str) -> int:
        """A new job in the account's import slot; its oldest finished ones beyond KEPT_JOBS go."""
        prune, claim = (PRUNE, {"user_id": user_id}), (CLAIM, {"user_id": user_id, "source": source, "now": now()})
        _, (job_id,) = await self.in_the_slot(lambda: self.db.write_together(prune, claim))
        return job_id

    async def begin(self, user_id: int, source: str, data: bytes) -> int:
        """Claims the slot, reads the upload and starts matching: the job's id. Raises
        AlreadyRunning, Busy or Unreadable, having kept nothing."""
        job_id = await self.claim(user_id, source)
        try:
            if self.reading.locked():
                raise Busy(BUSY)
            async with self.reading, self.heartbeat(job_id):
                reading = await off_loop(read_upload, source, data, self.max_entries)
            if not reading.entries and not reading.lists:
                raise Unreadable(f"{source} lists no films.")
        except BaseException:
            await self.db.write_returning(DROP, int, job_id=job_id)
            raise
        await self.db.write_returning(MATCHING, int, job_id=job_id, total=len(reading.entries), now=now())
        self.start(job_id, self.preview(user_id, job_id, reading))
        return job_id

    async def apply(self, user_id: int, job_id: int) -> bool:
        """Starts applying a previewed import; False when it is not waiting to be applied.
        AlreadyRunning when another of the account's imports runs."""
        values = {"job_id": job_id, "user_id": user_id, "now": now()}
        if await self.in_the_slot(lambda: self.db.write_returning(APPLYING, int, **values)) is None:
            return False
        self.start(job_id, self.write(user_id, job_id))
        return True

    async def cancel(self, user_id: int, job_id: int) -> None:
        """A previewed import not applied: its row goes, and the entries with it."""
        await self.db.write_returning(DROP_READY, int, job_id=job_id, user_id=user_id)

    @asynccontextmanager
    async def heartbeat(self, job_id: int) -> AsyncIterator[None]:
        """While the block runs, writes the progress its work reports (`reporter`) every
        PROGRESS_EVERY_SECONDS, and else moves the job's updated_at every HEARTBEAT_SECONDS."""
        beating = asyncio.create_task(self.beat(job_id))
        try:
            yield
        finally:
            beating.cancel()
            with suppress(asyncio.CancelledError):
                await beating
            self.reported.pop(job_id, None)

    async def beat(self, job_id: int) -> None:
        loop = asyncio.get_running_loop()
        written, last = None, loop.time()
        while True:
            await asyncio.sleep(PROGRESS_EVERY_SECONDS)
            progress = self.reported.get(job_id)
            if progress == written and loop.time() - last < HEARTBEAT_SECONDS:
                continue
            try:
                if progress == written:
                    await self.db.write_returning(HEARTBEAT, int, job_id=job_id, now=now())
                else:
                    done, total = progress
                    await self.db.write_returning(PROGRESS, int, job_id=job_id, done=done, total=total, now=now())
                    written = progress
                last = loop.time()
            except Exception:  # a busy database: the next beat may get through
                logger.warning("import %s: heartbeat not written", job_id, exc_info=True)

    def reporter(self, job_id: int) -> Progress:
        """For work in a worker thread: reports its progress, which the job's heartbeat writes
        (the work never waits for the loop), and stops the work once the job stopped waiting."""

        def report(done: int, total: int) -> None:
            still_wanted()
            self.reported[job_id] = (done, total)

        return report

    async def preview(self, user_id: int, job_id: int, reading: Reading) -> None:
        """Matches the films (kept with the entries, for the apply) and counts what would change."""
        await self.run(job_id, "matching", self.match(user_id, job_id, reading))

    async def match(self, user_id: int, job_id: int, reading: Reading) -> None:
        summary, text, refusal = await off_loop(self.previewed, user_id, reading, self.reporter(job_id))
        if refusal:  # said now, not after the person says "Import"
            await self.failed(job_id, refusal)
            return
        await self.db.write_returning(READY, int, job_id=job_id, summary=summary, entries=text, now=now())

    def previewed(self, user_id: int, reading: Reading, progress: Progress) -> tuple[str, str, str | None]:
        """In a worker thread: the preview's summary, the entries as stored() keeps them, and why
        the import would pass a limit on lists, if it would."""
        entries = reading.entries
        listed = [Named(item.imdb_id, item.title, item.year) for read in reading.lists for item in read.items]
        with self.connections.connect() as connection:
            matches = match_films(connection, [named(entry) for entry in entries] + listed, progress)
            lists = lists_of(connection, user_id)
            own_lists = list_changes(connection, user_id, list(reading.lists), matches)
            refusal = too_many_lists(
                own_lists, own_lists_counted(connection, user_id), self.max_lists, self.max_films_per_list
            )
        counted = plan_of(entries, matches, lists).summary()  # the plan goes at once
        outcome = {**counted, "lists": list_summary(own_lists), "left_out": reading.left_out}
        return json.dumps(outcome), stored(entries, matches, reading.lists), refusal

    async def write(self, user_id: int, job_id: int) -> None:
        """Applies a previewed import, planned afresh against the lists as they are now."""
        await self.run(job_id, "writing", self.write_now(user_id, job_id))

    async def write_now(self, user_id: int, job_id: int) -> None:
        [(text,)] = await self.db.fetch_all(ENTRIES, job_id=job_id)
        listed, plan, own_lists, lists_now = await off_loop(self.planned, user_id, text)
        del text  # 10 MB for 100,000 entries, not needed while writing
        message = too_many_films(listed, plan, self.max_films)
        if message := message or too_many_lists(own_lists, lists_now, self.max_lists, self.max_films_per_list):
            await self.failed(job_id, message)
            return
        await self.write_batches(user_id, job_id, plan)
        await off_loop(self.lists_written, user_id, own_lists)
        outcome = {**plan.summary(), "lists": list_summary(own_lists)}
        await self.db.write_returning(DONE, int, job_id=job_id, summary=json.dumps(outcome), now=now())

    def planned(self, user_id: int, text: str) -> tuple[int, Plan, list[ListChange], int]:
        """In a worker thread: how many films the person lists now, the stored entries' plan,
        what comes to their own lists, and how many of those they have."""
        entries, matches, reads = restored(text)
        with self.connections.connect() as connection:
            lists = lists_of(connection, user_id)
            own_lists = list_changes(connection, user_id, reads, matches)
            lists_now = own_lists_counted(connection, user_id)
        return len(lists.listed), plan_of(entries, matches, lists), own_lists, lists_now

    def lists_written(self, user_id: int, own_lists: list[ListChange]) -> None:
        """In a worker thread: the lists made or given their films, after the entries' batches."""
        still_wanted()
        with self.connections.connect() as connection:
            write_lists(connection, user_id, own_lists, now())

    async def run(self, job_id: int, doing: str, work: Coroutine) -> None:
        """`work` with the job's heartbeat, within its budget; a job that fails says so."""
        try:
            async with self.heartbeat(job_id):
                with anyio.move_on_after(self.budget_seconds) as budget:
                    await work
            if budget.cancelled_caught:
                await self.failed(job_id, over_budget(self.budget_seconds))
        except Superseded:
            logger.warning("import %s was marked interrupted while %s; it stopped there", job_id, doing)
        except Exception:
            logger.exception("import %s failed while %s", job_id, doing)
            await self.failed(job_id, FAILED)

    async def write_batches(self, user_id: int, job_id: int, plan: Plan) -> None:
        total = change_count(plan)
        await self.db.write_returning(PROGRESS, int, job_id=job_id, done=0, total=total, now=now())
        await off_loop(self.written, user_id, job_id, plan, total)

    def written(self, user_id: int, job_id: int, plan: Plan, total: int) -> None:
        """In a worker thread: the plan's changes, BATCH_ROWS in each transaction, which first
        moves the job's progress on (and with it its heartbeat), or finds it no longer applying
        (Superseded) and writes nothing. The app's own writers, kept out meanwhile, wait on
        SQLite's busy timeout: a batch holds the write lock for a fraction of a second."""
        rows, new_ids, timestamp, done = changes(plan), {}, now(), 0
        with self.connections.connect() as connection:
            while batch := list(islice(rows, BATCH_ROWS)):
                still_wanted()
                done += len(batch)
                with connection.begin():
                    values = {"job_id": job_id, "done": done, "total": total, "now": now()}
                    if connection.execute(WRITTEN, values).first() is None:
                        raise Superseded()
                    write_changes(connection, user_id, batch, new_ids, timestamp)
                if self.db.sqlite is not None:
                    time.sleep(SQLITE_BATCH_PAUSE_SECONDS)

    async def failed(self, job_id: int, message: str) -> None:
        await self.db.write_returning(FAILED_NOW, int, job_id=job_id, message=message, now=now())
