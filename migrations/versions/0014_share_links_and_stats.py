"""Share links (a read-only view of one list for whoever holds the link) and what keeps the
stats page's figures fresh: `users.diary_version`, moved on by triggers at every change to
a viewing or to what a viewing's film is (its year, runtime, genres), so a worker may keep
an account's figures until that number moves.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BUMP = "UPDATE users SET diary_version = diary_version + 1 WHERE id = {row}.user_id;"
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER viewings_version_insert AFTER INSERT ON viewings BEGIN {BUMP.format(row='NEW')} END",
    f"CREATE TRIGGER viewings_version_update AFTER UPDATE ON viewings BEGIN {BUMP.format(row='NEW')} END",
    f"CREATE TRIGGER viewings_version_delete AFTER DELETE ON viewings BEGIN {BUMP.format(row='OLD')} END",
    f"""CREATE TRIGGER movies_version_update AFTER UPDATE OF list_year, runtime, genres, title ON movies
    BEGIN {BUMP.format(row="NEW")} END""",
)
POSTGRESQL_TRIGGERS = (
    f"""CREATE FUNCTION diary_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN {BUMP.format(row="OLD")} ELSE {BUMP.format(row="NEW")} END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER viewings_version AFTER INSERT OR UPDATE OR DELETE ON viewings
    FOR EACH ROW EXECUTE FUNCTION diary_version()""",
    """CREATE TRIGGER movies_version AFTER UPDATE OF list_year, runtime, genres, title ON movies
    FOR EACH ROW EXECUTE FUNCTION diary_version()""",
)


def upgrade() -> None:
    op.add_column("users", sa.Column("diary_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("list", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("include_reviews", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.Column("last_opened_at", sa.BigInteger(), nullable=True),
        sa.Column("times_opened", sa.Integer(), nullable=False),
    )
    op.create_index("ix_share_links_user_id", "share_links", ["user_id"])
    for statement in POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER viewings_version ON viewings")
        op.execute("DROP TRIGGER movies_version ON movies")
        op.execute("DROP FUNCTION diary_version()")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {statement.split()[2]}")
    op.drop_table("share_links")
    op.drop_column("users", "diary_version")
