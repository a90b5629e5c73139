"""The audit trail: one hash-chained table for every write; the GDPR audit rows move into it.

Revision ID: 0005
Revises: 0004

The classification audit of 0004 (``gdpr_audit``) recorded a name the client typed. Its rows
become the first records of the trail, as ``anonymous`` (nothing was verified then) with the
typed name kept in ``after`` as ``claimed_actor``; the table is dropped.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

from evcat.audit.chain import GENESIS, Entry, iso_time, json_bytes

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ACTIONS = {"classify": "classification.set", "declassify": "classification.delete"}
_OLD_ACTIONS = {new: old for old, new in _ACTIONS.items()} | {"tag.map": "map-tag"}


def _create_trail() -> sa.Table:
    table = op.create_table(
        "audit_records",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("principal", sa.String(1024), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("resource", sa.String(1024), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
        sa.Column("before_json", sa.Text(), nullable=False),
        sa.Column("after_json", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    for column in ("at_ms", "principal", "action", "resource"):
        op.create_index(f"ix_audit_records_{column}", "audit_records", [column])
    assert table is not None
    return table


def _resource(action: str, obj: str) -> str:
    if action == "map-tag":
        return "tag:" + obj.removeprefix("tag/")
    return "classification:" + obj


def _loads(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


def _moved_records(rows: list[Any]) -> list[dict[str, Any]]:
    """The 0004 audit rows as chained records, oldest first."""
    records: list[dict[str, Any]] = []
    previous = GENESIS
    for seq, row in enumerate(rows, start=1):
        after = _loads(row.after_json)
        claimed = {"claimed_actor": row.actor}
        after = claimed if after is None else {**after, **claimed}
        unsigned = Entry(
            seq=seq,
            time=iso_time(row.at_ms),
            principal="anonymous",
            action=_ACTIONS.get(row.action, "tag.map"),
            resource=_resource(row.action, row.object),
            outcome="success",
            request_id=None,
            client=None,
            before=json_bytes(_loads(row.before_json)),
            after=json_bytes(after),
            previous_hash=previous,
            hash="",
        )
        entry = dataclasses.replace(unsigned, hash=unsigned.computed_hash())
        previous = entry.hash
        records.append(
            {
                "seq": entry.seq,
                "at_ms": row.at_ms,
                "principal": entry.principal,
                "action": entry.action,
                "resource": entry.resource,
                "outcome": entry.outcome,
                "request_id": None,
                "client": None,
                "before_json": entry.before.decode(),
                "after_json": entry.after.decode(),
                "previous_hash": entry.previous_hash,
                "hash": entry.hash,
            }
        )
    return records


def upgrade() -> None:
    trail = _create_trail()
    rows = op.get_bind().execute(sa.text("SELECT * FROM gdpr_audit ORDER BY id")).all()
    records = _moved_records(list(rows))
    if records:
        op.bulk_insert(trail, records)
    op.drop_index("ix_gdpr_audit_object", "gdpr_audit")
    op.drop_index("ix_gdpr_audit_at_ms", "gdpr_audit")
    op.drop_table("gdpr_audit")


def downgrade() -> None:
    old = op.create_table(
        "gdpr_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object", sa.String(1600), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
    )
    assert old is not None
    op.create_index("ix_gdpr_audit_at_ms", "gdpr_audit", ["at_ms"])
    op.create_index("ix_gdpr_audit_object", "gdpr_audit", ["object"])
    rows = op.get_bind().execute(
        sa.text(
            "SELECT at_ms, principal, action, resource, before_json, after_json "
            "FROM audit_records WHERE action IN "
            "('classification.set', 'classification.delete', 'tag.map') ORDER BY seq"
        )
    )
    kept = []
    for row in rows:
        after = _loads(row.after_json)
        actor = row.principal
        if isinstance(after, dict) and "claimed_actor" in after:
            actor = after.pop("claimed_actor")
            after = after or None
        family, _, name = row.resource.partition(":")
        kept.append(
            {
                "at_ms": row.at_ms,
                "actor": actor[:255],
                "action": _OLD_ACTIONS[row.action],
                "object": f"tag/{name}" if family == "tag" else name,
                "before_json": None if row.before_json == "null" else row.before_json,
                "after_json": None if after is None else orjson.dumps(after).decode(),
            }
        )
    if kept:
        op.bulk_insert(old, kept)
    for column in ("resource", "action", "principal", "at_ms"):
        op.drop_index(f"ix_audit_records_{column}", "audit_records")
    op.drop_table("audit_records")
