"""What an import must write: the source minus what the target already holds, identically.

Planning finds every conflict before anything is written, so a refused import leaves the
target as it was, and a resumed import skips what an interrupted one already wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evcat.transfer.errors import ConflictError
from evcat.transfer.snapshot import Snapshot, VersionEntry, VersionKey, dependency_order


@dataclass
class TargetState:
    """What a target holds, as far as an import compares: fingerprints, versions, settings."""

    fingerprints: dict[int, str] = field(default_factory=dict)
    versions: dict[VersionKey, VersionEntry] = field(default_factory=dict)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    """The writes an import makes, in an order the target accepts them in."""

    schemas: list[int] = field(default_factory=list)
    versions: list[VersionEntry] = field(default_factory=list)
    deletions: list[VersionEntry] = field(default_factory=list)
    undeletions: list[VersionEntry] = field(default_factory=list)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)
    present_versions: int = 0
    present_schemas: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.schemas
            or self.versions
            or self.deletions
            or self.undeletions
            or self.configs
            or self.modes
        )

    def summary(self) -> str:
        """One line: what will be written and what is already there."""
        new_deleted = sum(1 for v in self.versions if v.deleted)
        parts = [
            f"{len(self.schemas)} schemas",
            f"{len(self.versions)} versions ({new_deleted} soft-deleted)",
        ]
        if self.deletions:
            parts.append(f"{len(self.deletions)} soft deletes")
        if self.undeletions:
            parts.append(f"{len(self.undeletions)} versions live again")
        parts.append(f"{len(self.configs)} configs, {len(self.modes)} modes")
        return (
            ", ".join(parts)
            + f"; already there: {self.present_schemas} schemas, {self.present_versions} versions"
        )


def _first_holders(target: TargetState) -> dict[int, VersionKey]:
    holders: dict[int, VersionKey] = {}
    for key in sorted(target.versions, reverse=True):
        holders[target.versions[key].schema_id] = key
    return holders


def conflicts(source: Snapshot, prints: Mapping[int, str], target: TargetState) -> list[str]:
    """Every id and version the target holds differently from the source, one line each."""
    found = []
    taken = [
        schema_id
        for schema_id in sorted(source.schemas)
        if target.fingerprints.get(schema_id, prints[schema_id]) != prints[schema_id]
    ]
    holders = _first_holders(target) if taken else {}
    for schema_id in taken:
        where = ""
        if schema_id in holders:
            subject, version = holders[schema_id]
            where = f" (subject '{subject}' version {version})"
        found.append(
            f"id {schema_id} already holds a different schema in the target{where}; "
            "evcat never overwrites an id"
        )
    for key in sorted(source.versions):
        entry, held_version = source.versions[key], target.versions.get(key)
        if held_version is not None and held_version.schema_id != entry.schema_id:
            found.append(
                f"subject '{key[0]}' version {key[1]} holds id {held_version.schema_id} in the "
                f"target, but id {entry.schema_id} in the source"
            )
    return found


def make_plan(source: Snapshot, prints: Mapping[int, str], target: TargetState) -> Plan:
    """The writes that make ``target`` hold ``source``; ConflictError if it holds otherwise."""
    found = conflicts(source, prints, target)
    if found:
        raise ConflictError(found)
    plan = Plan()
    plan.schemas = sorted(i for i in source.schemas if i not in target.fingerprints)
    plan.present_schemas = len(source.schemas) - len(plan.schemas)
    for entry in dependency_order(source, source.versions.values()):
        held = target.versions.get(entry.key)
        if held is None:
            plan.versions.append(entry)
        elif entry.deleted and not held.deleted:
            plan.deletions.append(entry)
        elif held.deleted and not entry.deleted:
            plan.undeletions.append(entry)
        else:
            plan.present_versions += 1
    # A version is soft-deleted only after every version referencing it.
    plan.deletions.reverse()
    plan.configs = {s: c for s, c in source.configs.items() if target.configs.get(s) != c}
    plan.modes = {s: m for s, m in source.modes.items() if target.modes.get(s) != m}
    return plan
