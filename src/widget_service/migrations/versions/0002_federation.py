"""federation: the original partner of federated items

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("project", "event"):
        op.add_column(table, sa.Column("remote_partner", sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in ("project", "event"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("remote_partner")
