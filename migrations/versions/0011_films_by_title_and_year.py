"""An index of films by folded title and year, with their votes, for matching an import's
films to the catalog (history/plan.py): a title shared by hundreds of films is then one
look-up per year asked, answered from the index alone.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_films_search_key_year", "films", ["search_key", "year", "votes"])


def downgrade() -> None:
    op.drop_index("ix_films_search_key_year", table_name="films")
