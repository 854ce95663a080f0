"""The history issue's part of `make bench`: a Letterboxd export ZIP of 10,000 diary entries and
3,000 watchlist films, in Letterboxd's own file formats, drawn from the loaded catalog (with a
few titles no catalog has), uploaded, previewed and imported over HTTP; GET / meanwhile; and
the export of the account it filled.

    python bench/history_bench.py OUT.zip CATALOG_DATABASE_URL   # just the file"""

import asyncio
import contextlib
import csv
import io
import random
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # as run.py: the tests' helpers
from support import csrf_token_in

from flicklist.db import make_engine
from flicklist.tables import films

DIARY_ENTRIES = 10_000
WATCHLIST_FILMS = 3_000
POPULAR_FILMS = 200_000
UNKNOWN_SHARE = 0.02
WORDS = ("the", "night", "of", "long", "road", "home", "city", "light", "river", "winter", "king")


def catalog_films(catalog_url: str) -> list[tuple[str, int | None]]:
    async def read() -> list[tuple[str, int | None]]:
        engine = make_engine(catalog_url)
        async with engine.connect() as connection:
            found = await connection.execute(select(films.c.title, films.c.year).where(films.c.id <= POPULAR_FILMS))
            rows = [(title, year) for title, year in found]
        await engine.dispose()
        return rows

    return asyncio.run(read())


def csv_file(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def letterboxd_export(
    known: list[tuple[str, int | None]],
    seed: int = 4,
    diary_entries: int = DIARY_ENTRIES,
    watchlist_films: int = WATCHLIST_FILMS,
) -> bytes:
    """Letterboxd's export: diary.csv (a film seen again now and then), watched.csv, ratings.csv
    and reviews.csv that follow from it, and watchlist.csv of films not yet seen."""
    chooser = random.Random(seed)

    def film() -> tuple[str, str]:
        if chooser.random() < UNKNOWN_SHARE:
            return " ".join(chooser.choices(WORDS, k=4)).title() + f" {chooser.randint(1, 999)}", "2003"
        title, year = chooser.choice(known)
        return title, str(year or "")

    seen = [film() for _ in range(int(diary_entries * 0.85))]
    diary, reviews, rated = [], [], {}
    for n in range(diary_entries):
        title, year = seen[n] if n < len(seen) else chooser.choice(seen)
        day = f"{chooser.randint(2014, 2025)}-{chooser.randint(1, 12):02d}-{chooser.randint(1, 28):02d}"
        rating = str(chooser.randint(1, 10) / 2).removesuffix(".0") if chooser.random() < 0.7 else ""
        rewatch = "Yes" if n >= len(seen) else ""
        tags = ", ".join(chooser.sample(WORDS, 2)) if chooser.random() < 0.2 else ""
        uri = f"https://boxd.it/{n:x}"
        diary.append([day, title, year, uri, rating, rewatch, tags, day])
        if chooser.random() < 0.1:
            review = " ".join(chooser.choices(WORDS, k=chooser.randint(20, 200)))
            reviews.append([day, title, year, uri, rating, rewatch, review, tags, day])
        if rating:
            rated[(title, year)] = rating
    base = ["Date", "Name", "Year", "Letterboxd URI"]
    watched = sorted({(title, year) for title, year in seen})
    watchlist = [film() for _ in range(watchlist_films)]
    files = {
        "profile.csv": csv_file(["Date Joined", "Username"], [["2014-01-01", "bench"]]),
        "diary.csv": csv_file([*base, "Rating", "Rewatch", "Tags", "Watched Date"], diary),
        "reviews.csv": csv_file([*base, "Rating", "Rewatch", "Review", "Tags", "Watched Date"], reviews),
        "watched.csv": csv_file(base, [["2025-01-01", title, year, ""] for title, year in watched]),
        "ratings.csv": csv_file([*base, "Rating"], [["2025-01-01", t, y, "", r] for (t, y), r in rated.items()]),
        "watchlist.csv": csv_file(base, [["2025-01-01", title, year, ""] for title, year in watchlist]),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def until_settled(client: httpx.Client, job_url: str, every: float, give_up_after: float = 600) -> str:
    """The import's status as its page asks for it (htmx, the status fragment alone), every
    `every` seconds until it stops running, or as it stands after `give_up_after` seconds (a
    question that times out is asked again)."""
    deadline = time.monotonic() + give_up_after
    status = 'hx-trigger="every 500ms"'
    while 'hx-trigger="every 500ms"' in status and time.monotonic() < deadline:
        with contextlib.suppress(httpx.TimeoutException):
            status = client.get(job_url, headers={"HX-Request": "true"}, timeout=deadline - time.monotonic()).text
        if 'hx-trigger="every 500ms"' in status:
            time.sleep(every)
    return status


@contextlib.contextmanager
def new_account(url: str, email: str, password: str) -> Iterator[httpx.Client]:
    """A client logged in to an account made for the occasion."""
    with httpx.Client(base_url=url, timeout=120) as client:
        token = csrf_token_in(client.get("/register").text)
        client.post("/register", data={"csrf_token": token, "email": email, "password": password, "verify": password})
        yield client


@contextlib.contextmanager
def signed_in(url: str, email: str, password: str) -> Iterator[httpx.Client]:
    """A client logged in to an account made earlier."""
    with httpx.Client(base_url=url, timeout=120) as client:
        token = csrf_token_in(client.get("/login").text)
        client.post("/login", data={"csrf_token": token, "email": email, "password": password})
        yield client


def timed_import(client: httpx.Client, export: bytes, every: float = 0.02) -> tuple[float, float, str]:
    """Seconds from upload to preview, seconds from "Import" to imported, and the final status,
    asked for every `every` seconds (the page asks every 0.5 s; the timings want finer)."""
    csrf = account_csrf(client)
    started = time.perf_counter()
    response = upload(client, csrf, "letterboxd.zip", export)
    job_url = response.headers["location"]
    preview = until_settled(client, job_url, every)
    assert "What importing will do" in preview, preview[-2000:]
    previewed = time.perf_counter()
    confirm(client, csrf, job_url)
    done = until_settled(client, job_url, every)
    assert ">Imported<" in done, done[-2000:]
    return previewed - started, time.perf_counter() - previewed, done


def account_csrf(client: httpx.Client) -> str:
    return csrf_token_in(client.get("/account").text)


def upload(client: httpx.Client, csrf: str, name: str, content: bytes) -> httpx.Response:
    """The account page's upload form sent: a 303 to the import's page, or the refusal."""
    return client.post("/account/import", data={"csrf_token": csrf}, files={"file": (name, content)})


def confirm(client: httpx.Client, csrf: str, job_url: str) -> None:
    """The preview's "Import" button pressed."""
    client.post(f"{job_url}/apply", data={"csrf_token": csrf})


def timed_export(client: httpx.Client) -> float:
    started = time.perf_counter()
    response = client.get("/account/export.zip")
    assert response.status_code == 200
    return time.perf_counter() - started


if __name__ == "__main__":
    out, catalog_url = sys.argv[1:3]
    with open(out, "wb") as file:
        file.write(letterboxd_export(catalog_films(catalog_url)))
