"""An import straight into a database: read what it holds, write the plan in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from evcat.audit import ANONYMOUS, Actor, record, resources
from evcat.db import read_session, write_session
from evcat.registry import store
from evcat.registry.entities import StoredSchema
from evcat.registry.service import now_ms
from evcat.registry.store import VersionRecord
from evcat.transfer.fingerprints import Fingerprinter
from evcat.transfer.plan import Plan, TargetState, make_plan
from evcat.transfer.snapshot import Snapshot, VersionEntry
from evcat.transfer.tables import alembic_revision


def read_target(session: Session) -> TargetState:
    """What the database holds, in the shape planning compares."""
    return TargetState(
        fingerprints=store.schema_fingerprints(session),
        versions={
            (r.subject, r.version): VersionEntry(r.subject, r.version, r.schema_id, r.deleted)
            for r in store.all_versions(session)
        },
        configs=store.all_configs(session),
        modes=store.all_modes(session),
    )


def _by_subject(entries: Sequence[VersionEntry]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        grouped[entry.subject].append(entry.version)
    return grouped


def write_plan(session: Session, source: Snapshot, parsed: Fingerprinter, plan: Plan) -> None:
    """Write ``plan`` in the caller's transaction: schemas as evcat stores them, then versions."""
    created = now_ms()
    schemas = []
    for schema_id in plan.schemas:
        entry, canonical = source.schemas[schema_id], parsed.canonical(schema_id)
        stored = StoredSchema(
            id=schema_id,
            schema_type=canonical.schema_type,
            text=canonical.text,
            references=entry.references,
            metadata=entry.metadata,
            ruleset=entry.ruleset,
            guid=canonical.guid,
            created_ms=created,
        )
        schemas.append((stored, canonical.fingerprint))
    store.insert_schemas(session, schemas)
    if plan.schemas:
        # Ids given out by the import count as used: the next registration gets a fresh one.
        store.allocate_schema_id(session, max(plan.schemas))
    store.insert_versions(
        session,
        [
            VersionRecord(v.subject, v.version, v.schema_id, v.deleted, created)
            for v in plan.versions
        ],
    )
    for subject, versions in _by_subject(plan.deletions).items():
        store.mark_deleted(session, subject, versions)
    for subject, versions in _by_subject(plan.undeletions).items():
        store.mark_live(session, subject, versions)
    for subject, config in plan.configs.items():
        store.put_config(session, subject, config)
    for subject, mode in plan.modes.items():
        store.put_mode(session, subject, mode)


def import_into(
    engine: Engine,
    source: Snapshot,
    parsed: Fingerprinter,
    prints: Mapping[int, str],
    *,
    dry_run: bool = False,
    actor: Actor = ANONYMOUS,
) -> Plan:
    """Plan against the database and, unless ``dry_run``, write the plan in one transaction.

    The plan is made inside the writing transaction, under the registry write lock, so no
    registration can slip in between the conflict check and the writes. An import that writes
    anything appends one ``registry.import`` audit record counting what it wrote.
    """
    if dry_run:
        with read_session(engine) as session:
            # A database not yet migrated (a dry run does not migrate it) holds nothing.
            new = alembic_revision(session.connection()) is None
            return make_plan(source, prints, TargetState() if new else read_target(session))
    with write_session(engine) as session:
        plan = make_plan(source, prints, read_target(session))
        write_plan(session, source, parsed, plan)
        if not plan.empty:
            record(session, actor, "registry.import", resources.REGISTRY, after=_counts(plan))
    return plan


def _counts(plan: Plan) -> dict[str, int]:
    """What an import wrote, as its audit record says it: counts, never schema text."""
    return {
        "schemas": len(plan.schemas),
        "versions": len(plan.versions),
        "soft_deleted": len(plan.deletions),
        "undeleted": len(plan.undeletions),
        "configs": len(plan.configs),
        "modes": len(plan.modes),
    }


def database_state(engine: Engine) -> TargetState:
    """What the database holds now (for verification after an import)."""
    with read_session(engine) as session:
        return read_target(session)
