"""The film catalog and its search indexes: FTS5 on SQLite (diacritics folded, prefixes
indexed), a tsvector GIN index on PostgreSQL.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The FTS5 index follows the films table through these triggers (an external-content table).
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE films_fts USING fts5(search_key, content='films', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    "CREATE TRIGGER films_fts_insert AFTER INSERT ON films BEGIN "
    "INSERT INTO films_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER films_fts_delete AFTER DELETE ON films BEGIN "
    "INSERT INTO films_fts(films_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER films_fts_update AFTER UPDATE OF search_key ON films BEGIN "
    "INSERT INTO films_fts(films_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO films_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
]


def upgrade() -> None:
    op.create_table(
        "films",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("imdb_id", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("original_title", sa.String(500), nullable=False),
        sa.Column("search_key", sa.String(500), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column("runtime", sa.Integer(), nullable=True),
        sa.Column("genres", sa.String(200), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.UniqueConstraint("imdb_id", name="uq_films_imdb_id"),
    )
    op.create_index("ix_films_search_key", "films", ["search_key", "votes"])
    op.create_table(
        "catalog_loads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("loaded_at", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("films", sa.Integer(), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    else:
        op.execute("CREATE INDEX ix_films_search_words ON films USING gin (to_tsvector('simple', search_key))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE films_fts")
    op.drop_table("catalog_loads")
    op.drop_table("films")
