"""Values the registry service takes and returns; no HTTP, no SQL."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from evcat.formats.base import AVRO, SchemaReference


@dataclass(frozen=True)
class SchemaRequest:
    """What a client sends to register, look up or test a schema."""

    schema: str | None
    schema_type: str = AVRO
    references: tuple[SchemaReference, ...] = ()
    metadata: dict[str, Any] | None = None
    ruleset: dict[str, Any] | None = None
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class StoredSchema:
    """An immutable schema content with its global id."""

    id: int
    schema_type: str
    text: str
    references: tuple[SchemaReference, ...] = ()
    metadata: dict[str, Any] | None = None
    ruleset: dict[str, Any] | None = None
    guid: str = ""
    created_ms: int = 0


@dataclass(frozen=True)
class SubjectVersion:
    """A subject's version and the schema it holds."""

    subject: str
    version: int
    schema: StoredSchema
    deleted: bool = False
    created_ms: int = 0


@dataclass(frozen=True)
class CompatibilityResult:
    is_compatible: bool
    messages: list[str] = field(default_factory=list)
    incompatibilities: list[Any] = field(default_factory=list)


def identity(
    schema_type: str,
    canonical: str,
    references: tuple[SchemaReference, ...],
    metadata: dict[str, Any] | None,
    ruleset: dict[str, Any] | None,
) -> tuple[str, str]:
    """The content fingerprint (SHA-256 hex) and the GUID derived from it.

    Everything that makes two registrations "the same schema" goes in: type, canonical text,
    references (name, subject, version) and the data-contract metadata and rule set.
    """
    key = orjson.dumps(
        [
            schema_type,
            canonical,
            [[r.name, r.subject, r.version] for r in references],
            metadata,
            ruleset,
        ],
        option=orjson.OPT_SORT_KEYS,
    )
    fingerprint = hashlib.sha256(key).hexdigest()
    guid = str(uuid.UUID(bytes=hashlib.md5(key, usedforsecurity=False).digest()))
    return fingerprint, guid
