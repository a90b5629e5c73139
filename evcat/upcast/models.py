"""Tables of the upcast layer; rows are written only by ``evcat.upcast.store``."""

from __future__ import annotations

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel


class UpcasterRow(SQLModel, table=True):
    """One declared edge: a declarative document, or the pin of a Python upcaster.

    Emit edges have no single target: their ``to_event`` is ``""`` and ``to_version`` 0, so
    the unique constraint still refuses a second emit edge from the same version.
    """

    __tablename__ = "upcasters"
    __table_args__ = (UniqueConstraint("event", "from_version", "to_event", "to_version"),)

    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(max_length=1024)
    from_version: int
    to_event: str = Field(max_length=1024, index=True)
    to_version: int
    kind: str = Field(max_length=16)
    spec_json: str | None = None
    code_ref: str | None = Field(default=None, max_length=1024)
    fingerprint: str = Field(max_length=80)
    report_json: str | None = None
    created_ms: int = Field(sa_type=BigInteger)


class UpcastPolicyRow(SQLModel, table=True):
    """An event type's registration policy (``BACKWARD_OR_UPCASTABLE``)."""

    __tablename__ = "upcast_policies"

    event: str = Field(primary_key=True, max_length=1024)
    policy: str = Field(max_length=32)
