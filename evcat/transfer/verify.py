"""After an import: does the target hold every version, id and setting of the source?"""

from __future__ import annotations

from collections.abc import Mapping

from evcat.transfer.plan import TargetState
from evcat.transfer.snapshot import Snapshot


def differences(source: Snapshot, prints: Mapping[int, str], target: TargetState) -> list[str]:
    """Every way the target differs from the source, one line each; empty when it holds it."""
    problems = []
    for key in sorted(source.versions):
        entry, held = source.versions[key], target.versions.get(key)
        where = f"subject '{key[0]}' version {key[1]}"
        if held is None:
            problems.append(f"{where} is missing")
        elif held.schema_id != entry.schema_id:
            problems.append(f"{where} holds id {held.schema_id}, the source {entry.schema_id}")
        elif held.deleted != entry.deleted:
            state = "soft-deleted" if held.deleted else "live"
            problems.append(f"{where} is {state} in the target but not in the source")
    for schema_id in sorted(source.schemas):
        fingerprint = target.fingerprints.get(schema_id)
        if fingerprint is None:
            problems.append(f"id {schema_id} is missing")
        elif fingerprint != prints[schema_id]:
            problems.append(f"id {schema_id} holds a schema whose canonical form differs")
    for subject, config in sorted(source.configs.items()):
        if target.configs.get(subject) != config:
            problems.append(f"config of {subject or 'the registry'} differs: {config}")
    for subject, mode in sorted(source.modes.items()):
        if target.modes.get(subject) != mode:
            problems.append(f"mode of {subject or 'the registry'} is not {mode}")
    return problems


def verified_summary(source: Snapshot) -> str:
    deleted = sum(1 for v in source.versions.values() if v.deleted)
    return (
        f"verified: {len(source.versions)} versions ({deleted} soft-deleted) and "
        f"{len(source.schemas)} schema fingerprints match the source"
    )
