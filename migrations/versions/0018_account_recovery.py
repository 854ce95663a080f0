"""Account recovery: one-time links to set a new password, prove an address or move to a new
one (pending ones only), and whether each account's address is verified.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch copy of `users` would drop the table every other one points at.
    op.add_column("users", sa.Column("email_verified_at", sa.BigInteger(), nullable=True))
    op.add_column("users", sa.Column("awaiting_verification", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("made_by", sa.String(320), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_account_links_user_id", "account_links", ["user_id"])
    op.create_index("ix_account_links_expires_at", "account_links", ["expires_at"])


def downgrade() -> None:
    op.drop_table("account_links")
    with op.batch_alter_table("users") as batch:
        for column in ("awaiting_verification", "email_verified_at"):
            batch.drop_column(column)
