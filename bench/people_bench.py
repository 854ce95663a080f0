"""Issue 30's size targets: `flicklist catalog load` of IMDb's people files (title.principals,
title.crew, name.basics, title.akas) for a catalog of about a million films, in under five
minutes and 400 MB. Loads the synthetic title.basics and title.ratings first, then the four
people files twice (a first load, then a reload, which writes a new generation and removes
the old), each as a process of its own whose peak memory is measured, and prints a markdown
table of seconds, peak MB and how much the database grew.

    .venv/bin/python bench/people_bench.py
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/peoplebench .venv/bin/python bench/people_bench.py

SQLite unless BENCH_DATABASE_URL names a PostgreSQL database, which is made afresh and dropped
at the end (so its name must contain "bench"); the SQLite file is a temporary one.
BENCH_CATALOG_LINES (default 12,000,000) sets the files' size; they are made once in
BENCH_CATALOG_DIR (default /tmp/peoplebench/data)."""

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from catalog_bench import LINES, MEASURE_PEAK, timed_load
from sqlalchemy import text

from flicklist.catalog.synthetic import write as write_synthetic
from flicklist.db import make_engine
from flicklist.migrations import upgrade

DATA_DIR = Path(os.environ.get("BENCH_CATALOG_DIR") or "/tmp/peoplebench/data")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
PEOPLE_FILES = ("title.principals", "title.crew", "name.basics", "title.akas")
HOLDS = re.compile(r"holds ([\d,]+) credits of ([\d,]+) people and ([\d,]+) alternate titles")


def synthetic_files() -> tuple[Path, Path, list[Path]]:
    """title.basics, title.ratings and the people files, made once (the same seed, the same files)."""
    basics, ratings = DATA_DIR / "title.basics.tsv.gz", DATA_DIR / "title.ratings.tsv.gz"
    people = [DATA_DIR / f"{name}.tsv.gz" for name in PEOPLE_FILES]
    if not all(path.exists() for path in (basics, ratings, *people)):
        print(f"bench: generating {LINES:,} lines of title.basics and the people files…", file=sys.stderr)
        write_synthetic(DATA_DIR, LINES, seed=1)
    return basics, ratings, people


def postgres_database(url: str, make: bool) -> None:
    """The database `url` names dropped, and with `make` made afresh, empty."""
    server, name = url.rsplit("/", 1)
    if "bench" not in name or not name.isidentifier():
        raise SystemExit(f"BENCH_DATABASE_URL: a database of the benchmark's own, named …bench…, not {name!r}")

    async def recreate() -> None:
        engine = make_engine(f"{server}/postgres")
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            if make:
                await connection.execute(text(f"CREATE DATABASE {name}"))
        await engine.dispose()

    asyncio.run(recreate())


def database_bytes(url: str) -> int:
    """The database's size: SQLite's file (with its write-ahead log), PostgreSQL's pg_database_size."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return sum(file.stat().st_size for file in (path, Path(f"{path}-wal")) if file.exists())

    async def size() -> int:
        engine = make_engine(url)
        async with engine.connect() as connection:
            found = (await connection.execute(text("SELECT pg_database_size(current_database())"))).scalar_one()
        await engine.dispose()
        return found

    return asyncio.run(size())


def timed_people_load(url: str, files: list[Path]) -> tuple[float, int, str]:
    """Seconds, peak megabytes and the counts `flicklist catalog load` of the people files reports."""
    command = [sys.executable, "-c", MEASURE_PEAK, sys.executable, "-m", "flicklist.cli", "catalog", "load"]
    env = {**os.environ, "FLICKLIST_DATABASE_URL": url, "FLICKLIST_SECRET_KEY": "bench-" + "k" * 40}
    started = time.perf_counter()
    done = subprocess.run([*command, *map(str, files)], env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    held = HOLDS.search(done.stdout)
    counts = f"{held[1]} credits, {held[2]} people, {held[3]} akas" if held else done.stdout.strip()
    return seconds, int(done.stderr.strip().splitlines()[-1]), counts


def row(backend: str, load: str, seconds: float, peak: int, grew: int, holds: str = "") -> str:
    return f"| {backend} | {load} | {seconds:,.1f} | {peak:,} | {grew / 1e6:+,.0f} MB | {holds} |"


def run(url: str) -> list[str]:
    """The table's rows for the database at `url`, made empty."""
    basics, ratings, people = synthetic_files()
    upgrade(url)
    backend = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    before = database_bytes(url)
    seconds, peak = timed_load(url, basics, ratings)
    rows = [row(backend, "films (basics + ratings)", seconds, peak, database_bytes(url) - before)]
    print(rows[-1], file=sys.stderr)
    for load in ("people, first load", "people, reload"):
        before = database_bytes(url)
        seconds, peak, holds = timed_people_load(url, people)
        rows.append(row(backend, load, seconds, peak, database_bytes(url) - before, holds))
        print(rows[-1], file=sys.stderr)
    return rows


def main() -> int:
    if DATABASE_URL:
        postgres_database(DATABASE_URL, make=True)
        try:
            rows = run(DATABASE_URL)
        finally:
            postgres_database(DATABASE_URL, make=False)
    else:
        with tempfile.TemporaryDirectory(prefix="peoplebench-") as folder:
            rows = run(f"sqlite+aiosqlite:///{folder}/catalog.sqlite3")
    sizes = ", ".join(f"{path.name} {path.stat().st_size / 1e6:,.0f} MB" for path in sorted(DATA_DIR.glob("*.tsv.gz")))
    print(f"Synthetic files of {LINES:,} title.basics lines (seed 1): {sizes}.\n")
    print("| database | load | seconds | peak MB | database grew | the catalog then holds |")
    print("|---|---|---:|---:|---:|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
