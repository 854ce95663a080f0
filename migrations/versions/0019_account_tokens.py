"""Account tokens: the secrets in the URLs other programs call (a media server's webhook, the
Radarr list, the diary's RSS feed) and the API's bearer tokens, only their hashes stored; and
the last events each webhook received, so a person can see it works; and the account's time
zone, which dates the viewings a media server reports.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("time_zone", sa.String(64), nullable=True))
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("last_used_at", sa.BigInteger(), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_account_tokens_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_account_tokens_user_id_kind", "account_tokens", ["user_id", "kind"])
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_id", sa.Integer(), sa.ForeignKey("account_tokens.id", ondelete="CASCADE"), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("film", sa.String(300), nullable=True),
        sa.Column("film_key", sa.String(320), nullable=True),
        sa.Column("outcome", sa.String(200), nullable=False),
    )
    op.create_index("ix_webhook_events_token_id_id", "webhook_events", ["token_id", "id"])


def downgrade() -> None:
    op.drop_table("webhook_events")
    op.drop_table("account_tokens")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")
