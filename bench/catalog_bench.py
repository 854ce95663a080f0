"""The catalog's part of `make bench`: loading a synthetic 12-million-line title.basics file
(about a million films), searching it as the add field does, GET / with catalog films
against free-text ones, and GET / while the catalog reloads. BENCH_CATALOG_LINES (default
12,000,000) sets the file's size."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text, update

from flicklist.catalog.synthetic import write as write_synthetic
from flicklist.db import make_engine
from flicklist.migrations import upgrade
from flicklist.tables import movies

LINES = int(os.environ.get("BENCH_CATALOG_LINES", "12000000"))
# A mix of 1- to 3-word queries as people type them (the synthetic titles' words).
QUERIES = [
    "love", "the dark", "night", "heat", "king", "amelie", "dream house", "the", "man", "secret garden",
    "blood moon", "wild", "zero hero", "christmas", "game", "lost city", "the last war", "star", "black water",
    "summer", "ghost", "road home", "the iron king", "angel", "caf%C3%A9", "mission", "big money", "cold heart",
]  # fmt: skip
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


def search_script(headers: dict[str, str]) -> str:
    header_lines = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items())
    queries = ", ".join(f'"{query.replace(" ", "+")}"' for query in QUERIES)
    return f"""{header_lines}
queries = {{{queries}}}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/films/search?q=" .. queries[(counter % #queries) + 1])
end
"""


def prepare(folder: str, catalog_url: str) -> tuple[Path, Path, float, int]:
    """The synthetic files (made once per folder) and a catalog database loaded from them."""
    basics, ratings = Path(folder) / "title.basics.tsv.gz", Path(folder) / "title.ratings.tsv.gz"
    if not basics.exists():
        print(f"bench: generating a {LINES:,}-line title.basics file…", file=sys.stderr)
        write_synthetic(Path(folder), LINES, seed=1)
    upgrade(catalog_url)
    seconds, peak_mb = timed_load(catalog_url, basics, ratings)
    return basics, ratings, seconds, peak_mb
