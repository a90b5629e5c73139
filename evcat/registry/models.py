"""Tables of the registry. Rows are written only by ``registry.store``."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

GLOBAL = ""
"""The subject key of global config and mode rows."""


class SchemaRow(SQLModel, table=True):
    """One immutable schema content under a global id."""

    __tablename__ = "schemas"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    schema_type: str = Field(max_length=16)
    schema_text: str
    references_json: str = Field(default="[]")
    metadata_json: str | None = None
    ruleset_json: str | None = None
    fingerprint: str = Field(index=True, max_length=64)
    guid: str = Field(index=True, max_length=36)
    created_ms: int = Field(sa_type=BigInteger)


class SubjectVersionRow(SQLModel, table=True):
    """A subject's version: which schema it holds, and whether it is soft-deleted."""

    __tablename__ = "subject_versions"

    subject: str = Field(primary_key=True, max_length=1024)
    version: int = Field(primary_key=True)
    schema_id: int = Field(foreign_key="schemas.id", index=True)
    deleted: bool = Field(default=False)
    created_ms: int = Field(sa_type=BigInteger)


class ReferenceRow(SQLModel, table=True):
    """A schema's reference to a subject-version; the reverse index behind ``referencedby``."""

    __tablename__ = "schema_references"

    schema_id: int = Field(primary_key=True, foreign_key="schemas.id")
    name: str = Field(primary_key=True, max_length=1024)
    subject: str = Field(index=True, max_length=1024)
    version: int


class ConfigRow(SQLModel, table=True):
    """Compatibility config of one subject, or the global one (subject ``""``)."""

    __tablename__ = "configs"

    subject: str = Field(primary_key=True, max_length=1024)
    config_json: str


class ModeRow(SQLModel, table=True):
    __tablename__ = "modes"

    subject: str = Field(primary_key=True, max_length=1024)
    mode: str = Field(max_length=32)


class RegistryStateRow(SQLModel, table=True):
    """A single row: writers lock it to serialize writes.

    ``epoch`` counts writes; ``delete_epoch`` counts permanent deletes, which are the only writes
    that can make a cached schema-by-id answer wrong; ``max_schema_id`` is the highest id ever
    given out, so ids are never reused even after the schema holding the highest was deleted.
    """

    __tablename__ = "registry_state"

    id: int = Field(primary_key=True)
    epoch: int = Field(default=0, sa_type=BigInteger)
    delete_epoch: int = Field(default=0, sa_type=BigInteger)
    max_schema_id: int = Field(default=0)
