"""Catalog tables: domains, teams, people, services, edges, derivations, events, channels...

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

_ID = 255
_EVENT = 512
_PATH = 1024


def _roles() -> list[sa.Column[str]]:
    return [
        sa.Column("owner", sa.String(_ID), nullable=True),
        sa.Column("steward", sa.String(_ID), nullable=True),
        sa.Column("privacy_contact", sa.String(_ID), nullable=True),
    ]


def _text(*names: str) -> list[sa.Column[str]]:
    return [sa.Column(name, sa.Text(), nullable=True) for name in names]


def upgrade() -> None:
    op.create_table(
        "catalog_domains",
        *_roles(),
        sa.Column("id", sa.String(_ID), primary_key=True),
        *_text("name", "description"),
        sa.Column("parent", sa.String(_ID), nullable=True),
    )
    op.create_table(
        "catalog_teams",
        sa.Column("id", sa.String(_ID), primary_key=True),
        *_text("name", "description", "email", "chat"),
    )
    op.create_table(
        "catalog_people",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("team", sa.String(_ID), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_text("name", "email", "chat", "role"),
    )
    op.create_table(
        "catalog_services",
        *_roles(),
        sa.Column("id", sa.String(_ID), primary_key=True),
        *_text("name", "description"),
        sa.Column("domain", sa.String(_ID), nullable=True),
        sa.Column("depends_on_json", sa.Text(), nullable=False),
    )
    op.create_table(
        "catalog_edges",
        sa.Column("service", sa.String(_ID), primary_key=True),
        sa.Column("role", sa.String(8), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("event", sa.String(_EVENT), nullable=False),
        sa.Column("version", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(_ID), nullable=True),
        *_text("key", "purpose"),
        sa.Column("legal_basis", sa.String(32), nullable=True),
        *_text("group_id", "description"),
    )
    op.create_table(
        "catalog_edge_fields",
        sa.Column("service", sa.String(_ID), primary_key=True),
        sa.Column("role", sa.String(8), primary_key=True),
        sa.Column("edge", sa.Integer(), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("path", sa.String(_PATH), nullable=False),
    )
    op.create_table(
        "catalog_edge_targets",
        sa.Column("service", sa.String(_ID), primary_key=True),
        sa.Column("role", sa.String(8), primary_key=True),
        sa.Column("edge", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("target", sa.String(_ID), nullable=False),
    )
    op.create_table(
        "catalog_derivations",
        sa.Column("service", sa.String(_ID), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("event", sa.String(_EVENT), nullable=False),
        sa.Column("field", sa.String(_PATH), nullable=False),
        sa.Column("transformation", sa.String(16), nullable=False),
        *_text("description"),
    )
    op.create_table(
        "catalog_derivation_inputs",
        sa.Column("service", sa.String(_ID), primary_key=True),
        sa.Column("derivation", sa.Integer(), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("event", sa.String(_EVENT), nullable=False),
        sa.Column("field", sa.String(_PATH), nullable=False),
    )
    op.create_table(
        "catalog_events",
        *_roles(),
        sa.Column("id", sa.String(_EVENT), primary_key=True),
        *_text("name"),
        sa.Column("type", sa.String(16), nullable=False),
        *_text("description"),
        sa.Column("domain", sa.String(_ID), nullable=True),
        sa.Column("subject", sa.String(_PATH), nullable=True),
        *_text("cloudevents_json"),
    )
    op.create_table(
        "catalog_field_declarations",
        sa.Column("event", sa.String(_EVENT), primary_key=True),
        sa.Column("path", sa.String(_PATH), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("categories_json", sa.Text(), nullable=False),
        sa.Column("subject_types_json", sa.Text(), nullable=False),
        sa.Column("identifier", sa.String(16), nullable=True),
        sa.Column("protection", sa.String(16), nullable=True),
        sa.Column("key_scope", sa.String(16), nullable=True),
    )
    op.create_table(
        "catalog_channels",
        *_roles(),
        sa.Column("id", sa.String(_ID), primary_key=True),
        *_text("address"),
        sa.Column("protocol", sa.String(32), nullable=False),
        *_text("cluster", "description"),
        sa.Column("partitions", sa.Integer(), nullable=True),
        sa.Column("replicas", sa.Integer(), nullable=True),
        sa.Column("retention", sa.String(64), nullable=True),
        sa.Column("cleanup_policy", sa.String(16), nullable=True),
        sa.Column("tombstone_retention", sa.String(64), nullable=True),
        *_text("residency", "key"),
    )
    op.create_table(
        "catalog_stores",
        *_roles(),
        sa.Column("id", sa.String(_ID), primary_key=True),
        *_text("name", "technology", "description"),
        sa.Column("retention", sa.String(64), nullable=True),
        *_text("residency"),
    )
    op.create_table(
        "catalog_recipients",
        sa.Column("id", sa.String(_ID), primary_key=True),
        *_text("name"),
        sa.Column("role", sa.String(32), nullable=False),
        *_text("description", "country", "residency"),
        sa.Column("transfer_mechanism", sa.String(16), nullable=True),
        *_text("contact"),
        sa.Column("owner", sa.String(_ID), nullable=True),
    )
    op.create_table(
        "catalog_policies",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("require_owner_json", sa.Text(), nullable=False),
    )
    for table, column in (
        ("catalog_people", "team"),
        ("catalog_services", "domain"),
        ("catalog_services", "owner"),
        ("catalog_edges", "event"),
        ("catalog_edges", "channel"),
        ("catalog_edge_targets", "target"),
        ("catalog_derivations", "event"),
        ("catalog_derivation_inputs", "event"),
        ("catalog_events", "domain"),
        ("catalog_events", "owner"),
        ("catalog_channels", "owner"),
        ("catalog_stores", "owner"),
        ("catalog_domains", "owner"),
    ):
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in (
        "catalog_policies",
        "catalog_recipients",
        "catalog_stores",
        "catalog_channels",
        "catalog_field_declarations",
        "catalog_events",
        "catalog_derivation_inputs",
        "catalog_derivations",
        "catalog_edge_targets",
        "catalog_edge_fields",
        "catalog_edges",
        "catalog_services",
        "catalog_people",
        "catalog_teams",
        "catalog_domains",
    ):
        op.drop_table(table)
