"""What a registry holds, as plain values: the one shape every source is read into.

A ``Snapshot`` comes from a ``_schemas`` dump, a live registry or a database; planning and
verification compare two of them. Config and mode keys are subjects, ``""`` for the global one.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from evcat.formats import SchemaReference
from evcat.transfer.errors import TransferError

GLOBAL = ""
VersionKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class SchemaEntry:
    """A schema content under its global id, as the source holds it."""

    id: int
    schema_type: str
    text: str
    references: tuple[SchemaReference, ...] = ()
    metadata: dict[str, Any] | None = None
    ruleset: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """A subject's version: which schema id it holds, and whether it is soft-deleted."""

    subject: str
    version: int
    schema_id: int
    deleted: bool = False

    @property
    def key(self) -> VersionKey:
        return (self.subject, self.version)


@dataclass
class Snapshot:
    """Schemas by id, versions by (subject, version), config and mode by subject."""

    schemas: dict[int, SchemaEntry] = field(default_factory=dict)
    versions: dict[VersionKey, VersionEntry] = field(default_factory=dict)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)

    @property
    def subjects(self) -> set[str]:
        return {subject for subject, _ in self.versions}

    def summary(self) -> str:
        """One line saying what the snapshot holds."""
        deleted = sum(1 for v in self.versions.values() if v.deleted)
        return (
            f"{len(self.subjects)} subjects, {len(self.versions)} versions ({deleted} "
            f"soft-deleted), {len(self.schemas)} schemas, {len(self.configs)} configs, "
            f"{len(self.modes)} modes"
        )


def referenced_versions(snapshot: Snapshot, entry: VersionEntry) -> list[VersionEntry]:
    """The versions a version's schema references; a reference to nothing is a TransferError."""
    found = []
    for reference in snapshot.schemas[entry.schema_id].references:
        target = snapshot.versions.get((reference.subject, reference.version))
        if target is None:
            raise TransferError(
                f"schema id {entry.schema_id} (subject '{entry.subject}' version "
                f"{entry.version}) references subject '{reference.subject}' version "
                f"{reference.version}, which the source does not hold"
            )
        found.append(target)
    return found


def dependency_order(snapshot: Snapshot, entries: Iterable[VersionEntry]) -> list[VersionEntry]:
    """``entries`` ordered so every referenced version comes before the versions using it.

    Ties keep (subject, version) order, so the same snapshot always gives the same order.
    """
    wanted = sorted(entries, key=lambda e: e.key)
    wanted_keys = {entry.key for entry in wanted}
    ordered: list[VersionEntry] = []
    done: set[VersionKey] = set()
    for root in wanted:
        # Iterative depth-first walk: reference chains may be deeper than Python's stack.
        stack: list[tuple[VersionEntry, list[VersionEntry]]] = []
        on_path: set[VersionKey] = set()
        if root.key not in done:
            stack.append((root, referenced_versions(snapshot, root)))
            on_path.add(root.key)
        while stack:
            entry, pending = stack[-1]
            if not pending:
                stack.pop()
                on_path.discard(entry.key)
                done.add(entry.key)
                if entry.key in wanted_keys:
                    ordered.append(entry)
                continue
            child = pending.pop(0)
            if child.key in done:
                continue
            if child.key in on_path:
                raise TransferError(
                    f"subject '{child.subject}' version {child.version} references itself "
                    "through a cycle of references"
                )
            stack.append((child, referenced_versions(snapshot, child)))
            on_path.add(child.key)
    return ordered


def select_subjects(snapshot: Snapshot, pattern: str) -> Snapshot:
    """The subjects matching a shell glob, with every version their references need.

    Config and mode come along for the matching subjects only; global config and mode stay
    behind, since a slice of a registry should not change the target's defaults.
    """
    chosen = [v for v in snapshot.versions.values() if fnmatch.fnmatchcase(v.subject, pattern)]
    kept: dict[VersionKey, VersionEntry] = {}
    stack = list(chosen)
    while stack:
        entry = stack.pop()
        if entry.key in kept:
            continue
        kept[entry.key] = entry
        stack.extend(referenced_versions(snapshot, entry))
    ids = {entry.schema_id for entry in kept.values()}
    return Snapshot(
        schemas={i: s for i, s in snapshot.schemas.items() if i in ids},
        versions=dict(sorted(kept.items())),
        configs={
            s: c
            for s, c in snapshot.configs.items()
            if s != GLOBAL and fnmatch.fnmatchcase(s, pattern)
        },
        modes={
            s: m
            for s, m in snapshot.modes.items()
            if s != GLOBAL and fnmatch.fnmatchcase(s, pattern)
        },
    )
