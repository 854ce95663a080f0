"""The catalog's titles also as pairs of words (catalog/text.search_pairs), and on SQLite an
FTS5 index of them, `films_pairs`: a search of two or three common words then reads a few
dozen films, not every film holding one of them (catalog/search.py).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from flicklist.catalog.text import search_pairs

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BATCH = 10_000
# Like films_fts (migration 0004), an external-content table kept by triggers. A pair is
# looked up whole, or by its first 5 to 7 characters when the query's second word is 1 to 3
# characters long; no positions are kept (the search needs none).
SQLITE_PAIRS = [
    "CREATE VIRTUAL TABLE films_pairs USING fts5(search_pairs, content='films', content_rowid='id', "
    "tokenize=\"unicode61 tokenchars '_'\", prefix='5 6 7', detail='none')",
    "CREATE TRIGGER films_pairs_insert AFTER INSERT ON films BEGIN "
    "INSERT INTO films_pairs(rowid, search_pairs) VALUES (new.id, new.search_pairs); END",
    "CREATE TRIGGER films_pairs_delete AFTER DELETE ON films BEGIN "
    "INSERT INTO films_pairs(films_pairs, rowid, search_pairs) VALUES ('delete', old.id, old.search_pairs); END",
    "CREATE TRIGGER films_pairs_update AFTER UPDATE OF search_pairs ON films BEGIN "
    "INSERT INTO films_pairs(films_pairs, rowid, search_pairs) VALUES ('delete', old.id, old.search_pairs); "
    "INSERT INTO films_pairs(rowid, search_pairs) VALUES (new.id, new.search_pairs); END",
    "INSERT INTO films_pairs(films_pairs) VALUES ('rebuild')",
]
films = sa.table("films", sa.column("id", sa.Integer), sa.column("search_key"), sa.column("search_pairs"))
NEXT_FILMS = sa.select(films.c.id, films.c.search_key).where(films.c.id > sa.bindparam("after")).order_by(films.c.id)
SET_PAIRS = films.update().where(films.c.id == sa.bindparam("film_id")).values(search_pairs=sa.bindparam("pairs"))


def upgrade() -> None:
    op.add_column("films", sa.Column("search_pairs", sa.Text(), nullable=False, server_default=""))
    connection, after = op.get_bind(), 0
    while rows := connection.execute(NEXT_FILMS.limit(BATCH), {"after": after}).all():
        connection.execute(SET_PAIRS, [{"film_id": film_id, "pairs": search_pairs(key)} for film_id, key in rows])
        after = rows[-1][0]
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_PAIRS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER films_pairs_{trigger}")
        op.execute("DROP TABLE films_pairs")
    op.drop_column("films", "search_pairs")
