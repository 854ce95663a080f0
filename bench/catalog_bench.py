"""The catalog's part of `make bench`: loading a synthetic 12-million-line title.basics file
(about a million films), searching it as the add field does (typed beginnings of titles, and searches none of
which repeats), GET / with catalog films
against free-text ones, and GET / while the catalog reloads. BENCH_CATALOG_LINES (default
12,000,000) sets the file's size; BENCH_CATALOG_DIR keeps the generated files between runs."""

import asyncio
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

from sqlalchemy import select, text, update

from flicklist.catalog.synthetic import write as write_synthetic
from flicklist.db import make_engine
from flicklist.migrations import upgrade
from flicklist.tables import films, movies

LINES = int(os.environ.get("BENCH_CATALOG_LINES", "12000000"))
# Where the synthetic files are made (once; the same seed gives the same files), if not the run's own folder.
DATA_DIR = os.environ.get("BENCH_CATALOG_DIR", "")
SEARCHES = 20_000
POPULAR_FILMS = 50_000
MEASURE_PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, file=sys.stderr); sys.exit(code)"
)


def load_command(database_url: str, basics: Path, ratings: Path) -> tuple[list[str], dict[str, str]]:
    command = [sys.executable, "-c", MEASURE_PEAK, sys.executable, "-m", "flicklist.cli", "catalog", "load"]
    env = {**os.environ, "FLICKLIST_DATABASE_URL": database_url, "FLICKLIST_SECRET_KEY": "bench-" + "k" * 40}
    return [*command, str(basics), "--ratings", str(ratings)], env


def timed_load(database_url: str, basics: Path, ratings: Path) -> tuple[float, int]:
    """Seconds and peak megabytes of `flicklist catalog load`."""
    command, env = load_command(database_url, basics, ratings)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, int(done.stderr.strip().splitlines()[-1])


def link_the_bench_users_movies(database_url: str) -> None:
    """The benchmark user's 100 watchlist movies become catalog films 1 to 100."""

    async def link() -> None:
        engine = make_engine(database_url)
        async with engine.begin() as connection:
            rows = (await connection.execute(text("SELECT id FROM movies WHERE user_id = 1 AND NOT watched"))).all()
            for film_id, (movie_id,) in enumerate(rows, 1):
                values = {"film_id": film_id, "title_key": f"film:{film_id}"}
                await connection.execute(update(movies).where(movies.c.id == movie_id).values(**values))
        await engine.dispose()

    asyncio.run(link())


def typed_queries(catalog_url: str, count: int, seed: int) -> list[str]:
    """What people type into the add field: the first one to three words of a film's title,
    the last often half-typed ("the dar"), for films drawn from the POPULAR_FILMS most voted
    with a long tail (Zipf: the n-th most popular is searched for 1/n as often as the first)."""

    async def popular_titles() -> list[str]:
        engine = make_engine(catalog_url)
        async with engine.connect() as connection:
            found = await connection.execute(select(films.c.title).where(films.c.id <= POPULAR_FILMS).order_by("id"))
            titles = [title for (title,) in found]
        await engine.dispose()
        return titles

    titles = asyncio.run(popular_titles())
    chooser = random.Random(seed)
    queries = []
    for title in chooser.choices(titles, weights=[1 / rank for rank in range(1, len(titles) + 1)], k=count):
        words = title.lower().split()[: chooser.randint(1, 3)]
        if len(words[-1]) > 2 and chooser.random() < 0.5:
            words[-1] = words[-1][: chooser.randint(2, len(words[-1]) - 1)]
        queries.append(" ".join(words))
    return queries


def without_repeats(queries: list[str]) -> list[str]:
    return list(dict.fromkeys(queries))


def repeated_share(queries: list[str]) -> float:
    """How many searches ask what an earlier one asked (which a worker's search cache answers)."""
    return 1 - len(set(queries)) / len(queries)


def search_script(headers: dict[str, str], queries: list[str]) -> str:
    """wrk's Lua: the queries in order, each once, over and over."""
    header_lines = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items())
    quoted = ", ".join(f'"{quote_plus(query)}"' for query in queries)
    return f"""{header_lines}
queries = {{{quoted}}}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/films/search?q=" .. queries[(counter % #queries) + 1])
end
"""


def prepare(folder: str, catalog_url: str) -> tuple[Path, Path, float, int]:
    """The synthetic files (made once per folder) and a catalog database loaded from them."""
    folder = DATA_DIR or folder
    basics, ratings = Path(folder) / "title.basics.tsv.gz", Path(folder) / "title.ratings.tsv.gz"
    if not basics.exists():
        print(f"bench: generating a {LINES:,}-line title.basics file…", file=sys.stderr)
        write_synthetic(Path(folder), LINES, seed=1)
    upgrade(catalog_url)
    seconds, peak_mb = timed_load(catalog_url, basics, ratings)
    return basics, ratings, seconds, peak_mb
