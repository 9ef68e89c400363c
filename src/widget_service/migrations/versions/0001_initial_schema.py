"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:23:35.380110
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import widget_service.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alliance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("logo", sa.String(length=500), nullable=True),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alliance")),
        sa.UniqueConstraint("slug", name=op.f("uq_alliance_slug")),
    )
    op.create_table(
        "office_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin", "editor", name="role", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", widget_service.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_user")),
        sa.UniqueConstraint("email", name=op.f("uq_office_user_email")),
    )
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "municipality",
                "district",
                "association",
                "church",
                "union",
                "company",
                "initiative",
                "person",
                name="partner_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("ags", sa.String(length=8), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("logo", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("slug", name=op.f("uq_partner_slug")),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_region"), ["region"], unique=False)

    op.create_table(
        "action_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("label_de", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_action_field_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_field")),
        sa.UniqueConstraint("alliance_id", "slug", name=op.f("uq_action_field_alliance_id_slug")),
    )
    op.create_table(
        "call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tagline", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("button_label", sa.String(length=100), nullable=False),
        sa.Column("button_link", sa.String(length=1000), nullable=True),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("background", sa.String(length=7), nullable=True),
        sa.Column("foreground", sa.String(length=7), nullable=True),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_call_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call")),
        sa.UniqueConstraint("alliance_id", "slug", name=op.f("uq_call_alliance_id_slug")),
    )
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_membership_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_membership_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint(
            "alliance_id", "partner_id", name=op.f("uq_membership_alliance_id_partner_id")
        ),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index("ix_membership_partner", ["partner_id"], unique=False)

    op.create_table(
        "partner_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("last_used_at", widget_service.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", widget_service.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_partner_token_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_partner_token_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_partner_token_digest")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "projects",
                "events",
                name="source_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "last_fetched_at", widget_service.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "last_success_at", widget_service.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_source_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_source_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint(
            "alliance_id", "kind", "url", name=op.f("uq_source_alliance_id_kind_url")
        ),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends", widget_service.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("online", sa.String(length=1000), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(length=1000), nullable=True),
        sa.Column("image", sa.String(length=1000), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "published",
                "rejected",
                "archived",
                "cancelled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("published_at", widget_service.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "office",
                "import",
                "demo",
                "api",
                "submission",
                "source",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("remote_guid", sa.String(length=500), nullable=True),
        sa.Column("remote_url", sa.String(length=1000), nullable=True),
        sa.Column("via", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_event_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_event_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_event_source_id_source"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("alliance_id", "slug", name=op.f("uq_event_alliance_id_slug")),
        sa.UniqueConstraint("source_id", "remote_guid", name="uq_event_source_guid"),
        sa.UniqueConstraint("uid", name=op.f("uq_event_uid")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_alliance_listing", ["alliance_id", "status", "starts", "id"], unique=False
        )
        batch_op.create_index("ix_event_listing", ["status", "starts", "id"], unique=False)
        batch_op.create_index(
            "ix_event_partner", ["partner_id", "status", "starts", "id"], unique=False
        )
        batch_op.create_index("ix_event_region", ["region", "status", "starts", "id"], unique=False)

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(length=1000), nullable=True),
        sa.Column("image", sa.String(length=1000), nullable=True),
        sa.Column("video", sa.String(length=1000), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "published",
                "rejected",
                "archived",
                "cancelled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("published_at", widget_service.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", widget_service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "office",
                "import",
                "demo",
                "api",
                "submission",
                "source",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("remote_guid", sa.String(length=500), nullable=True),
        sa.Column("remote_url", sa.String(length=1000), nullable=True),
        sa.Column("via", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_project_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_project_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_project_source_id_source"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("alliance_id", "slug", name=op.f("uq_project_alliance_id_slug")),
        sa.UniqueConstraint("source_id", "remote_guid", name="uq_project_source_guid"),
        sa.UniqueConstraint("uid", name=op.f("uq_project_uid")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(
            "ix_project_alliance_listing",
            ["alliance_id", "status", "published_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_project_listing", ["status", "published_at", "id"], unique=False)
        batch_op.create_index(
            "ix_project_partner", ["partner_id", "status", "published_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_project_region", ["region", "status", "published_at", "id"], unique=False
        )

    op.create_table(
        "event_field",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_field_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["action_field.id"],
            name=op.f("fk_event_field_field_id_action_field"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "field_id", name=op.f("pk_event_field")),
    )
    with op.batch_alter_table("event_field", schema=None) as batch_op:
        batch_op.create_index("ix_event_field_field", ["field_id", "event_id"], unique=False)

    op.create_table(
        "project_field",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["action_field.id"],
            name=op.f("fk_project_field_field_id_action_field"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_field_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "field_id", name=op.f("pk_project_field")),
    )
    with op.batch_alter_table("project_field", schema=None) as batch_op:
        batch_op.create_index("ix_project_field_field", ["field_id", "project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_field", schema=None) as batch_op:
        batch_op.drop_index("ix_project_field_field")

    op.drop_table("project_field")
    with op.batch_alter_table("event_field", schema=None) as batch_op:
        batch_op.drop_index("ix_event_field_field")

    op.drop_table("event_field")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index("ix_project_region")
        batch_op.drop_index("ix_project_partner")
        batch_op.drop_index("ix_project_listing")
        batch_op.drop_index("ix_project_alliance_listing")

    op.drop_table("project")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_region")
        batch_op.drop_index("ix_event_partner")
        batch_op.drop_index("ix_event_listing")
        batch_op.drop_index("ix_event_alliance_listing")

    op.drop_table("event")
    op.drop_table("source")
    op.drop_table("partner_token")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index("ix_membership_partner")

    op.drop_table("membership")
    op.drop_table("call")
    op.drop_table("action_field")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_region"))

    op.drop_table("partner")
    op.drop_table("office_user")
    op.drop_table("alliance")
