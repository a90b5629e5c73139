"""The audit table: append-only, one row per state change, each chained to the one before.

Rows are written only by ``audit.trail`` and never updated or deleted by evcat. ``seq``
counts from 1 without gaps: it is allocated under the registry write lock as the previous
record's plus one, so two writers can never both extend the same record (the primary key
would refuse the second even if the lock were bypassed).
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class AuditRecordRow(SQLModel, table=True):
    __tablename__ = "audit_records"

    seq: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    at_ms: int = Field(sa_type=BigInteger, index=True)
    principal: str = Field(max_length=1024, index=True)
    action: str = Field(max_length=64, index=True)
    resource: str = Field(max_length=1024, index=True)
    outcome: str = Field(max_length=16)
    request_id: str | None = Field(default=None, max_length=128)
    client: str | None = Field(default=None, max_length=64)
    before_json: str = Field(default="null")
    after_json: str = Field(default="null")
    previous_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
