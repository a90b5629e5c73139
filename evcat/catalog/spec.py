"""The catalog-as-code format: one pydantic model per resource kind (``apiVersion: evcat/v1``).

These models are the single description of a catalog document. ``evcat apply`` validates YAML
against them, the store converts them to and from table rows, ``evcat export catalog`` dumps
them back, and the published JSON Schema (``catalog_json_schema``) is generated from them.
Defaults are chosen so that a dump with ``exclude_defaults`` round-trips exactly.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
    field_validator,
)

from evcat.catalog.durations import check_duration

API_VERSION: Final = "evcat/v1"

Ident = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", min_length=1, max_length=255)
]
"""Ids of domains, teams, people, services, channels, stores, recipients and policies."""

EventName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.$-]*$", min_length=1, max_length=512)
]
"""An event's fully qualified name: Avro record, Protobuf message, or JSON Schema title."""

FieldPath = Annotated[str, StringConstraints(pattern=r"^[^.\s][^\s]*$", max_length=1024)]
"""A dotted field path; arrays, maps and unions are transparent (``lines.sku``)."""

_VERSION_PATTERN = r"^(latest|\^?[1-9][0-9]*|[1-9][0-9]*\.x)$"
VersionSpec = Annotated[
    str,
    BeforeValidator(lambda value: str(value) if isinstance(value, int) else value),
    StringConstraints(pattern=_VERSION_PATTERN, max_length=16),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _VERSION_PATTERN},
                {"type": "integer", "minimum": 1},
            ],
            "default": "latest",
        }
    ),
]
"""``latest``, an exact version ``3``, ``^2`` (2 and every later one) or ``2.x`` (only 2)."""

Duration = Annotated[str, StringConstraints(max_length=64)]

Transformation = Literal[
    "copy", "derive", "hash", "tokenise", "encrypt", "aggregate", "anonymise", "drop"
]
LegalBasis = Literal[
    "consent",
    "contract",
    "legal-obligation",
    "vital-interests",
    "public-task",
    "legitimate-interests",
]
OwnedKind = Literal["event", "service", "channel", "store"]
OWNED_KINDS: tuple[OwnedKind, ...] = ("event", "service", "channel", "store")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Resource(_Strict):
    """Fields every document has. ``kind`` is fixed per subclass."""

    api_version: Literal["evcat/v1"] = Field(API_VERSION, alias="apiVersion")


class _Roles(_Strict):
    """Ownership (F16): an owning team and, optionally, a steward and a privacy contact."""

    owner: Ident | None = Field(None, description="Team id accountable for the resource")
    steward: Ident | None = Field(None, description="Person id who curates the metadata")
    privacy_contact: Ident | None = Field(
        None, description="Person id for data-protection questions"
    )


class Member(_Strict):
    id: Ident
    name: str | None = None
    email: str | None = None
    chat: str | None = Field(None, description="Chat channel, e.g. #team-orders")
    role: str | None = None


class Domain(_Resource, _Roles):
    """A business domain; domains nest through ``parent``."""

    kind: Literal["Domain"]
    id: Ident
    name: str | None = None
    description: str | None = None
    parent: Ident | None = None


class Team(_Resource):
    """A team and the people in it; teams own resources."""

    kind: Literal["Team"]
    id: Ident
    name: str | None = None
    description: str | None = None
    email: str | None = None
    chat: str | None = None
    members: list[Member] = Field(default_factory=list)


class Produce(_Strict):
    """A producer edge: this service publishes ``event`` on ``channel``."""

    event: EventName
    version: VersionSpec = "latest"
    channel: Ident | None = None
    key: FieldPath | None = Field(None, description="Field whose value keys the records")
    description: str | None = None


class Consume(_Strict):
    """A consumer edge, with what is read, why, and where it goes next (F2)."""

    event: EventName
    version: VersionSpec = "latest"
    channel: Ident | None = None
    fields: list[FieldPath] = Field(
        default_factory=list, description="Fields read; empty means the whole event"
    )
    purpose: str | None = None
    legal_basis: LegalBasis | None = None
    stores: list[Ident] = Field(default_factory=list, description="Data stores written")
    recipients: list[Ident] = Field(
        default_factory=list, description="External recipients the data is disclosed to"
    )
    group_id: str | None = None
    description: str | None = None


class FieldRef(_Strict):
    event: EventName
    field: FieldPath


class Derivation(_Strict):
    """An output field of a produced event computed from consumed fields."""

    event: EventName
    field: FieldPath
    transformation: Transformation
    from_: list[FieldRef] = Field(alias="from", min_length=1)
    description: str | None = None


class Service(_Resource, _Roles):
    kind: Literal["Service"]
    id: Ident
    name: str | None = None
    description: str | None = None
    domain: Ident | None = None
    depends_on: list[Ident] = Field(
        default_factory=list, description="Services this one calls directly (not via events)"
    )
    produces: list[Produce] = Field(default_factory=list)
    consumes: list[Consume] = Field(default_factory=list)
    derivations: list[Derivation] = Field(default_factory=list)


class CloudEventsEnvelope(_Strict):
    """How the event travels as a CloudEvent (F12)."""

    type: str | None = Field(None, description="Reverse-DNS type; defaults to the event name")
    source: str | None = Field(None, description="URI-reference pattern, {placeholders} allowed")
    subject: str | None = Field(None, description="Template such as {customer_id}")
    content_mode: Literal["binary", "structured"] = "binary"
    datacontenttype: str | None = None
    extensions: list[str] = Field(default_factory=list)


class FieldDeclaration(_Strict):
    """What a field holds, declared beside the schema (never changes schema text or ids)."""

    path: FieldPath
    categories: list[str] = Field(default_factory=list)
    subject_types: list[str] = Field(default_factory=list)
    identifier: Literal["direct", "indirect", "pseudonymous", "none"] | None = None
    protection: Literal["plain", "encrypted", "hashed", "tokenised", "redacted"] | None = None
    key_scope: Literal["per-subject", "shared"] | None = Field(
        None, description="For encrypted fields: per-subject keys allow crypto-shredding"
    )


class Event(_Resource, _Roles):
    """Catalog metadata of an event whose schemas live in the registry."""

    kind: Literal["Event"]
    id: EventName
    name: str | None = None
    type: Literal["event", "command", "query"] = "event"
    description: str | None = None
    domain: Ident | None = None
    subject: str | None = Field(None, description="Registry subject whose versions number it")
    cloudevents: CloudEventsEnvelope | None = None
    fields: list[FieldDeclaration] = Field(default_factory=list)


class Channel(_Resource, _Roles):
    """A topic (or other address) and how long it keeps what it carries."""

    kind: Literal["Channel"]
    id: Ident
    address: str | None = Field(None, description="Defaults to the id")
    protocol: str = "kafka"
    cluster: str | None = None
    description: str | None = None
    partitions: int | None = Field(None, ge=1)
    replicas: int | None = Field(None, ge=1)
    retention: Duration | None = Field(None, description="ISO-8601 duration or 'infinite'")
    cleanup_policy: Literal["delete", "compact", "both"] | None = None
    tombstone_retention: Duration | None = None
    residency: str | None = None
    key: FieldPath | None = Field(None, description="Field that keys the records")

    _durations = field_validator("retention", "tombstone_retention")(check_duration)


class Store(_Resource, _Roles):
    """A data store that consumers write to."""

    kind: Literal["Store"]
    id: Ident
    name: str | None = None
    technology: str | None = None
    description: str | None = None
    retention: Duration | None = None
    residency: str | None = None

    _durations = field_validator("retention")(check_duration)


class Recipient(_Resource):
    """An organisation outside the company that receives data (Art. 30(1)(d))."""

    kind: Literal["Recipient"]
    id: Ident
    name: str | None = None
    role: Literal["processor", "controller", "joint-controller", "public-authority"] = "processor"
    description: str | None = None
    country: str | None = None
    residency: str | None = None
    transfer_mechanism: Literal["adequacy", "scc", "bcr", "derogation", "none"] | None = None
    contact: str | None = None
    owner: Ident | None = Field(None, description="Team accountable for the relationship")


class Policy(_Resource):
    """Catalog-wide rules; ``require_owner: true`` means every owned kind."""

    kind: Literal["Policy"]
    id: Ident
    require_owner: Annotated[
        list[OwnedKind],
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "boolean"},
                    {"type": "array", "items": {"enum": list(OWNED_KINDS)}, "uniqueItems": True},
                ],
                "description": "true for every owned kind, or the kinds that need an owner",
            }
        ),
    ] = Field(default_factory=list)

    @field_validator("require_owner", mode="before")
    @classmethod
    def _all_when_true(cls, value: Any) -> Any:
        if value is True:
            return list(OWNED_KINDS)
        if value is False:
            return []
        return value


Resource = Domain | Team | Service | Event | Channel | Store | Recipient | Policy
Document = Annotated[Resource, Field(discriminator="kind")]
DOCUMENT = TypeAdapter[Resource](Document)

# Apply order: referenced kinds first, so a plan reads top to bottom.
KINDS: tuple[type[Resource], ...] = (
    Team,
    Domain,
    Recipient,
    Store,
    Channel,
    Event,
    Service,
    Policy,
)
KIND_NAMES = tuple(kind.model_fields["kind"].annotation.__args__[0] for kind in KINDS)  # type: ignore[union-attr]
PLURALS = {
    "Domain": "domains",
    "Team": "teams",
    "Service": "services",
    "Event": "events",
    "Channel": "channels",
    "Store": "stores",
    "Recipient": "recipients",
    "Policy": "policies",
}


_ROLE_KEYS = ("owner", "steward", "privacy_contact")


def dump(resource: Resource) -> dict[str, Any]:
    """The document as plain data, defaults left out: kind and id, scalars, roles, lists."""
    data = resource.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data.pop("apiVersion", None)
    head = {"apiVersion": API_VERSION, "kind": data.pop("kind"), "id": data.pop("id")}
    roles = {key: data.pop(key) for key in _ROLE_KEYS if key in data}
    scalars = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    nested = {k: v for k, v in data.items() if isinstance(v, list | dict)}
    return head | scalars | roles | nested


def catalog_json_schema() -> dict[str, Any]:
    """The published JSON Schema of one catalog document (any kind)."""
    schema = DOCUMENT.json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://evcat.dev/schemas/catalog-v1.json",
        "title": "evcat catalog document (evcat/v1)",
        **schema,
    }
