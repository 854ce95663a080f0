"""SQLite's search index also keeps prefixes of 4 to 6 characters: matching a half-typed
word ("heat", "chris") no longer scans every word that starts with it. PostgreSQL is unchanged.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def recreate_search_index(prefixes: str) -> None:
    # The triggers of 0004 name films_fts and carry on working with the new table.
    op.execute("DROP TABLE films_fts")
    op.execute(
        "CREATE VIRTUAL TABLE films_fts USING fts5(search_key, content='films', content_rowid='id', "
        f"tokenize='unicode61 remove_diacritics 2', prefix='{prefixes}')"
    )
    op.execute("INSERT INTO films_fts(films_fts) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        recreate_search_index("1 2 3 4 5 6")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        recreate_search_index("1 2 3")
