"""Catalog tables. Rows are written only by ``catalog.store``; one table per resource kind.

Lists inside a document (members, edges, fields read, derivations) are child tables keyed by
their parent and position, so their order survives and reports can query them directly
(the GDPR data map joins edges, fields read, stores, recipients and derivations). Lists that
no query looks into (CloudEvents extensions, categories of a field) are JSON text.
References between resources are checked by ``catalog.validate`` before anything is written,
not by foreign keys, because ``evcat apply --prune`` replaces whole resources in one go.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class _Roles(SQLModel):
    owner: str | None = Field(default=None, max_length=255, index=True)
    steward: str | None = Field(default=None, max_length=255)
    privacy_contact: str | None = Field(default=None, max_length=255)


class DomainRow(_Roles, table=True):
    __tablename__ = "catalog_domains"

    id: str = Field(primary_key=True, max_length=255)
    name: str | None = None
    description: str | None = None
    parent: str | None = Field(default=None, max_length=255)


class TeamRow(SQLModel, table=True):
    __tablename__ = "catalog_teams"

    id: str = Field(primary_key=True, max_length=255)
    name: str | None = None
    description: str | None = None
    email: str | None = None
    chat: str | None = None


class PersonRow(SQLModel, table=True):
    """A team member; stewards and privacy contacts name people by id."""

    __tablename__ = "catalog_people"

    id: str = Field(primary_key=True, max_length=255)
    team: str = Field(max_length=255, index=True)
    position: int
    name: str | None = None
    email: str | None = None
    chat: str | None = None
    role: str | None = None


class ServiceRow(_Roles, table=True):
    __tablename__ = "catalog_services"

    id: str = Field(primary_key=True, max_length=255)
    name: str | None = None
    description: str | None = None
    domain: str | None = Field(default=None, max_length=255, index=True)
    depends_on_json: str = "[]"


class EdgeRow(SQLModel, table=True):
    """A producer (``produces``) or consumer (``consumes``) edge of a service."""

    __tablename__ = "catalog_edges"

    service: str = Field(primary_key=True, max_length=255)
    role: str = Field(primary_key=True, max_length=8)
    position: int = Field(primary_key=True)
    event: str = Field(max_length=512, index=True)
    version: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=255, index=True)
    key: str | None = None
    purpose: str | None = None
    legal_basis: str | None = Field(default=None, max_length=32)
    group_id: str | None = None
    description: str | None = None


class EdgeFieldRow(SQLModel, table=True):
    """A field a consumer edge reads."""

    __tablename__ = "catalog_edge_fields"

    service: str = Field(primary_key=True, max_length=255)
    role: str = Field(primary_key=True, max_length=8)
    edge: int = Field(primary_key=True)
    position: int = Field(primary_key=True)
    path: str = Field(max_length=1024)


class EdgeTargetRow(SQLModel, table=True):
    """A store written (``kind='store'``) or recipient disclosed to by a consumer edge."""

    __tablename__ = "catalog_edge_targets"

    service: str = Field(primary_key=True, max_length=255)
    role: str = Field(primary_key=True, max_length=8)
    edge: int = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=16)
    position: int = Field(primary_key=True)
    target: str = Field(max_length=255, index=True)


class DerivationRow(SQLModel, table=True):
    """An output field of an event a service produces, computed from fields it consumes."""

    __tablename__ = "catalog_derivations"

    service: str = Field(primary_key=True, max_length=255)
    position: int = Field(primary_key=True)
    event: str = Field(max_length=512, index=True)
    field: str = Field(max_length=1024)
    transformation: str = Field(max_length=16)
    description: str | None = None


class DerivationInputRow(SQLModel, table=True):
    __tablename__ = "catalog_derivation_inputs"

    service: str = Field(primary_key=True, max_length=255)
    derivation: int = Field(primary_key=True)
    position: int = Field(primary_key=True)
    event: str = Field(max_length=512, index=True)
    field: str = Field(max_length=1024)


class EventRow(_Roles, table=True):
    __tablename__ = "catalog_events"

    id: str = Field(primary_key=True, max_length=512)
    name: str | None = None
    type: str = Field(default="event", max_length=16)
    description: str | None = None
    domain: str | None = Field(default=None, max_length=255, index=True)
    subject: str | None = Field(default=None, max_length=1024)
    cloudevents_json: str | None = None


class FieldDeclarationRow(SQLModel, table=True):
    """A declared classification of one field path of an event."""

    __tablename__ = "catalog_field_declarations"

    event: str = Field(primary_key=True, max_length=512)
    path: str = Field(primary_key=True, max_length=1024)
    position: int
    categories_json: str = "[]"
    subject_types_json: str = "[]"
    identifier: str | None = Field(default=None, max_length=16)
    protection: str | None = Field(default=None, max_length=16)
    key_scope: str | None = Field(default=None, max_length=16)


class ChannelRow(_Roles, table=True):
    __tablename__ = "catalog_channels"

    id: str = Field(primary_key=True, max_length=255)
    address: str | None = None
    protocol: str = Field(default="kafka", max_length=32)
    cluster: str | None = None
    description: str | None = None
    partitions: int | None = None
    replicas: int | None = None
    retention: str | None = Field(default=None, max_length=64)
    cleanup_policy: str | None = Field(default=None, max_length=16)
    tombstone_retention: str | None = Field(default=None, max_length=64)
    residency: str | None = None
    key: str | None = None


class StoreRow(_Roles, table=True):
    __tablename__ = "catalog_stores"

    id: str = Field(primary_key=True, max_length=255)
    name: str | None = None
    technology: str | None = None
    description: str | None = None
    retention: str | None = Field(default=None, max_length=64)
    residency: str | None = None


class RecipientRow(SQLModel, table=True):
    __tablename__ = "catalog_recipients"

    id: str = Field(primary_key=True, max_length=255)
    name: str | None = None
    role: str = Field(default="processor", max_length=32)
    description: str | None = None
    country: str | None = None
    residency: str | None = None
    transfer_mechanism: str | None = Field(default=None, max_length=16)
    contact: str | None = None
    owner: str | None = Field(default=None, max_length=255)


class PolicyRow(SQLModel, table=True):
    __tablename__ = "catalog_policies"

    id: str = Field(primary_key=True, max_length=255)
    require_owner_json: str = "[]"


RESOURCE_TABLES: tuple[type[SQLModel], ...] = (
    DomainRow,
    TeamRow,
    PersonRow,
    ServiceRow,
    EdgeRow,
    EdgeFieldRow,
    EdgeTargetRow,
    DerivationRow,
    DerivationInputRow,
    EventRow,
    FieldDeclarationRow,
    ChannelRow,
    StoreRow,
    RecipientRow,
    PolicyRow,
)
