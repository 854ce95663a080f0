"""The diary: each viewing its own row, ratings in half stars, a year for entries typed or
imported without a catalog film, and the trash that Undo takes deleted things back from.

Every movie already crossed off gets one viewing, dated the day it was crossed off, with its
rating; ratings double (4 stars were 4, now 8 half stars).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DAY_CROSSED_OFF = {
    "sqlite": "date(coalesce(watched_at, added_at), 'unixepoch')",
    "postgresql": "to_char(to_timestamp(coalesce(watched_at, added_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
}


def upgrade() -> None:
    with op.batch_alter_table("movies") as batch:
        batch.drop_constraint("ck_movies_rating", type_="check")
        batch.add_column(sa.Column("year", sa.SmallInteger(), nullable=True))
    op.execute("UPDATE movies SET rating = rating * 2")
    with op.batch_alter_table("movies") as batch:
        batch.create_check_constraint("ck_movies_rating", "rating BETWEEN 1 AND 10")

    op.create_table(
        "viewings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("movie_id", sa.Integer(), sa.ForeignKey("movies.id", ondelete="CASCADE"), nullable=False),
        sa.Column("watched_on", sa.String(10), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("rewatch", sa.Boolean(), nullable=False),
        sa.Column("review", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 10", name="ck_viewings_rating"),
    )
    op.create_index("ix_viewings_user_diary", "viewings", ["user_id", "watched_on", "id"])
    op.create_index("ix_viewings_movie", "viewings", ["movie_id", "watched_on"])
    day = DAY_CROSSED_OFF[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO viewings (user_id, movie_id, watched_on, rating, rewatch, review, tags, created_at) "
        f"SELECT user_id, id, {day}, rating, false, '', '', coalesce(watched_at, added_at) FROM movies WHERE watched"
    )

    op.create_table(
        "trash",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("deleted_at", sa.BigInteger(), nullable=False),
        sa.Column("contents", sa.Text(), nullable=False),
    )
    op.create_index("ix_trash_user_id", "trash", ["user_id"])
    op.create_index("ix_trash_deleted_at", "trash", ["deleted_at"])


def downgrade() -> None:
    op.drop_table("trash")
    op.drop_table("viewings")
    op.execute("UPDATE movies SET rating = (rating + 1) / 2")
    with op.batch_alter_table("movies") as batch:
        batch.drop_constraint("ck_movies_rating", type_="check")
        batch.drop_column("year")
        batch.create_check_constraint("ck_movies_rating", "rating BETWEEN 1 AND 5")
