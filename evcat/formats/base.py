"""The one shape every schema format parses into, and the contract a format implements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

AVRO = "AVRO"
PROTOBUF = "PROTOBUF"
JSON = "JSON"
SCHEMA_TYPES = (AVRO, PROTOBUF, JSON)


@dataclass(frozen=True, slots=True)
class SchemaReference:
    """A named pointer from one schema to a subject-version holding another.

    ``name`` is what the referencing schema uses: the full name of an Avro named type, the
    import path of a Protobuf file, or the ``$ref`` of a JSON Schema.
    """

    name: str
    subject: str
    version: int


@dataclass(frozen=True, eq=False)
class ParsedSchema:
    """A schema that parsed and validated, with everything needed to compare or print it.

    ``canonical`` is the text evcat stores and returns; together with ``schema_type`` and
    ``references`` it decides identity (the same canonical text gets the same global id).
    ``model`` is the format's own parsed form, read by the compatibility engine.
    ``dependencies`` are the referenced schemas, keyed by reference name, already parsed.
    """

    schema_type: str
    canonical: str
    model: Any
    references: tuple[SchemaReference, ...] = ()
    dependencies: Mapping[str, ParsedSchema] = field(default_factory=dict)


class SchemaFormat(Protocol):
    """What each of Avro, Protobuf and JSON Schema provides to the registry."""

    schema_type: str

    def parse(
        self,
        text: str,
        references: Sequence[SchemaReference] = (),
        dependencies: Mapping[str, ParsedSchema] | None = None,
        *,
        normalize: bool = False,
    ) -> ParsedSchema:
        """Parse and validate ``text``; raise ``InvalidSchemaError`` saying what is wrong.

        ``dependencies`` maps each reference name to the parsed referenced schema. With
        ``normalize`` the canonical text is the normalized form (see docs/formats.md).
        """
        ...

    def render(self, schema: ParsedSchema, output_format: str) -> str:
        """The schema text for a ``format=`` query value; unknown values give ``canonical``."""
        ...
