"""Reading IMDb's files of people and alternate titles (title.akas, title.crew, title.principals,
name.basics) as streams, keeping only what belongs to the films the catalog holds: each file's
rows are checked as they are read, and a bad one stops the read with the file, the line and the
reason (imdb_files.DatasetFile)."""

import json
import re
from collections.abc import Iterator
from typing import NamedTuple

from ..whole_numbers import whole_number
from .imdb_files import IMDB_ID, NULL, DatasetFile, number

AKAS_COLUMNS = ["titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"]
CREW_COLUMNS = ["tconst", "directors", "writers"]
PRINCIPALS_COLUMNS = ["tconst", "ordering", "nconst", "category", "job", "characters"]
NAMES_COLUMNS = ["nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"]
PERSON_ID = re.compile(r"nm([0-9]{1,9})")  # a person's id, nconst: "nm0000229" (people.id is its number)
# Crew-only credits come after every principal (whose ordering, 1 to 10 or so in IMDb's files,
# must stay below it): a load of one of the two files tells the others' credits by it.
CREW_POSITION = 1000


class Bitmap:
    """A set of whole numbers as one bit each: the films kept (tt numbers) and the people they
    credit (nm numbers), a few megabytes where a Python set of millions would take hundreds.
    Numbers past IMDb's ranges (a made-up file's) go to a plain set instead of a huge bitmap."""

    LIMIT = 1 << 28  # 32 MB of bits; IMDb's numbers reach about 1 << 25

    def __init__(self) -> None:
        self.bits = bytearray()
        self.others: set[int] = set()

    def add(self, n: int) -> None:
        if n >= self.LIMIT:
            self.others.add(n)
            return
        byte = n >> 3
        if byte >= len(self.bits):
            self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits))))
        self.bits[byte] |= 1 << (n & 7)

    def __bool__(self) -> bool:
        return any(self.bits) or bool(self.others)

    def __contains__(self, n: int) -> bool:
        byte = n >> 3
        if byte < len(self.bits):
            return bool(self.bits[byte] & (1 << (n & 7)))
        return n in self.others


class CreditRow(NamedTuple):
    imdb_id: str
    person_id: int
    role: str  # IMDb's category: director, writer, actor, actress, self, producer, composer, …
    position: int
    job: str
    characters: str


class AkaRow(NamedTuple):
    imdb_id: str
    ordering: int
    title: str
    region: str
    language: str


class PersonRow(NamedTuple):
    id: int
    name: str
    birth_year: int | None
    death_year: int | None
    professions: str


def tconst_number(file: DatasetFile, tconst: str) -> int:
    if not IMDB_ID.fullmatch(tconst):
        raise file.fail(f"tconst must look like tt0113277, not {tconst[:30]!r}")
    return int(tconst[2:])


def nconst_number(file: DatasetFile, nconst: str) -> int:
    if not (found := PERSON_ID.fullmatch(nconst)):
        raise file.fail(f"nconst must look like nm0000229, not {nconst[:30]!r}")
    return int(found[1])


def text_field(value: str, limit: int) -> str:
    return "" if value == NULL else value[:limit]


def akas(file: DatasetFile, films: Bitmap) -> Iterator[AkaRow]:
    """The titles elsewhere of kept films (their original title among them, with no region: a
    film's search finds it only here)."""
    for tconst, ordering, title, region, language, _types, _attributes, is_original in file.rows():
        if tconst_number(file, tconst) not in films:
            continue
        if is_original not in ("0", "1", NULL):
            raise file.fail(f"isOriginalTitle must be 0 or 1, not {is_original[:30]!r}")
        if not title or title == NULL:
            raise file.fail("title is empty")
        place = number(file, ordering, "ordering") or 0
        yield AkaRow(tconst, place, title[:500], text_field(region, 8), text_field(language, 8))


def crew(file: DatasetFile, films: Bitmap, people: Bitmap) -> Iterator[CreditRow]:
    """The directors and writers of kept films, each person noted in `people`."""
    for tconst, directors, writers in file.rows():
        if tconst_number(file, tconst) not in films:
            continue
        for role, names in (("director", directors), ("writer", writers)):
            if names == NULL:
                continue
            for place, nconst in enumerate(names.split(","), CREW_POSITION):
                person = nconst_number(file, nconst)
                people.add(person)
                yield CreditRow(tconst, person, role, place, "", "")


def principals(file: DatasetFile, films: Bitmap, people: Bitmap) -> Iterator[CreditRow]:
    """The first-billed cast and crew of kept films (TV episodes', most of the file, dropped
    as they are read), each person noted in `people`."""
    for tconst, ordering, nconst, category, job, characters in file.rows():
        if tconst_number(file, tconst) not in films:
            continue
        person = nconst_number(file, nconst)
        if not category or category == NULL:
            raise file.fail("category is empty")
        if (place := whole_number(ordering, 0, CREW_POSITION - 1)) is None:
            raise file.fail(f"ordering must be a whole number below {CREW_POSITION}, not {ordering[:30]!r}")
        people.add(person)
        yield CreditRow(tconst, person, category[:32], place, text_field(job, 300), character_names(file, characters))


def character_names(file: DatasetFile, characters: str) -> str:
    """IMDb's characters, a JSON list (["Rick Blaine"]), as one line: "Rick Blaine / Narrator"."""
    if characters == NULL:
        return ""
    try:
        names = json.loads(characters)
        if not isinstance(names, list) or not all(isinstance(name, str) and "\x00" not in name for name in names):
            raise ValueError
        return " / ".join(names)[:500].encode("utf-8").decode("utf-8")  # a lone surrogate ("\ud800") is no text
    except (ValueError, RecursionError):  # UnicodeError is a ValueError; RecursionError: [[[[… nested deep
        raise file.fail(f"characters must be a JSON list of names, not {characters[:30]!r}") from None


def year(file: DatasetFile, value: str, column: str) -> int | None:
    if value == NULL:
        return None
    if (found := whole_number(value, 0, 9999)) is None:
        raise file.fail(f"{column} must be a year or \\N, not {value[:30]!r}")
    return found


def names(file: DatasetFile, people: Bitmap) -> Iterator[PersonRow]:
    """The people the kept films credit."""
    for nconst, name, born, died, professions, _known_for in file.rows():
        if (person := nconst_number(file, nconst)) not in people:
            continue
        if not name or name == NULL:
            raise file.fail("primaryName is empty")
        yield PersonRow(
            person,
            name[:300],
            year(file, born, "birthYear"),
            year(file, died, "deathYear"),
            text_field(professions, 200),
        )
