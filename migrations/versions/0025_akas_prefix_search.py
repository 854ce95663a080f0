"""PostgreSQL's index for finding a film by the beginning of a title it has elsewhere (the add
field's search, catalog/search.py): `text_pattern_ops`, whose order (byte by byte) is the same
whatever the database's collation, so a range of keys reads it. SQLite reads
ix_film_akas_search_key as it is.

Revision ID: 0025
Revises: 0024
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_film_akas_search_prefix ON film_akas (generation, search_key text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_film_akas_search_prefix")
