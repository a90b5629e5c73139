"""Each schema of a snapshot parsed as evcat parses a registration: canonical text, fingerprint.

The fingerprint is the one ``registry.entities.identity`` gives a registration, so a source
schema and the schema a target stores under the same id compare equal exactly when evcat
would call them the same schema.

Parsing is most of an import's time (a quarter of a millisecond per Avro schema), so large
imports parse the schemas that reference nothing in worker processes; schemas with
references are parsed here, after what they reference.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from evcat.errors import EvcatError
from evcat.formats import ParsedSchema, get_format
from evcat.registry.entities import identity
from evcat.transfer.errors import TransferError
from evcat.transfer.snapshot import SchemaEntry, Snapshot

MAX_REFERENCE_DEPTH = 100
# Below this many schemas, starting worker processes costs more than it saves.
PARALLEL_FROM = 5_000
CHUNK = 500


@dataclass(frozen=True, slots=True)
class Canonical:
    """A schema as evcat stores it: type, canonical text, content fingerprint and GUID."""

    schema_type: str
    text: str
    fingerprint: str
    guid: str


def _canonical(entry: SchemaEntry, parsed: ParsedSchema) -> Canonical:
    fingerprint, guid = identity(
        parsed.schema_type, parsed.canonical, entry.references, entry.metadata, entry.ruleset
    )
    return Canonical(parsed.schema_type, parsed.canonical, fingerprint, guid)


def _parse_alone(entries: list[SchemaEntry]) -> list[Canonical | str]:
    """Worker: schemas without references, each parsed, or the reason it does not parse."""
    done: list[Canonical | str] = []
    for entry in entries:
        try:
            done.append(_canonical(entry, get_format(entry.schema_type).parse(entry.text)))
        except EvcatError as error:
            done.append(f"schema id {entry.id} does not parse: {error.message}")
    return done


def _ignore(_: int) -> None:
    return None


def default_workers() -> int:
    """The CPUs this process may use (at most 8)."""
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)


class Fingerprinter:
    """Parses the schemas of one snapshot once each, references first."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._canonical: dict[int, Canonical] = {}
        self._parsed: dict[int, ParsedSchema] = {}

    def parsed(self, schema_id: int, depth: int = 0) -> ParsedSchema:
        """Schema ``schema_id`` parsed with its references; a refusal names the id."""
        done = self._parsed.get(schema_id)
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
            dependencies[reference.name] = self.parsed(held.schema_id, depth + 1)
        try:
            parsed = get_format(entry.schema_type).parse(entry.text, entry.references, dependencies)
        except EvcatError as error:
            raise TransferError(f"schema id {schema_id} does not parse: {error.message}") from None
        # Only schemas something references are parsed again later: keep just those.
        self._parsed[schema_id] = parsed
        return parsed

    def canonical(self, schema_id: int) -> Canonical:
        done = self._canonical.get(schema_id)
        if done is None:
            done = _canonical(self.snapshot.schemas[schema_id], self.parsed(schema_id))
            self._canonical[schema_id] = done
        return done

    def _parse_in_workers(
        self, entries: list[SchemaEntry], workers: int, advance: Callable[[int], None]
    ) -> list[str]:
        chunks = [entries[i : i + CHUNK] for i in range(0, len(entries), CHUNK)]
        refused: list[str] = []
        # spawn, not fork: the CLI may run in a process with threads (servers in tests).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for chunk, results in zip(chunks, pool.map(_parse_alone, chunks), strict=True):
                for entry, result in zip(chunk, results, strict=True):
                    if isinstance(result, str):
                        refused.append(result)
                    else:
                        self._canonical[entry.id] = result
                advance(len(chunk))
        return refused

    def all(
        self,
        workers: int | None = None,
        parallel_from: int = PARALLEL_FROM,
        advance: Callable[[int], None] = _ignore,
    ) -> dict[int, str]:
        """Every schema's fingerprint; every schema evcat refuses is named in one error.

        With ``workers`` > 1 (default: the CPUs available) and at least ``parallel_from``
        schemas without references, those are parsed in worker processes.
        """
        workers = default_workers() if workers is None else workers
        refused: list[str] = []
        alone = [
            entry
            for schema_id, entry in sorted(self.snapshot.schemas.items())
            if not entry.references and schema_id not in self._canonical
        ]
        if workers > 1 and len(alone) >= parallel_from:
            refused += self._parse_in_workers(alone, workers, advance)
        failed = {_refused_id(message) for message in refused}
        for schema_id in sorted(self.snapshot.schemas):
            if schema_id in failed or schema_id in self._canonical:
                continue
            try:
                self.canonical(schema_id)
            except TransferError as error:
                refused.append(error.message)
            advance(1)
        if refused:
            unique = sorted(set(refused), key=_refused_id)
            count = len(unique)
            raise TransferError(
                f"{count} schema{'s' if count != 1 else ''} of the source cannot be imported",
                unique,
            )
        return {i: self._canonical[i].fingerprint for i in sorted(self._canonical)}


def _refused_id(message: str) -> int:
    """The id a refusal message starts with (``schema id 8 ...``)."""
    return int(message.split()[2].rstrip(":"))
