"""PostgreSQL's catalog search by trigrams, one index per range of ids: the tsvector index of
0004 found every film holding a common word, which PostgreSQL then read and sorted to keep
the first 30 by id; with a trigram index (pg_trgm) per range, the search stops at the first
ranges that hold 30 (catalog/search.py; both kinds measured in bench/results-postgresql.md).
SQLite keeps its FTS5 tables: nothing changes there.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# The ranges of tables.FILM_SEARCH_TIERS as they were when this migration was written.
TIERS = [(0, 1024), (1024, 4096), (4096, 16384), (16384, 65536), (65536, 262144), (262144, 2147483647)]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("DROP INDEX ix_films_search_words")
    for tier, (lo, hi) in enumerate(TIERS, 1):
        op.execute(
            f"CREATE INDEX ix_films_search_trigrams_{tier} ON films "
            f"USING gin ((' ' || search_key || ' ') gin_trgm_ops) WHERE id > {lo} AND id <= {hi}"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for tier in range(1, len(TIERS) + 1):
        op.execute(f"DROP INDEX ix_films_search_trigrams_{tier}")
    op.execute("CREATE INDEX ix_films_search_words ON films USING gin (to_tsvector('simple', search_key))")
