"""Registry tables: schemas, subject versions, references, config, mode, write lock.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schemas",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("schema_type", sa.String(16), nullable=False),
        sa.Column("schema_text", sa.Text(), nullable=False),
        sa.Column("references_json", sa.Text(), nullable=False),
        sa.Column("metadata_json", sa.Text(), nullable=True),
        sa.Column("ruleset_json", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_schemas_fingerprint", "schemas", ["fingerprint"])
    op.create_index("ix_schemas_guid", "schemas", ["guid"])
    op.create_table(
        "subject_versions",
        sa.Column("subject", sa.String(1024), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("schema_id", sa.Integer(), sa.ForeignKey("schemas.id"), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_subject_versions_schema_id", "subject_versions", ["schema_id"])
    op.create_table(
        "schema_references",
        sa.Column("schema_id", sa.Integer(), sa.ForeignKey("schemas.id"), primary_key=True),
        sa.Column("name", sa.String(1024), primary_key=True),
        sa.Column("subject", sa.String(1024), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_schema_references_subject", "schema_references", ["subject"])
    op.create_table(
        "configs",
        sa.Column("subject", sa.String(1024), primary_key=True),
        sa.Column("config_json", sa.Text(), nullable=False),
    )
    op.create_table(
        "modes",
        sa.Column("subject", sa.String(1024), primary_key=True),
        sa.Column("mode", sa.String(32), nullable=False),
    )
    state = op.create_table(
        "registry_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("delete_epoch", sa.BigInteger(), nullable=False),
        sa.Column("max_schema_id", sa.Integer(), nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "epoch": 0, "delete_epoch": 0, "max_schema_id": 0}])


def downgrade() -> None:
    for table in (
        "registry_state",
        "modes",
        "configs",
        "schema_references",
        "subject_versions",
        "schemas",
    ):
        op.drop_table(table)
