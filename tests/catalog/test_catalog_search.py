"""Catalog search: one table of queries and the films expected on top, the same on SQLite and
PostgreSQL (CI runs this file on both)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import DATA

from flicklist.catalog.load import load_catalog
from flicklist.catalog.search import search
from flicklist.catalog.text import folded, search_key

# (query, the expected hits as "title (year)", best first)
QUERIES = [
    ("heat", ["Heat (1995)", "Heat (1986)", "Heat (1972)", "Heathers (1988)", "Heat Wave (1990)", "The Heat (2013)"]),
    ("HEAT", ["Heat (1995)", "Heat (1986)", "Heat (1972)", "Heathers (1988)", "Heat Wave (1990)", "The Heat (2013)"]),
    ("heat 1995", ["Heat (1995)"]),
    ("Heat (1986)", ["Heat (1986)"]),
    ("hea", ["Heat (1995)", "Heathers (1988)", "Heat (1986)", "Heat Wave (1990)", "Heat (1972)", "The Heat (2013)"]),
    ("amelie", ["Amélie (2001)"]),
    ("Amélie", ["Amélie (2001)"]),
    ("dune", ["Dune (2021)", "Dune (1984)", "Dune: Part Two (2024)"]),
    ("dune part", ["Dune: Part Two (2024)"]),
    ("2001", ["2001: A Space Odyssey (1968)"]),
    ("space odys", ["2001: A Space Odyssey (1968)"]),
    ("blade runner 2049", ["Blade Runner 2049 (2017)"]),
    ("leon professional", ["Léon: The Professional (1994)"]),
    ("the", ["The Heat (2013)", "Léon: The Professional (1994)"]),
    ("the heat", ["The Heat (2013)"]),
    ("the the", ["Léon: The Professional (1994)", "The Heat (2013)"]),
    ("leon the pro", ["Léon: The Professional (1994)"]),
    ("the professional", ["Léon: The Professional (1994)"]),
    ("xyzzy", []),
    ("", []),
    ("   ", []),
    ("'; DROP TABLE films; --", []),
    ('heat" OR "dune', []),
    ("professional leon", ["Léon: The Professional (1994)"]),
    ("wave heat", ["Heat Wave (1990)"]),
    ("heat wa", ["Heat Wave (1990)"]),
    ("heathers wave", []),
    (
        "heat hea",
        ["Heat (1995)", "The Heat (2013)", "Heathers (1988)", "Heat (1986)", "Heat Wave (1990)", "Heat (1972)"],
    ),
    ("space a", ["2001: A Space Odyssey (1968)"]),
    ("a space", ["2001: A Space Odyssey (1968)"]),
    ("odyssey 2", ["2001: A Space Odyssey (1968)"]),
    ("heat*", ["Heat (1995)", "Heat (1986)", "Heat (1972)", "Heathers (1988)", "Heat Wave (1990)", "The Heat (2013)"]),
]


@pytest.fixture
async def catalog(app):
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    return app.state.db


@pytest.mark.parametrize(("query", "expected"), QUERIES)
async def test_search_ranks_exact_then_prefix_then_words_popular_first(catalog, query, expected):
    assert [f"{film.title} ({film.year})" for film in await search(catalog, query)] == expected


async def test_a_search_gives_at_most_ten_films(app, tmp_path):
    db = app.state.db
    lines = ["tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres"]
    lines += [f"tt{n:07d}\tmovie\tStar {n}\tStar {n}\t0\t2000\t\\N\t90\tDrama" for n in range(1, 31)]
    (tmp_path / "title.basics.tsv").write_text("\n".join(lines) + "\n")
    await load_catalog(db, tmp_path / "title.basics.tsv")
    assert len(await search(db, "star")) == 10


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_an_ascii_title_is_folded_as_any_other(title):
    """search_key's shortcut for ASCII titles gives what the general folding gives."""
    assert search_key(title) == folded(title)


async def test_a_search_finds_films_well_past_the_thousand_most_voted_in_the_order_of_their_votes(app, tmp_path):
    """PostgreSQL looks through ranges of ids (the first holding the 1,024 most voted films)
    and stops once it has enough: a word in a few films on either side of a range's end is
    found in all of them, and popular ones are not crowded out by the rest."""
    db = app.state.db
    basics = ["tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres"]
    ratings = ["tconst\taverageRating\tnumVotes"]
    for n in range(1, 1301):
        title = f"Comet {n}" if n % 100 == 0 else f"Filler {n}"
        basics.append(f"tt{n:07d}\tmovie\t{title}\t{title}\t0\t2000\t\\N\t90\tDrama")
        ratings.append(f"tt{n:07d}\t7.0\t{100_000 - n}")
    (tmp_path / "title.basics.tsv").write_text("\n".join(basics) + "\n")
    (tmp_path / "title.ratings.tsv").write_text("\n".join(ratings) + "\n")
    await load_catalog(db, tmp_path / "title.basics.tsv", tmp_path / "title.ratings.tsv")
    assert [film.title for film in await search(db, "comet")] == [f"Comet {n}" for n in range(100, 1001, 100)]
    assert [film.title for film in await search(db, "comet 12")] == ["Comet 1200"]
    assert [film.title for film in await search(db, "fil 1299")] == ["Filler 1299"]
