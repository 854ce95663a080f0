"""An account's import slot, and the IMDb id of an imported film not in the catalog.

The slot is a unique index over the account's jobs that are reading, matching or applying
(history/jobs.py): of two uploads racing, the second one's INSERT fails. Jobs left running by
the code before it (which ran at most one apply per worker, with no heartbeat) are marked
interrupted first, since a schema upgrade means those workers are gone (and their applies, one
transaction each, wrote nothing).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

RUNNING = "state IN ('reading', 'matching', 'applying')"


def upgrade() -> None:
    op.add_column("movies", sa.Column("imdb_id", sa.String(16), nullable=True))
    op.execute(f"UPDATE history_imports SET state = 'interrupted', entries = '', done = 0 WHERE {RUNNING}")
    op.create_index(
        "ux_history_imports_running",
        "history_imports",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text(RUNNING),
        postgresql_where=sa.text(RUNNING),
    )


def downgrade() -> None:
    op.drop_index("ux_history_imports_running", "history_imports")
    op.drop_column("movies", "imdb_id")
