"""Each user's count of lists of their own (users.own_lists), kept by triggers, so that a page of
the watchlist asks which lists hold its films only of someone who has lists; counted once here
for the lists made before it.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER film_lists_count_insert AFTER INSERT ON film_lists BEGIN
        UPDATE users SET own_lists = own_lists + 1 WHERE id = NEW.user_id;
    END""",
    """CREATE TRIGGER film_lists_count_delete AFTER DELETE ON film_lists BEGIN
        UPDATE users SET own_lists = own_lists - 1 WHERE id = OLD.user_id;
    END""",
)
POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION film_lists_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE users SET own_lists = own_lists + 1 WHERE id = NEW.user_id;
        ELSE
            UPDATE users SET own_lists = own_lists - 1 WHERE id = OLD.user_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER film_lists_count AFTER INSERT OR DELETE ON film_lists
    FOR EACH ROW EXECUTE FUNCTION film_lists_count()""",
)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("own_lists", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE users SET own_lists = (SELECT count(*) FROM film_lists WHERE film_lists.user_id = users.id)")
    for statement in POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER film_lists_count ON film_lists")
        op.execute("DROP FUNCTION film_lists_count()")
    else:
        op.execute("DROP TRIGGER film_lists_count_insert")
        op.execute("DROP TRIGGER film_lists_count_delete")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("own_lists")
