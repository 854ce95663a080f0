"""Loading IMDb's datasets: films kept, others and adult titles left out, gzip or plain, a
reload updates in place with ids unchanged, and a bad file stops with where and why,
leaving the catalog as it was."""

import gzip
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, update
from support import DATA

from flicklist.catalog.imdb_files import BadFile
from flicklist.catalog.load import BATCH, load_catalog
from flicklist.catalog.progress import ProgressBar
from flicklist.catalog.search import search
from flicklist.catalog.synthetic import write as write_synthetic
from flicklist.tables import catalog_loads, films

BASICS, RATINGS = DATA / "title.basics.tsv", DATA / "title.ratings.tsv"


async def catalog_rows(db) -> dict[str, tuple]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            select(
                films.c.imdb_id, films.c.id, films.c.title, films.c.year, films.c.runtime, films.c.votes, films.c.rating
            )
        )
        return {row[0]: tuple(row[1:]) for row in rows}


def gzipped(path: Path, into: Path) -> Path:
    target = into / (path.name + ".gz")
    with path.open("rb") as source, gzip.open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    return target


async def test_films_are_loaded_and_everything_else_left_out(app):
    result = await load_catalog(app.state.db, BASICS, RATINGS)
    rows = await catalog_rows(app.state.db)
    assert (result.films, result.added, result.updated) == (14, 14, 0)
    assert "tt0000111" not in rows and "tt0000113" not in rows, "episodes and shorts are not films"
    assert "tt0000112" not in rows, "adult titles only with --adult"
    assert rows["tt0000101"][1:] == ("Heat", 1995, 170, 700000, 83)
    assert rows["tt0000103"][1:] == ("Heat", 1972, None, 900, 61), "\\N is no runtime"


async def test_adult_titles_when_asked_for(app):
    assert (await load_catalog(app.state.db, BASICS, adult=True)).films == 15


async def test_gzip_and_plain_files_load_the_same(app, tmp_path):
    await load_catalog(app.state.db, gzipped(BASICS, tmp_path), gzipped(RATINGS, tmp_path))
    assert (await catalog_rows(app.state.db))["tt0000106"][1] == "Amélie"


async def test_loading_again_updates_in_place_and_keeps_ids(app, tmp_path):
    db = app.state.db
    await load_catalog(db, BASICS, RATINGS)
    before = await catalog_rows(db)
    changed = tmp_path / "title.basics.tsv"
    text = BASICS.read_text().replace("Heat Wave\tHeat Wave\t0\t1990", "Heat Wave\tHeat Wave\t0\t1991")
    changed.write_text(text + "tt0000200\tmovie\tA New Film\tA New Film\t0\t2026\t\\N\t90\tDrama\n")
    result = await load_catalog(db, changed, RATINGS)
    after = await catalog_rows(db)
    assert (result.added, result.updated, result.films) == (1, 1, 15)
    assert after["tt0000104"][2] == 1991
    assert all(after[imdb_id][0] == row[0] for imdb_id, row in before.items()), "every id is unchanged"
    again = await load_catalog(db, changed, RATINGS)
    assert (again.added, again.updated) == (0, 0)


async def test_a_film_renamed_by_a_reload_is_searched_by_its_new_words_only(app, tmp_path):
    db = app.state.db
    await load_catalog(db, BASICS, RATINGS)
    renamed = tmp_path / "title.basics.tsv"
    renamed.write_text(BASICS.read_text().replace("Heat Wave\tHeat Wave", "Summer Wave\tSummer Wave"))
    await load_catalog(db, renamed, RATINGS)
    assert [film.title for film in await search(db, "wave summer")] == ["Summer Wave"]
    assert await search(db, "heat wa") == []


BROKEN = [
    ("wrong columns", lambda text: text.replace("primaryTitle", "title", 1), ", line 1: expected the columns tconst"),
    (
        "a short line",
        lambda text: text.replace("\t\\N\t101\t", "\t101\t", 1),
        ", line 3: expected 9 tab-separated fields",
    ),
    ("a bad year", lambda text: text.replace("\t1984\t", "\tabc\t", 1), ", line 8: startYear must be a whole number"),
    ("a bad id", lambda text: text.replace("tt0000109", "xx9", 1), ", line 10: tconst must look like tt0113277"),
    ("an id of odd digits", lambda text: text.replace("tt0000109", "tt²", 1), ", line 10: tconst must look like"),
    ("empty", lambda text: "", ": the file is empty"),
]


@pytest.mark.parametrize(("case", "breaks", "message"), BROKEN, ids=[case for case, _, _ in BROKEN])
async def test_a_bad_file_stops_with_where_and_why_and_changes_nothing(app, tmp_path, case, breaks, message):
    db = app.state.db
    await load_catalog(db, BASICS, RATINGS)
    before = await catalog_rows(db)
    bad = tmp_path / "title.basics.tsv"
    bad.write_text(breaks(BASICS.read_text().replace("Heat Wave", "Heat Wave 2")))
    with pytest.raises(BadFile, match=f"^title.basics.tsv{message}"):
        await load_catalog(db, bad, RATINGS)
    assert await catalog_rows(db) == before, "the catalog is as it was"


async def test_a_truncated_gzip_file_is_refused_and_changes_nothing(app, tmp_path):
    generated, _ = write_synthetic(tmp_path / "big", lines=20_000, seed=3)
    cut = tmp_path / "title.basics.tsv.gz"
    cut.write_bytes(generated.read_bytes()[: generated.stat().st_size // 2])
    with pytest.raises(BadFile, match=r"^title.basics.tsv.gz, line \d+: the file ends early or is damaged"):
        await load_catalog(app.state.db, cut)
    assert await catalog_rows(app.state.db) == {}
    async with app.state.db.engine.connect() as connection:
        assert (await connection.execute(select(catalog_loads))).all() == [], "no load recorded"


@pytest.mark.slow
async def test_a_bad_line_after_many_films_stops_the_load_cleanly(app, tmp_path):
    """Reading stops while a batch is being written: that write ends first, then nothing is kept."""
    generated, _ = write_synthetic(tmp_path / "big", lines=150_000, seed=5)
    bad = tmp_path / "title.basics.tsv"
    lines = gzip.decompress(generated.read_bytes()).decode()
    bad.write_text(lines + "tt9999999\tmovie\tA broken line\n")
    with pytest.raises(BadFile, match=rf"^title.basics.tsv, line {lines.count(chr(10)) + 1}: expected 9"):
        await load_catalog(app.state.db, bad)
    assert await catalog_rows(app.state.db) == {}
    result = await load_catalog(app.state.db, generated)
    assert result.films > 2 * BATCH, "more films than one batch: the broken line came while one was being written"


async def test_the_app_keeps_answering_while_the_catalog_loads(app, user, tmp_path):
    import asyncio

    basics, ratings = write_synthetic(tmp_path / "big", lines=60_000, seed=4)
    load = asyncio.create_task(load_catalog(app.state.db, basics, ratings))
    answers = []
    while not load.done():
        answers.append((await user.add(f"Film {len(answers)}")).status_code)
        await asyncio.sleep(0.01)
    assert (await load).films > 4000
    assert answers and set(answers) == {303}, "every add went through during the load"


def test_the_progress_bar_shows_rate_and_time_left_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    bar = ProgressBar(out)
    bar("films", 0.5, 6_000_000)
    bar("films", 1.0, 12_000_000)
    bar.done()
    shown = out.getvalue()
    assert "[###############---------------]  50%" in shown and "6,000,000 lines" in shown
    assert "lines/s" in shown and "ETA" in shown and shown.endswith("\n")
    quiet = io.StringIO()
    ProgressBar(quiet)("films", 0.5, 10)
    assert quiet.getvalue() == "", "nothing but the summary when not on a terminal"


async def test_catalog_rows_keep_updated_rating_and_votes(app, tmp_path):
    db = app.state.db
    await load_catalog(db, BASICS, RATINGS)
    async with db.engine.begin() as connection:
        await connection.execute(update(films).where(films.c.imdb_id == "tt0000101").values(votes=1))
    result = await load_catalog(db, BASICS, RATINGS)
    assert result.updated == 1 and (await catalog_rows(db))["tt0000101"][4] == 700000


async def test_a_reload_without_ratings_keeps_the_films_votes_and_ratings(app, tmp_path):
    db = app.state.db
    await load_catalog(db, BASICS, RATINGS)
    before = await catalog_rows(db)
    renamed = tmp_path / "title.basics.tsv"
    renamed.write_text(BASICS.read_text().replace("\tHeat\tHeat\t0\t1995", "\tHeat\tHeat (1995)\t0\t1995"))
    result = await load_catalog(db, renamed)
    after = await catalog_rows(db)
    assert result.updated == 1 and after["tt0000101"][4] == before["tt0000101"][4] == 700000
    assert {imdb: row[3:] for imdb, row in after.items()} == {imdb: row[3:] for imdb, row in before.items()}


async def test_a_new_catalog_numbers_its_films_most_voted_first(app):
    await load_catalog(app.state.db, BASICS, RATINGS)
    async with app.state.db.engine.connect() as connection:
        ordered = (await connection.execute(select(films.c.votes).order_by(films.c.id))).scalars().all()
    assert ordered == sorted(ordered, reverse=True) and ordered[0] == 1200000


@pytest.mark.parametrize("rating", ["inf", "1e30", "-1", "10.1", "nan"])
async def test_a_rating_out_of_imdbs_range_is_refused_naming_its_line(app, tmp_path, rating):
    bad = tmp_path / "title.ratings.tsv"
    bad.write_text(RATINGS.read_text().replace("\t8.3\t700000", f"\t{rating}\t700000", 1))
    with pytest.raises(BadFile, match=r"^title\.ratings\.tsv, line 2: averageRating must be a number from 0 to 10"):
        await load_catalog(app.state.db, BASICS, bad)
    assert await catalog_rows(app.state.db) == {}
