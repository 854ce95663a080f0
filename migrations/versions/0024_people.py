"""People and alternate titles: who made and played in the catalog's films (IMDb's
name.basics, title.principals, title.crew) and the films' titles by region (title.akas),
written by `flicklist catalog load` in generations (catalog/people_load.py).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("birth_year", sa.SmallInteger(), nullable=True),
        sa.Column("death_year", sa.SmallInteger(), nullable=True),
        sa.Column("professions", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    op.create_table(
        "film_credits",
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("film_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(300), nullable=False),
        sa.Column("characters", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(
            ["film_id"], ["films.id"], name=op.f("fk_film_credits_film_id_films"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("generation", "film_id", "role", "person_id", name=op.f("pk_film_credits")),
    )
    op.create_index("ix_film_credits_person", "film_credits", ["generation", "person_id", "film_id"])
    op.create_table(
        "film_akas",
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("film_id", sa.Integer(), nullable=False),
        sa.Column("ordering", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("region", sa.String(8), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("search_key", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(["film_id"], ["films.id"], name=op.f("fk_film_akas_film_id_films"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("generation", "film_id", "ordering", name=op.f("pk_film_akas")),
    )
    op.create_index("ix_film_akas_search_key", "film_akas", ["generation", "search_key"])


def downgrade() -> None:
    op.drop_table("film_akas")
    op.drop_table("film_credits")
    op.drop_table("people")
