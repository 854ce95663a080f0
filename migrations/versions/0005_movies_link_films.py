"""A movie on a list may name a catalog film (`film_id`); a film-linked entry's title_key is
`film:<id>`, so the one unique key refuses the same film twice while two films that share a
title both fit.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("movies") as batch:
        batch.add_column(sa.Column("film_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_movies_film_id", "films", ["film_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_movies_film_id", ["film_id"])


def downgrade() -> None:
    with op.batch_alter_table("movies") as batch:
        batch.drop_index("ix_movies_film_id")
        batch.drop_constraint("fk_movies_film_id", type_="foreignkey")
        batch.drop_column("film_id")
