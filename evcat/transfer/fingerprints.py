"""Each schema of a snapshot parsed as evcat parses a registration: canonical text, fingerprint.

The fingerprint is the one ``registry.entities.identity`` gives a registration, so a source
schema and the schema a target stores under the same id compare equal exactly when evcat
would call them the same schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from evcat.errors import EvcatError
from evcat.registry.entities import identity
from evcat.registry.formats import ParsedSchema, get_format
from evcat.transfer.errors import TransferError
from evcat.transfer.snapshot import Snapshot

MAX_REFERENCE_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Canonical:
    """A schema as evcat stores it: canonical text, content fingerprint and GUID."""

    parsed: ParsedSchema
    fingerprint: str
    guid: str


class Fingerprinter:
    """Parses the schemas of one snapshot once each, references first."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._done: dict[int, Canonical] = {}

    def canonical(self, schema_id: int, depth: int = 0) -> Canonical:
        """Schema ``schema_id`` parsed; a schema evcat refuses is a TransferError naming it."""
        done = self._done.get(schema_id)
        if done is not None:
            return done
        if depth > MAX_REFERENCE_DEPTH:
            raise TransferError(
                f"schema id {schema_id}: references nest deeper than {MAX_REFERENCE_DEPTH} levels"
            )
        entry = self.snapshot.schemas[schema_id]
        dependencies: dict[str, ParsedSchema] = {}
        for reference in entry.references:
            held = self.snapshot.versions.get((reference.subject, reference.version))
            if held is None:
                raise TransferError(
                    f"schema id {schema_id} references subject '{reference.subject}' version "
                    f"{reference.version}, which the source does not hold"
                )
            dependencies[reference.name] = self.canonical(held.schema_id, depth + 1).parsed
        try:
            parsed = get_format(entry.schema_type).parse(entry.text, entry.references, dependencies)
        except EvcatError as error:
            raise TransferError(f"schema id {schema_id} does not parse: {error.message}") from None
        fingerprint, guid = identity(
            parsed.schema_type, parsed.canonical, entry.references, entry.metadata, entry.ruleset
        )
        done = Canonical(parsed, fingerprint, guid)
        self._done[schema_id] = done
        return done

    def fingerprint(self, schema_id: int) -> str:
        return self.canonical(schema_id).fingerprint

    def all(self) -> dict[int, str]:
        """Every schema's fingerprint; every schema evcat refuses is named in one error."""
        prints: dict[int, str] = {}
        refused: list[str] = []
        for schema_id in sorted(self.snapshot.schemas):
            try:
                prints[schema_id] = self.fingerprint(schema_id)
            except TransferError as error:
                refused.append(error.message)
        if refused:
            count = len(refused)
            raise TransferError(
                f"{count} schema{'s' if count != 1 else ''} of the source cannot be imported",
                refused,
            )
        return prints
