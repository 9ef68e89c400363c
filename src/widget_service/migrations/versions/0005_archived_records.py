"""alliances, partners and calls can be archived; one-time passwords

The office archives an alliance, a partner or a call instead of deleting it: the day it
did so is kept in ``archived_on`` (null while the record is in use), and restoring it
clears the day again. An account whose password the office made (a one-time password)
must change it first: ``password_change_due``.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("alliance", "partner", "call")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("archived_on", sa.Date(), nullable=True))
    with op.batch_alter_table("office_user") as batch:
        batch.add_column(
            sa.Column(
                "password_change_due", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("office_user") as batch:
        batch.alter_column("password_change_due", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("office_user") as batch:
        batch.drop_column("password_change_due")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("archived_on")
