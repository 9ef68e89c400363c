"""stored images: the service's own copies of project pictures from other sites

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import widget_service.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = widget_service.models.UTCDateTime(timezone=True)
    op.create_table(
        "stored_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("media_type", sa.String(length=40), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("tried_at", moment, nullable=True),
        sa.Column("copied_at", moment, nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_image")),
        sa.UniqueConstraint("url", name=op.f("uq_stored_image_url")),
    )
    op.create_index(op.f("ix_stored_image_digest"), "stored_image", ["digest"])


def downgrade() -> None:
    op.drop_index(op.f("ix_stored_image_digest"), table_name="stored_image")
    op.drop_table("stored_image")
