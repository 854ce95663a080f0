"""The catalog's fixture: the small IMDb-format files in tests/data loaded into the test's app."""

import pytest
from sqlalchemy import select
from support import DATA

from flicklist.catalog.load import load_catalog
from flicklist.tables import films


@pytest.fixture
async def catalog(app) -> dict[str, int]:
    """IMDb id -> catalog id of every film loaded."""
    await load_catalog(app.state.db, DATA / "title.basics.tsv", DATA / "title.ratings.tsv")
    async with app.state.db.engine.connect() as connection:
        rows = await connection.execute(select(films.c.imdb_id, films.c.id))
        return dict(rows.all())
