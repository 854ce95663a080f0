"""A catalog load under way, noted in the database while it runs, so that `flicklist catalog
status` can tell a load that never finished (its process killed, the machine restarted) from
one that did: the films it merged before it stopped are in use, and the last finished load's
figures no longer describe the catalog. Kept as one row of instance_settings (no schema of
its own); a finished load, or one refused before it changed anything, takes it away."""

import json
import os
import socket
import time
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db import Database
from ..tables import films, instance_settings, movies, now

NAME = "catalog load under way"
READING, MERGING = "reading", "merging"
VALUE = select(instance_settings.c.value).where(instance_settings.c.name == NAME)
IN_USE = select(
    select(func.count()).select_from(films).scalar_subquery(),
    select(func.count(movies.c.film_id.distinct())).scalar_subquery(),
)


class LoadUnderWay(NamedTuple):
    started_at: int
    source: str
    stage: str  # READING: the catalog is as it was; MERGING: some of the films are in
    process: int
    host: str

    def running(self) -> bool | None:
        """Whether its process is alive; None when it ran on another machine, which only that
        machine can tell."""
        if self.host != socket.gethostname():
            return None
        try:
            os.kill(self.process, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, another user's
            return True
        return True


class CatalogInUse(NamedTuple):
    films: int
    on_lists: int  # catalog films on someone's watchlist or watched list


class AnotherLoad(Exception):
    """A load of the same kind is running in another process; the message says which."""


async def claim(connection: AsyncConnection, name: str, source: str) -> str:
    """Notes under `name` that this process is loading (the value noted, for `release`), unless
    another process's load is running (AnotherLoad); one whose process has stopped is taken over."""
    mine = as_value(LoadUnderWay(now(), source[:40], READING, os.getpid(), socket.gethostname()[:30]))
    noted = select(instance_settings.c.value).where(instance_settings.c.name == name)
    if (found := (await connection.execute(noted)).scalar_one_or_none()) is not None:
        other = LoadUnderWay(**json.loads(found))
        if other.running() is not False:
            raise AnotherLoad(
                f"Another load of {source.split(' ')[0]} is under way (process {other.process} on {other.host}, "
                f"since {time.strftime('%Y-%m-%d %H:%M', time.localtime(other.started_at))}): wait for it to finish."
            )
        await connection.execute(release_statement(name, found))
    try:
        await connection.execute(insert(instance_settings).values(name=name, value=mine))
        await connection.commit()
    except IntegrityError:  # another process noted its load just now
        await connection.rollback()
        raise AnotherLoad(f"Another load of {source.split(' ')[0]} has just started: wait for it to finish.") from None
    return mine


def release_statement(name: str, value: str):
    return delete(instance_settings).where(instance_settings.c.name == name, instance_settings.c.value == value)


async def release(connection: AsyncConnection, name: str, value: str) -> None:
    await connection.execute(release_statement(name, value))
    await connection.commit()


async def note_started(connection: AsyncConnection, source: str) -> None:
    under_way = LoadUnderWay(now(), source[:40], READING, os.getpid(), socket.gethostname()[:30])
    await forget(connection)
    await connection.execute(insert(instance_settings).values(name=NAME, value=as_value(under_way)))


async def note_merging(connection: AsyncConnection) -> None:
    """From here on, a load that stops leaves the catalog part old, part new."""
    under_way = await read(connection)
    value = as_value(under_way._replace(stage=MERGING))
    await connection.execute(update(instance_settings).where(instance_settings.c.name == NAME).values(value=value))


def as_value(under_way: LoadUnderWay) -> str:
    # Within the column's 200 characters: the source and host are cut short above.
    return json.dumps(under_way._asdict(), ensure_ascii=False)


async def forget(connection: AsyncConnection) -> None:
    await connection.execute(delete(instance_settings).where(instance_settings.c.name == NAME))


async def read(connection: AsyncConnection) -> LoadUnderWay:
    return LoadUnderWay(**json.loads((await connection.execute(VALUE)).scalar_one()))


async def under_way(db: Database) -> LoadUnderWay | None:
    """The load started and not finished, if there is one."""
    rows = await db.fetch_all(VALUE)
    return LoadUnderWay(**json.loads(rows[0][0])) if rows else None


async def in_use(db: Database) -> CatalogInUse:
    return CatalogInUse(*(await db.fetch_all(IN_USE))[0])
