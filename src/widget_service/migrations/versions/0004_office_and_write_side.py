"""the office, the write side, reach counts and the response cache's generation

Office accounts get a partner role, alliance grants and a session epoch; partner tokens a
trusted flag; projects a kind (project or story); projects and events an external id and
who sent them. New: signatures, partnership applications, the mail queue, the audit log,
reach counts, used form tokens and the content generation.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import widget_service.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


PARTNER_KINDS = (
    "municipality",
    "district",
    "association",
    "church",
    "union",
    "company",
    "initiative",
    "person",
)


def _submission_columns(table: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("submitter_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("submitter_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rejection_reason", sa.String(length=1000), nullable=True))
        batch.create_unique_constraint(
            f"uq_{table}_external", ["alliance_id", "partner_id", "external_id"]
        )
        batch.create_foreign_key(
            f"fk_{table}_submitted_by_id_office_user",
            "office_user",
            ["submitted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def upgrade() -> None:
    moment = widget_service.models.UTCDateTime(timezone=True)
    with op.batch_alter_table("office_user") as batch:
        batch.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_foreign_key(
            "fk_office_user_partner_id_partner",
            "partner",
            ["partner_id"],
            ["id"],
            ondelete="CASCADE",
        )
        # the role's CHECK constraint gains "partner"
        batch.drop_constraint(op.f("ck_office_user_role"), type_="check")
        batch.create_check_constraint("role", "role IN ('admin', 'editor', 'partner')")
    with op.batch_alter_table("office_user") as batch:
        batch.alter_column("session_epoch", server_default=None)
    op.create_table(
        "office_user_alliance",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_office_user_alliance_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["office_user.id"],
            name=op.f("fk_office_user_alliance_user_id_office_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "alliance_id", name=op.f("pk_office_user_alliance")),
    )
    with op.batch_alter_table("partner_token") as batch:
        batch.add_column(
            sa.Column("trusted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("partner_token") as batch:
        batch.alter_column("trusted", server_default=None)
    with op.batch_alter_table("project") as batch:
        batch.add_column(
            sa.Column(
                "kind",
                _enum("project_kind", "project", "story"),
                nullable=False,
                server_default="project",
            )
        )
    with op.batch_alter_table("project") as batch:
        batch.alter_column("kind", server_default=None)
    _submission_columns("project")
    _submission_columns("event")

    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("confirmed_at", moment, nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["call.id"], name=op.f("fk_signature_call_id_call"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
        sa.UniqueConstraint("call_id", "email", name=op.f("uq_signature_call_id_email")),
    )
    op.create_index("ix_signature_call_confirmed", "signature", ["call_id", "confirmed_at"])
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("kind", _enum("partner_kind", *PARTNER_KINDS), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column(
            "status", _enum("application_status", "pending", "approved", "rejected"), nullable=False
        ),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("decided_at", moment, nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_application_alliance_id_alliance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_application_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
    )
    op.create_index("ix_application_status", "application", ["status", "created_at"])
    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("next_attempt_at", moment, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", moment, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
    )
    op.create_index("ix_outgoing_mail_due", "outgoing_mail", ["sent_at", "next_attempt_at"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", moment, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["office_user.id"],
            name=op.f("fk_audit_entry_user_id_office_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_entry_record", "audit_entry", ["record_type", "record_id", "at"])
    op.create_table(
        "reach_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", _enum("reach_kind", "widget", "banner", "badge"), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("alliance", sa.String(length=80), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reach_count")),
        sa.UniqueConstraint(
            "day",
            "kind",
            "name",
            "alliance",
            "origin",
            name=op.f("uq_reach_count_day_kind_name_alliance_origin"),
        ),
    )
    op.create_table(
        "used_form_token",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", moment, nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_used_form_token")),
    )
    op.create_index(op.f("ix_used_form_token_expires_at"), "used_form_token", ["expires_at"])
    generation = op.create_table(
        "content_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_generation")),
    )
    op.bulk_insert(generation, [{"id": 1, "value": 0}])


def downgrade() -> None:
    op.drop_table("content_generation")
    op.drop_index(op.f("ix_used_form_token_expires_at"), table_name="used_form_token")
    op.drop_table("used_form_token")
    op.drop_table("reach_count")
    op.drop_index("ix_audit_entry_record", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index("ix_outgoing_mail_due", table_name="outgoing_mail")
    op.drop_table("outgoing_mail")
    op.drop_index("ix_application_status", table_name="application")
    op.drop_table("application")
    op.drop_index("ix_signature_call_confirmed", table_name="signature")
    op.drop_table("signature")
    for table in ("event", "project"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_submitted_by_id_office_user", type_="foreignkey")
            batch.drop_constraint(f"uq_{table}_external", type_="unique")
            for column in (
                "rejection_reason",
                "submitted_by_id",
                "submitter_email",
                "submitter_name",
                "external_id",
            ):
                batch.drop_column(column)
    with op.batch_alter_table("project") as batch:
        batch.drop_constraint(op.f("ck_project_project_kind"), type_="check")
        batch.drop_column("kind")
    with op.batch_alter_table("partner_token") as batch:
        batch.drop_column("trusted")
    op.drop_table("office_user_alliance")
    with op.batch_alter_table("office_user") as batch:
        batch.drop_constraint(op.f("ck_office_user_role"), type_="check")
        batch.create_check_constraint("role", "role IN ('admin', 'editor')")
        batch.drop_constraint("fk_office_user_partner_id_partner", type_="foreignkey")
        batch.drop_column("session_epoch")
        batch.drop_column("partner_id")
