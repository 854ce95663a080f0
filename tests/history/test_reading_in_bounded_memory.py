"""Reading an uploaded history file in bounded memory whatever it unpacks to: large exports,
ZIP and CSV bombs, one film's history past any export's, each measured as the memory a process
reading it takes. Apart from test_reading.py so that, taking seconds each, they run beside it on
another worker."""

import ctypes
import gc
import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import pytest
from test_reading import CAP, MB, a_real_diary, refusal

from flicklist.history.readers import Unreadable
from flicklist.history.uploads import read_upload


def measured(name: str, content: bytes, max_entries: int = CAP) -> tuple[object, int]:
    """What reading gave (a Reading, or the Unreadable it raised) and its peak of memory in
    bytes: how far the resident size of a copy of this process (forked) rose while it read.
    How fast it reads is the benchmark's (bench/), not this."""
    # Not tracemalloc: it made reading 10x slower; the two agree within a few MB on these files.
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(reading)
            gc.collect()
            ctypes.CDLL("libc.so.6").malloc_trim(0)  # memory freed earlier, reused, would go unseen
            Path("/proc/self/clear_refs").write_text("5")  # VmHWM, the peak, starts again from here
            before = resident("VmRSS")
            try:
                outcome = read_upload(name, content, max_entries)
            except Exception as error:
                outcome = error
            peak = resident("VmHWM") - before
            with os.fdopen(writing, "wb") as pipe:
                pickle.dump((outcome, peak), pipe)
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        outcome, peak = pickle.load(pipe)
    os.waitpid(child, 0)
    if isinstance(outcome, Exception) and not isinstance(outcome, Unreadable):
        raise outcome
    return outcome, peak


def resident(field: str) -> int:
    """VmRSS (resident now) or VmHWM (its peak) of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


FILM = json.dumps(
    {
        "title": "Heat",
        "year": 1995,
        "imdb_id": "tt0113277",
        "list": "watchlist",
        "rating": None,
        "added_at": "2024-01-01T10:00:00Z",
        "watched_at": None,
        "viewings": [],
    },
    separators=(",", ":"),
).encode()


def flicklist_json_zip(entries: int) -> bytes:
    """A FlickList export ZIP whose flicklist.json holds `entries` alike entries of 150 bytes
    (the issue's held 1.46 M in 195 MB), written as it is compressed, never whole here either."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("flicklist.json", "w") as file:
        file.write(b'{"format": "FlickList export", "version": 1, "exported_at": "2024-01-01T10:00:00Z",\n"entries": [')
        batch = b",\n".join([FILM] * 1000)
        for number in range(entries // 1000):
            file.write((b",\n" if number else b"") + batch)
        file.write(b"]}")
    return out.getvalue()


@pytest.mark.slow
def test_a_zip_of_150000_small_entries_is_refused_at_the_cap_in_bounded_memory():
    bomb = flicklist_json_zip(150_000)
    assert len(bomb) < MB
    outcome, peak = measured("export.zip", bomb)
    assert isinstance(outcome, Unreadable)
    assert str(outcome) == ("export.zip holds more than 100,000 entries, the most FlickList imports at once.")
    assert peak < 120 * MB, f"{peak / MB:.0f} MB"


@pytest.mark.slow
def test_a_zip_bomb_far_past_what_the_cap_needs_is_refused_unread_and_in_bounded_memory():
    """The issue's file: a ZIP of under 1 MB holding a flicklist.json of 195 MB (1.46 M entries).
    Its entries are past the cap long before its end; one of a few entries in whitespace is past
    the bytes the cap needs, and is refused when reading gets there, whatever the ZIP's header says."""
    bomb = flicklist_json_zip(1_460_000)
    assert len(bomb) < MB
    outcome, peak = measured("export.zip", bomb)
    assert "holds more than 100,000 entries, the most FlickList imports at once." in str(outcome)
    assert peak < 120 * MB, f"{peak / MB:.0f} MB"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("flicklist.json", "w") as file:
        file.write(b'{"format": "FlickList export", "version": 1, "entries": [')
        for number in range(300):
            file.write((b"," if number else b"") + b" " * MB + FILM)
        file.write(b"]}")
    spaces = out.getvalue()
    assert len(spaces) < MB
    outcome, peak = measured("spaces.zip", spaces)
    assert str(outcome) == (
        "spaces.zip: it unpacks to more than 100 MB, more than an export of 100,000 entries "
        "(the most FlickList imports at once) needs; not imported."
    )
    assert peak < 20 * MB, f"{peak / MB:.0f} MB"


@pytest.mark.slow
def test_a_csv_bomb_is_refused_at_its_long_line_without_reading_it_whole():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("watched.csv", "w") as file:
        file.write(b"Date,Name,Year,Letterboxd URI\n")
        for _ in range(300):
            file.write(b" " * MB)
    outcome, peak = measured("bomb.zip", out.getvalue())
    assert str(outcome) == "watched.csv, line 2: a line longer than any export's; not imported."
    assert peak < 20 * MB, f"{peak / MB:.0f} MB"


@pytest.mark.slow
def test_a_real_shaped_diary_of_100000_entries_comes_in_whole_in_bounded_memory():
    diary = a_real_diary(CAP)
    outcome, peak = measured("diary.csv", diary)
    assert len(outcome.entries) == CAP and outcome.entries[-1].title == "A Film Called Number 99999"
    assert peak < 120 * MB, f"{peak / MB:.0f} MB"


def a_film_watched(times: int) -> bytes:
    viewing = {"watched_on": "2024-01-01", "rating": None, "rewatch": True, "review": "", "tags": []}
    entry = {
        "title": "Groundhog Day",
        "year": 1993,
        "imdb_id": None,
        "list": "watched",
        "rating": 5,
        "added_at": "2024-01-01T10:00:00Z",
        "watched_at": "2024-01-01T10:00:00Z",
        "viewings": [{**viewing, "logged_at": "2024-01-01T10:00:00Z"}] * times,
    }
    return json.dumps({"format": "FlickList export", "version": 1, "entries": [entry]}).encode()


@pytest.mark.slow
def test_each_viewing_in_flicklist_json_counts_toward_the_cap_and_one_film_is_bounded():
    assert len(read_upload("flicklist.json", a_film_watched(1_000), 1_000).entries[0].viewings) == 1_000
    assert refusal("flicklist.json", a_film_watched(1_001), 1_000) == (
        "flicklist.json holds more than 1,000 entries, the most FlickList imports at once."
    )
    outcome, peak = measured("flicklist.json", a_film_watched(50_000))
    assert str(outcome) == (
        "flicklist.json, entry 1: it is larger than 4 MB, more than any film's history in an export; not imported."
    )
    assert peak < 60 * MB, f"{peak / MB:.0f} MB"
