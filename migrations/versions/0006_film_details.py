"""What a row shows under a film's title ("1995 · 170 min · Action, Crime"), made once when
the catalog is loaded rather than at every render. Films loaded before it show nothing
there until the catalog is loaded again.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("films") as batch:
        batch.add_column(sa.Column("details", sa.String(300), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("films") as batch:
        batch.drop_column("details")
