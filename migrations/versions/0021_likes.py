"""Likes: a heart on a film of the Watched list, as Letterboxd's (features/watchlist.py), kept
as the moment it was given, so that an export can date it as Letterboxd's likes/films.csv does.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("movies", sa.Column("liked_at", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("movies", "liked_at")
