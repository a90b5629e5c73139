"""Upcaster tables: declared edges (documents and code pins) and registration policies.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upcasters",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event", sa.String(1024), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("to_event", sa.String(1024), nullable=False),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=True),
        sa.Column("code_ref", sa.String(1024), nullable=True),
        sa.Column("fingerprint", sa.String(80), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("event", "from_version", "to_event", "to_version"),
    )
    op.create_index("ix_upcasters_to_event", "upcasters", ["to_event"])
    op.create_table(
        "upcast_policies",
        sa.Column("event", sa.String(1024), primary_key=True),
        sa.Column("policy", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("upcast_policies")
    op.drop_index("ix_upcasters_to_event", "upcasters")
    op.drop_table("upcasters")
