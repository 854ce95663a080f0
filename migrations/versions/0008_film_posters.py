"""Posters fetched from TMDB: where each film's stands (posters/fetcher.py).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "film_posters",
        sa.Column("film_id", sa.Integer(), sa.ForeignKey("films.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("file", sa.String(64), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_film_posters_due", "film_posters", ["state", "next_try_at"])


def downgrade() -> None:
    op.drop_table("film_posters")
