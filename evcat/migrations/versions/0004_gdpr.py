"""GDPR tables: classification overlays, audit trail, tag mapping and retention policies.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gdpr_overlays",
        sa.Column("event", sa.String(512), primary_key=True),
        sa.Column("path", sa.String(1024), primary_key=True),
        sa.Column("since_version", sa.Integer(), primary_key=True),
        sa.Column("categories_json", sa.Text(), nullable=False),
        sa.Column("subject_types_json", sa.Text(), nullable=False),
        sa.Column("identifier", sa.String(16), nullable=True),
        sa.Column("protection", sa.String(16), nullable=True),
        sa.Column("key_scope", sa.String(16), nullable=True),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "gdpr_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object", sa.String(1600), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
    )
    op.create_index("ix_gdpr_audit_at_ms", "gdpr_audit", ["at_ms"])
    op.create_index("ix_gdpr_audit_object", "gdpr_audit", ["object"])
    op.create_table(
        "gdpr_tag_categories",
        sa.Column("tag", sa.String(255), primary_key=True),
        sa.Column("category", sa.String(255), nullable=False),
    )
    op.create_table(
        "gdpr_retention_policies",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("category", sa.String(255), nullable=True),
        sa.Column("special_category", sa.Boolean(), nullable=False),
        sa.Column("max_retention", sa.String(64), nullable=True),
        sa.Column("residency_json", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gdpr_retention_policies")
    op.drop_table("gdpr_tag_categories")
    op.drop_index("ix_gdpr_audit_object", "gdpr_audit")
    op.drop_index("ix_gdpr_audit_at_ms", "gdpr_audit")
    op.drop_table("gdpr_audit")
    op.drop_table("gdpr_overlays")
