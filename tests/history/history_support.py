"""What the import and export tests share: files in Letterboxd's and IMDb's formats, built as
those sites write them, and a person who uploads one and waits for the preview."""

import asyncio
import csv
import io
import json
import re
import zipfile
from contextlib import asynccontextmanager

import httpx
from browser_support import LiveServer
from support import Visitor, text_of

LETTERBOXD_HEADER = ["Date", "Name", "Year", "Letterboxd URI"]


def csv_bytes(header: list[str], rows: list[list[str]], bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def letterboxd_export(watchlist=(), watched=(), ratings=(), diary=(), reviews=(), deleted_diary=()) -> bytes:
    """A Letterboxd export ZIP: rows without the Letterboxd URI column's value, which is filled in."""
    uri = "https://boxd.it/abc"
    return zipped(
        {
            "profile.csv": b"Date Joined,Username\n2020-01-01,ann\n",
            "watchlist.csv": csv_bytes(LETTERBOXD_HEADER, [[d, n, y, uri] for d, n, y in watchlist]),
            "watched.csv": csv_bytes(LETTERBOXD_HEADER, [[d, n, y, uri] for d, n, y in watched]),
            "ratings.csv": csv_bytes([*LETTERBOXD_HEADER, "Rating"], [[d, n, y, uri, r] for d, n, y, r in ratings]),
            "diary.csv": csv_bytes(
                [*LETTERBOXD_HEADER, "Rating", "Rewatch", "Tags", "Watched Date"],
                [[d, n, y, uri, r, rw, t, wd] for d, n, y, r, rw, t, wd in diary],
            ),
            "reviews.csv": csv_bytes(
                [*LETTERBOXD_HEADER, "Rating", "Rewatch", "Review", "Tags", "Watched Date"],
                [[d, n, y, uri, r, rw, rv, t, wd] for d, n, y, r, rw, rv, t, wd in reviews],
            ),
            "deleted/diary.csv": csv_bytes(
                [*LETTERBOXD_HEADER, "Rating", "Rewatch", "Tags", "Watched Date"],
                [[d, n, y, uri, r, rw, t, wd] for d, n, y, r, rw, t, wd in deleted_diary],
            ),
        }
    )


async def import_file(user, name: str, content: bytes, apply: bool = True, expect: str = "Imported") -> str:
    """Uploads `content`, waits for the preview, and (unless told not to) imports it; the text
    of the last page seen (the preview, or what was imported, under the heading `expect`)."""
    response = await user.upload("/account/import", name, content)
    assert response.status_code == 303, text_of(response.text)
    job_url = response.headers["location"]
    preview = await settled(user, job_url)
    assert "What importing will do" in preview, preview
    if not apply:
        return preview
    applied = await user.post(f"{job_url}/apply")
    assert applied.headers["location"] == job_url
    done = await settled(user, job_url)
    assert expect in done, done
    return done


async def settled(user, job_url: str) -> str:
    """The import page's text once the import stops running."""
    for _ in range(400):
        page = (await user.get(job_url)).text
        if 'hx-trigger="every 500ms"' not in page:
            return text_of(page)
        await asyncio.sleep(0.025)
    raise AssertionError(f"{job_url} still running")


def counted(page: str) -> dict[str, int]:
    """The preview's table, as numbers."""
    rows = {
        "To your watchlist": "to_watchlist",
        "To your Watched list": "to_watched",
        "Viewings for your diary": "viewings",
        "Ratings": "ratings",
        "Reviews": "reviews",
        "Likes": "likes",
        "Already there, unchanged": "already_there",
        "Not in the catalog, kept as written": "not_matched",
    }
    return {
        key: int(re.search(rf"{re.escape(label)}\s*([\d,]+)", page).group(1).replace(",", ""))
        for label, key in rows.items()
    }


def a_watchlist(films: int, first: int = 0) -> bytes:
    """A Letterboxd watchlist.csv of `films` films no catalog holds."""
    rows = [["2024-01-01", f"Film number {n}", "2000", "x"] for n in range(first, first + films)]
    return csv_bytes(LETTERBOXD_HEADER, rows)


def a_diary(viewings: int) -> bytes:
    """A Letterboxd diary.csv of `viewings` viewings of 100 films, many of a film on one day."""
    header = [*LETTERBOXD_HEADER, "Rating", "Rewatch", "Tags", "Watched Date"]
    days = [f"2024-0{month}-1{day}" for month in range(1, 4) for day in range(5)]
    rows = [["2024-01-01", f"Film number {n % 100}", "2000", "x", "4", "", "", days[n % 15]] for n in range(viewings)]
    return csv_bytes(header, rows)


def films_on_watchlist(page: str) -> int:
    """The navigation's count of the watchlist."""
    return int(re.search(r'id="count-watchlist" class="count">([\d,]+)<', page).group(1).replace(",", ""))


def number(text: str) -> int:
    return int(text.replace(",", ""))


async def written_at_least(user, job_url: str, changes: int) -> None:
    """Waits until the import's status says it has written `changes`."""
    for _ in range(2_000):
        status = text_of((await user.get(job_url, htmx=True)).text)
        found = re.search(r"([\d,]+) of [\d,]+ changes written", status)
        if found and number(found.group(1)) >= changes:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"{job_url} wrote nothing")


def changes_written(page: str) -> tuple[int, int]:
    """What an import that stopped says it had written: (changes, of how many)."""
    found = re.search(r"([\d,]+) of ([\d,]+) changes had been written", page)
    assert found, page
    return number(found.group(1)), number(found.group(2))


async def export_document(visitor) -> list[dict]:
    """flicklist.json's entries from the visitor's export, without the times."""
    response = await visitor.get("/account/export.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        entries = json.loads(archive.read("flicklist.json"))["entries"]
    kept = ("title", "year", "imdb_id", "list", "rating", "viewings")
    return [{key: entry[key] for key in kept} for entry in entries]


@asynccontextmanager
async def person(server: LiveServer, email: str, keep_alive: bool = True):
    """A new account on the server, logged in. Without keep-alive, each request comes on a new
    connection, which any of the server's workers may take."""
    limits = httpx.Limits(max_keepalive_connections=None if keep_alive else 0)
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:
        visitor = Visitor(client)
        await visitor.register(email)
        await visitor.get("/")
        yield visitor
