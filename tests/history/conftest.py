"""Importing and exporting: files in Letterboxd's and IMDb's formats, built as those sites write
them, and a person who uploads one and waits for the preview."""

import asyncio
import csv
import io
import re
import zipfile

import pytest
from support import text_of

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


async def import_file(user, name: str, content: bytes, apply: bool = True) -> str:
    """Uploads `content`, waits for the preview, and (unless told not to) imports it; the text
    of the last page seen (the preview, or what was imported)."""
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
    assert "Imported" in done, done
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
        "Already there, unchanged": "already_there",
        "Not in the catalog, kept as written": "not_matched",
    }
    return {
        key: int(re.search(rf"{re.escape(label)}\s*([\d,]+)", page).group(1).replace(",", ""))
        for label, key in rows.items()
    }


@pytest.fixture
def letterboxd():
    return letterboxd_export
