"""Reading IMDb's dataset files (title.basics.tsv.gz, title.ratings.tsv.gz) as streams:
gzip or plain, one line at a time, every line checked; a bad one stops the read with the
file's name, the line's number and what is wrong with it."""

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple

from ..whole_numbers import INTEGER_MAX, whole_number

BASICS_COLUMNS = [
    "tconst",
    "titleType",
    "primaryTitle",
    "originalTitle",
    "isAdult",
    "startYear",
    "endYear",
    "runtimeMinutes",
    "genres",
]
RATINGS_COLUMNS = ["tconst", "averageRating", "numVotes"]
FILM_TYPES = ("movie", "tvMovie")
IMDB_ID = re.compile(r"tt[0-9]{1,14}")  # a title's id, tconst: "tt0113277" (films.imdb_id holds 16)
NULL = "\\N"


# IMDb's file names (title.basics.tsv.gz, or unpacked, .tsv): what `flicklist catalog load` knows.
DATASETS = ("title.basics", "title.ratings", "title.akas", "title.crew", "title.principals", "name.basics")


def dataset_of(path: Path) -> str | None:
    """Which of IMDb's files `path` is, by its name."""
    for dataset in DATASETS:
        if path.name in (f"{dataset}.tsv", f"{dataset}.tsv.gz"):
            return dataset
    return None


def datasets_in(paths: list[Path]) -> dict[str, Path]:
    """IMDb's files among `paths` (files, or folders whose IMDb files are all taken) by dataset.
    One file of another name is title.basics, as the load's one argument always was. ValueError
    says what cannot be loaded."""
    found: dict[str, Path] = {}
    unnamed = []
    for path in paths:
        if path.is_dir():
            inside = [file for file in sorted(path.iterdir()) if dataset_of(file)]
            if not inside:
                raise ValueError(f"{path}: no IMDb file in this folder (named as IMDb names them: title.crew.tsv.gz …)")
        elif path.is_file():
            inside = [path]
        else:
            raise ValueError(f"{path}: no such file.")
        for file in inside:
            dataset = dataset_of(file) or "title.basics"
            if dataset_of(file) is None:
                unnamed.append(file)
            if dataset in found and found[dataset] != file:
                raise ValueError(f"two files of {dataset}: {found[dataset]} and {file}")
            found[dataset] = file
    if len(unnamed) > 1 or (unnamed and len(paths) > 1):
        raise ValueError(f"{unnamed[0]}: not one of IMDb's file names ({', '.join(DATASETS)}, .tsv or .tsv.gz)")
    return found


class BadFile(Exception):
    """What is wrong with a file, and where: 'title.basics.tsv.gz, line 7: …'."""


class FilmRow(NamedTuple):
    imdb_id: str
    kind: str
    title: str
    original_title: str
    adult: bool
    year: int | None
    runtime: int | None
    genres: str


class RatingRow(NamedTuple):
    imdb_id: str
    rating: int  # tenths
    votes: int


class DatasetFile:
    """An open dataset file: its lines as lists of fields, and how far through it the reading is."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.columns = columns
        self.size = path.stat().st_size
        self.raw: IO[bytes] = path.open("rb")
        compressed = self.raw.read(2) == b"\x1f\x8b"
        self.raw.seek(0)
        self.binary: IO[bytes] = gzip.GzipFile(fileobj=self.raw) if compressed else self.raw
        self.line_number = 0

    def position(self) -> float:
        """How much of the file (as stored, compressed or not) has been read, 0 to 1."""
        return self.raw.tell() / self.size if self.size else 1.0

    def fail(self, reason: str) -> BadFile:
        return BadFile(f"{self.path.name}, line {self.line_number}: {reason}")

    def rows(self, kinds: tuple[str, ...] = ()) -> Iterator[list[str]]:
        """Each line's fields; with `kinds`, only lines whose second field is one of them (the
        others, most of title.basics, are only checked for their number of fields: splitting
        them would cost a third of a load). Each line is decoded on its own, so a line that is
        not UTF-8 is named exactly."""
        tabs, kind_starts = len(self.columns) - 1, tuple(f"{kind}\t" for kind in kinds)
        try:
            for raw in self.binary:
                self.line_number += 1
                try:
                    line = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
                except UnicodeDecodeError:
                    raise self.fail("not UTF-8 text") from None
                if "\x00" in line:
                    raise self.fail("a NUL character, which no IMDb file holds")
                if self.line_number == 1:
                    if (fields := line.removeprefix("\ufeff").split("\t")) != self.columns:
                        raise self.fail(f"expected the columns {', '.join(self.columns)}, found {', '.join(fields)}")
                    continue
                if line.count("\t") != tabs:
                    raise self.fail(f"expected {tabs + 1} tab-separated fields, found {line.count(chr(9)) + 1}")
                if kind_starts and not line.startswith(kind_starts, line.find("\t") + 1):
                    continue
                yield line.split("\t")
        except (EOFError, gzip.BadGzipFile, OSError, zlib.error) as error:
            raise self.fail(f"the file ends early or is damaged ({error})") from None
        if self.line_number == 0:
            raise BadFile(f"{self.path.name}: the file is empty")

    def close(self) -> None:
        self.binary.close()
        self.raw.close()


def number(file: DatasetFile, value: str, column: str) -> int | None:
    if value == NULL:
        return None
    if (found := whole_number(value, 0, INTEGER_MAX)) is None:
        raise file.fail(f"{column} must be a whole number or \\N, not {value[:30]!r}")
    return found


def films(file: DatasetFile, adult: bool = False) -> Iterator[FilmRow]:
    """The films (movie, tvMovie) of a title.basics file; adult titles only when asked for."""
    for tconst, kind, title, original, is_adult, start, _end, runtime, genres in file.rows(FILM_TYPES):
        if not IMDB_ID.fullmatch(tconst):
            raise file.fail(f"tconst must look like tt0113277, not {tconst[:30]!r}")
        if is_adult not in ("0", "1"):
            raise file.fail(f"isAdult must be 0 or 1, not {is_adult[:30]!r}")
        if is_adult == "1" and not adult:
            continue
        year, minutes = number(file, start, "startYear"), number(file, runtime, "runtimeMinutes")
        if not title or title == NULL:
            raise file.fail("primaryTitle is empty")
        yield FilmRow(
            tconst,
            kind,
            title[:500],
            (original if original != NULL else title)[:500],
            is_adult == "1",
            year,
            minutes,
            "" if genres == NULL else genres[:200],
        )


def ratings(file: DatasetFile) -> Iterator[RatingRow]:
    for tconst, average, votes in file.rows():
        try:
            tenths = round(float(average) * 10)
        except (ValueError, OverflowError):  # OverflowError: "inf"
            tenths = -1
        if not 0 <= tenths <= 100:
            raise file.fail(f"averageRating must be a number from 0 to 10, not {average[:30]!r}")
        count = number(file, votes, "numVotes")
        yield RatingRow(tconst, tenths, count or 0)
