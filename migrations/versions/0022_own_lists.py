"""Lists of the person's own making (own_lists/): each named, described, ranked or not, its
films at gapped positions; a share link may show one (share_links.film_list_id).

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "film_lists",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("ranked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("source", sa.String(300), nullable=False, server_default=""),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_film_lists_user", "film_lists", ["user_id", "updated_at"])
    op.create_table(
        "film_list_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("list_id", sa.Integer(), sa.ForeignKey("film_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("title_key", sa.String(200), nullable=False),
        sa.Column("sort_title", sa.String(500), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column(
            "film_id",
            sa.Integer(),
            sa.ForeignKey("films.id", ondelete="SET NULL", name="fk_film_list_entries_film_id"),
            nullable=True,
        ),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("list_id", "title_key", name="uq_film_list_entries_film"),
    )
    op.create_index("ix_film_list_entries_order", "film_list_entries", ["list_id", "position", "id"])
    op.create_index("ix_film_list_entries_film_id", "film_list_entries", ["film_id"])
    op.create_index("ix_film_list_entries_user_film", "film_list_entries", ["user_id", "title_key"])
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(sa.Column("film_list_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_share_links_film_list_id", "film_lists", ["film_list_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("share_links") as batch:
        batch.drop_constraint("fk_share_links_film_list_id", type_="foreignkey")
        batch.drop_column("film_list_id")
    op.drop_table("film_list_entries")
    op.drop_table("film_lists")
