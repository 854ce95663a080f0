"""Searching the catalog: exact title first, then titles that start with the query, then
titles holding every word (as a word or the start of one), popular films (votes) first;
a year at the end ("heat 1995", "Heat (1995)") narrows to that year. A film is found by the
titles it has elsewhere too (title.akas), typed whole or from their beginning, and then shows
the title typed beside its own.

Each database finds the candidates with its own index (SQLite: FTS5, over the words, and for
two words or more over their pairs; PostgreSQL: trigram indexes, one per range of ids), all
over the same folded `search_key`, and takes the first CANDIDATES in id order: the loader
numbers a catalog's films most-voted first, so these are about the most popular, and FTS5
yields them in that order without sorting every match (a common word matches a hundred
thousand films); PostgreSQL looks through the ranges in turn and stops at the first ones
that hold CANDIDATES. The ranking is done here, so both databases agree.

Each worker keeps the results of recent searches (`SearchCache`) for as long as the catalog
is the one they were found in: people typing the same beginnings ("the", "star w") are
answered without searching again, and a completed `flicklist catalog load`, in any process,
starts the cache afresh."""

import functools
import itertools
from collections import OrderedDict
from typing import NamedTuple

from sqlalchemy import TextClause, func, select, text

from ..db import Database
from ..tables import FILM_SEARCH_TIERS, catalog_loads
from .generations import AKAS, generation_in_use
from .text import PAIRED_PREFIXES, search_key, words_and_year

RESULTS = 10
CANDIDATES = 30
CACHED_SEARCHES = 4096


class Film(NamedTuple):
    id: int
    title: str
    year: int | None
    runtime: int | None
    details: str
    votes: int
    search_key: str  # of the title found: the film's own, or the one it has elsewhere
    aka: str | None = None  # that title elsewhere, when it was one


COLUMNS = "f.id, f.title, f.year, f.runtime, f.details, f.votes, f.search_key"
EXACTLY = f"FROM films f WHERE f.search_key = :key ORDER BY f.votes DESC, f.id LIMIT {RESULTS}"
EXACT_SQL = f"SELECT {COLUMNS} {EXACTLY}"
# Films by a title they have elsewhere, typed whole or from its beginning: the keys from `key`
# up to `key` + the last character there is, in the index (PostgreSQL's ~>=~ and ~<~ compare
# as its text_pattern_ops index orders, whatever the collation, and so read it even in the plan
# asyncpg prepares without the values); CANDIDATES of them, ranked as the others.
AKAS_SQL = (
    "SELECT f.id, f.title, f.year, f.runtime, f.details, f.votes, a.search_key, a.title FROM film_akas a "
    "JOIN films f ON f.id = a.film_id WHERE a.generation = (SELECT CAST(value AS INTEGER) FROM instance_settings "
    f"WHERE name = '{AKAS}') AND a.search_key {{}} :key AND a.search_key {{}} :key_end LIMIT {CANDIDATES}"
)
AKAS_SEARCH = text(AKAS_SQL.format("~>=~", "~<~"))
# SQLite's exact titles and titles elsewhere in one round trip (each a hop to its driver's thread).
EXACT_AND_AKAS = text(
    f"SELECT * FROM (SELECT {COLUMNS}, NULL {EXACTLY}) UNION ALL SELECT * FROM ({AKAS_SQL.format('>=', '<')})"
)
LAST_CHARACTER = chr(0x10FFFF)
COMMON_WORDS = frozenset(["the", "a", "an", "of", "and", "in", "on", "to", "la", "le", "les", "el", "los", "de", "der"])
# films_fts keeps the prefixes of up to 6 characters (migration 0007), whose matches it steps
# through in order; a longer word's matches it first gathers from every word starting with it,
# a whole list per query. So FTS5 looks for a long word's first 6 characters, and the film's
# key is checked for the whole word. Common words are checked on the key alone (at most two):
# FTS5 takes milliseconds to step a word found in a third of all titles alongside rarer ones.
INDEXED_PREFIX = 6
ON_KEY_CHECKS = 4


@functools.cache
def sqlite_words(index: str, checks: int) -> TextClause:
    """SQLite's query on the FTS5 table `index` with `checks` LIKEs on the key (none when
    there is nothing to check: even LIKE '%' on every match costs a fifth of a search)."""
    return text(
        f"SELECT {COLUMNS} FROM {index} JOIN films f ON f.id = {index}.rowid WHERE {index} MATCH :match "
        + "".join(f"AND ' ' || f.search_key || ' ' LIKE :on_key_{n} " for n in range(checks))
        + f"ORDER BY {index}.rowid LIMIT {CANDIDATES}"
    )


@functools.cache
def postgresql_search(checks: int) -> TextClause:
    """PostgreSQL's query, in one round trip: the films titled exactly `key` (as EXACT_SQL), then
    the first CANDIDATES by id whose key holds `checks` words (the LIKEs, each on the index's
    own expression), range by range of ids (tables.FILM_SEARCH_TIERS, each with its trigram
    index): the ranges run in turn, and the LIMIT ends the search once it has CANDIDATES, so
    a common word reads a few dozen of the most voted films, not its hundred thousand.
    `f.id + 0`: ordered by the bare id, PostgreSQL's generic plan (asyncpg prepares every
    statement) walks the primary key through the range checking each film, which takes
    hundreds of milliseconds for a rare word in the last range; this way it reads the index."""
    on_key = "".join(f"AND (' ' || f.search_key || ' ') LIKE :on_key_{n} " for n in range(checks))
    tiers = " UNION ALL ".join(
        f"(SELECT {COLUMNS} FROM films f WHERE f.id > {lo} AND f.id <= {hi} {on_key}"
        f"ORDER BY f.id + 0 LIMIT {CANDIDATES})"
        for lo, hi in FILM_SEARCH_TIERS
    )
    return text(f"({EXACT_SQL}) UNION ALL (SELECT * FROM ({tiers}) AS words LIMIT {CANDIDATES})")


def words_query(on_sqlite: bool, key: str) -> tuple[TextClause, dict[str, str]]:
    """The query for films holding every word of `key`, and its values: every word as a word
    or a word's beginning, but a common word before the last (a word typed whole) as that word
    only. Words are letters and digits only (the folded key), so nothing in them means
    anything to either query language. On PostgreSQL the query finds the exact titles too."""
    *typed, last = key.split()
    common = [word for word in typed if word in COMMON_WORDS]
    whole = dict.fromkeys([*typed, last], False) | dict.fromkeys(common, True)
    if not on_sqlite:
        on_key = [f"% {word} %" if is_whole else f"% {word}%" for word, is_whole in whole.items()]
        return postgresql_search(len(on_key)), {**on_key_values(on_key), "key": key}
    if pairs := pair_terms(whole):
        on_key = [f"% {word} %" if is_whole else f"% {word}%" for word, is_whole in whole.items()]
        return sqlite_words("films_pairs", len(on_key)), {**on_key_values(on_key), "match": " AND ".join(pairs)}
    on_key = [f"% {word} %" for word in common[:2]]
    terms = []
    for word in [word for word in typed if word not in common[:2]] + [last]:
        if word in common:
            terms.append(f'"{word}"')
        elif len(word) > INDEXED_PREFIX and len(on_key) < ON_KEY_CHECKS:
            terms.append(f'"{word[:INDEXED_PREFIX]}"*')
            on_key.append(f"% {word}%")
        else:
            terms.append(f'"{word}"*')
    return sqlite_words("films_fts", len(on_key)), {**on_key_values(on_key), "match": " AND ".join(terms)}


def on_key_values(patterns: list[str]) -> dict[str, str]:
    return {f"on_key_{n}": pattern for n, pattern in enumerate(patterns)}


def pair_terms(whole: dict[str, bool]) -> list[str]:
    """The query's words two at a time, as terms of `films_pairs` (catalog/text.search_pairs):
    a film holding both words has the pair, so the pairs find the films that may match, few
    of them, and the key is checked for every word. A word is only paired with one that is
    not its beginning, nor starts with it: one word of the title could be both. Each pair is
    looked up one way, the longer word second (where the pair keeps more of it)."""
    first_length, second_length = PAIRED_PREFIXES
    terms = []
    for one, other in itertools.combinations(whole, 2):
        if one.startswith(other) or other.startswith(one):
            continue
        first, second = sorted((one, other), key=len)
        if len(first) < first_length:
            first, second = second, first
            if len(first) < first_length:
                continue
        if len(second) >= second_length:
            terms.append(f'"{first[:first_length]}_{second[:second_length]}"')
        else:
            terms.append(f'"{first[:first_length]}_{second}"' + ("" if whole[second] else "*"))
    return terms


def ranked(candidates: list[Film], key: str, year: int | None) -> list[Film]:
    def rank(film: Film) -> tuple:
        kind = 0 if film.search_key == key else 1 if film.search_key.startswith(key) else 2
        return (kind, -film.votes, film.id, film.aka is not None)

    unique: dict[int, Film] = {}
    for film in sorted(candidates, key=rank):  # a film found by two titles keeps the better
        if year is None or film.year == year:
            unique.setdefault(film.id, film)
    return list(unique.values())[:RESULTS]


# The catalog the cached searches were found in: its last films' load, and its titles elsewhere.
LAST_LOAD = select(func.max(catalog_loads.c.id), generation_in_use(AKAS))


class SearchCache:
    def __init__(self, entries: int = CACHED_SEARCHES) -> None:
        self.entries = entries
        self.results: OrderedDict[tuple, list[Film]] = OrderedDict()

    async def search(self, db: Database, query: str) -> list[Film]:
        """What `search` finds, from the cache when this catalog was searched for the same words."""
        key, year = words_and_year(query[:200])
        if not key:
            return []
        cache_key = (*(await db.fetch_all(LAST_LOAD))[0], key, year)
        if (found := self.results.get(cache_key)) is not None:
            self.results.move_to_end(cache_key)
            return found
        found = await search(db, query)
        self.results[cache_key] = found
        if len(self.results) > self.entries:
            self.results.popitem(last=False)
        return found


async def search(db: Database, query: str) -> list[Film]:
    """Up to RESULTS films for what was typed; none for an empty query."""
    key, year = words_and_year(query[:200])
    if not key:
        return []
    found = await candidates(db, key, year)
    if not found and year is not None:  # "2001", "Blade Runner 2049": the year may be a title word
        key, year = search_key(query[:200]), None
        found = await candidates(db, key, None)
    return ranked(found, key, year)


async def candidates(db: Database, key: str, year: int | None) -> list[Film]:
    query, values = words_query(db.is_sqlite, key)
    key_end = key + LAST_CHARACTER
    if db.is_sqlite:
        found = [
            *await db.fetch_all_mapped(EXACT_AND_AKAS, key=key, key_end=key_end),
            *await db.fetch_all_mapped(query, **values),
        ]
    else:
        found = [
            *await db.fetch_all_mapped(query, **values),
            *await db.fetch_all_mapped(AKAS_SEARCH, key=key, key_end=key_end),
        ]
    return [Film(*row) for row in found if year is None or row[2] == year]
