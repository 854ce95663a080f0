"""Friends on one instance (friends/): a profile name and what followers see on each account,
follow requests (pending, accepted or declined), blocks, viewings watched together, lists
shared with editors and who changed them, film nights planned; and the indexes that read a
person's viewings and list entries newest first, for their followers' activity pages.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (no batch copy of users, which the list counts' triggers name).
    op.add_column("users", sa.Column("profile_name", sa.String(40), nullable=True))
    op.add_column("users", sa.Column("profile_key", sa.String(40), nullable=True))
    op.add_column("users", sa.Column("share_diary", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("users", sa.Column("share_reviews", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("users", sa.Column("share_watchlist", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("uq_users_profile_key", "users", ["profile_key"], unique=True)
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("follower_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("followed_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("requested_at", sa.BigInteger(), nullable=False),
        sa.Column("accepted_at", sa.BigInteger(), nullable=True),
        sa.Column("declined_at", sa.BigInteger(), nullable=True),
        sa.Column("asked_as", sa.String(320), nullable=False, server_default=""),
        sa.UniqueConstraint("follower_id", "followed_id", name="uq_follows_pair"),
    )
    op.create_index("ix_follows_followed", "follows", ["followed_id", "follower_id"])
    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("blocked_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )

    op.create_table(
        "watched_together",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("viewing_id", sa.Integer(), sa.ForeignKey("viewings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("friend_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("answered_at", sa.BigInteger(), nullable=True),
        sa.UniqueConstraint("viewing_id", "friend_id", name="uq_watched_together"),
    )
    op.create_index("ix_watched_together_friend", "watched_together", ["friend_id", "answered_at"])
    op.create_table(
        "list_editors",
        sa.Column("list_id", sa.Integer(), sa.ForeignKey("film_lists.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_list_editors_user", "list_editors", ["user_id", "list_id"])
    op.create_table(
        "list_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("list_id", sa.Integer(), sa.ForeignKey("film_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_list_changes_list", "list_changes", ["list_id", "id"])
    op.create_table(
        "film_nights",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("list_id", sa.Integer(), sa.ForeignKey("film_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column(
            "film_id",
            sa.Integer(),
            sa.ForeignKey("films.id", ondelete="SET NULL", name="fk_film_nights_film_id"),
            nullable=True,
        ),
        sa.Column("on_date", sa.String(10), nullable=False),
        sa.Column("planned_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_film_nights_list", "film_nights", ["list_id", "on_date"])
    op.create_index("ix_viewings_user_created", "viewings", ["user_id", "created_at", "id"])
    op.create_index("ix_film_list_entries_user_added", "film_list_entries", ["user_id", "added_at", "id"])


def downgrade() -> None:
    op.drop_table("film_nights")
    op.drop_table("list_changes")
    op.drop_table("list_editors")
    op.drop_table("watched_together")
    op.drop_index("ix_film_list_entries_user_added", table_name="film_list_entries")
    op.drop_index("ix_viewings_user_created", table_name="viewings")
    op.drop_table("blocks")
    op.drop_index("ix_follows_followed", table_name="follows")
    op.drop_table("follows")
    op.drop_index("uq_users_profile_key", table_name="users")
    for column in ("share_watchlist", "share_reviews", "share_diary", "profile_key", "profile_name"):
        op.drop_column("users", column)
