"""GDPR tables: classification overlays, tag mapping, retention policies.

An overlay row classifies one field path of an event from version ``since_version`` on; it
lives beside the registry and never touches schema text or ids. Every change to these tables
appends a record to the audit trail (``evcat.audit``) in the same transaction, with the
verified principal and the value before and after, so the trail cannot miss a change.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class OverlayRow(SQLModel, table=True):
    __tablename__ = "gdpr_overlays"

    event: str = Field(primary_key=True, max_length=512)
    path: str = Field(primary_key=True, max_length=1024)
    since_version: int = Field(primary_key=True)
    categories_json: str = "[]"
    subject_types_json: str = "[]"
    identifier: str | None = Field(default=None, max_length=16)
    protection: str | None = Field(default=None, max_length=16)
    key_scope: str | None = Field(default=None, max_length=16)
    actor: str = Field(max_length=255)
    updated_ms: int = Field(sa_type=BigInteger)


class TagCategoryRow(SQLModel, table=True):
    """A configured tag -> category mapping (overrides the built-in ``PII`` default)."""

    __tablename__ = "gdpr_tag_categories"

    tag: str = Field(primary_key=True, max_length=255)
    category: str = Field(max_length=255)


class RetentionPolicyRow(SQLModel, table=True):
    """A retention or residency rule for a category, or for every special category."""

    __tablename__ = "gdpr_retention_policies"

    id: str = Field(primary_key=True, max_length=255)
    category: str | None = Field(default=None, max_length=255)
    special_category: bool = False
    max_retention: str | None = Field(default=None, max_length=64)
    residency_json: str = "[]"
