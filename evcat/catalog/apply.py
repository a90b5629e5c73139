"""Catalog as code: parse documents, plan the change, write all of it in one transaction.

A plan compares documents, not rows: what the files declare against what ``store.read_all``
rebuilds from the database, both dumped by ``spec.dump``. Unchanged files therefore plan no
change and write nothing (no transaction is even opened), and an exported catalog re-applies
as a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from evcat.audit import ANONYMOUS, Actor, record, resources, sha256_hex
from evcat.audit.chain import json_bytes
from evcat.catalog import spec as s
from evcat.catalog import store
from evcat.catalog.discovery import Snapshot
from evcat.catalog.errors import CatalogProblems, Problem
from evcat.catalog.schemas import FieldCache
from evcat.catalog.store import Key
from evcat.catalog.validate import Declared, check
from evcat.catalog.yamlio import SourceDocument
from evcat.db import read_session, write_session

Action = Literal["create", "update", "delete"]
_SIGNS = {"create": "+", "update": "~", "delete": "-"}


@dataclass(frozen=True)
class Change:
    action: Action
    kind: str
    id: str

    def __str__(self) -> str:
        return f"{_SIGNS[self.action]} {self.action} {self.kind} {self.id}"


@dataclass(frozen=True)
class Plan:
    """What an apply changes (or, with ``--dry-run``, would change)."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False

    def count(self, action: Action) -> int:
        return sum(1 for change in self.changes if change.action == action)

    def summary(self) -> str:
        return (
            f"{self.count('create')} to create, {self.count('update')} to update, "
            f"{self.count('delete')} to delete, {self.unchanged} unchanged"
        )

    def render(self) -> str:
        lines = [str(change) for change in self.changes]
        return "\n".join([*lines, self.summary()])

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "changes": [{"action": c.action, "kind": c.kind, "id": c.id} for c in self.changes],
            "unchanged": self.unchanged,
        }


def _problem_of(source: SourceDocument, kind: Any, error: Any) -> Problem:
    location = tuple(error["loc"])
    if location and location[0] == kind:
        location = location[1:]
    kind_names = ", ".join(s.KIND_NAMES)
    match error["type"]:
        case "extra_forbidden":
            message = f"unknown key '{location[-1]}'"
        case "missing":
            message = f"missing required key '{location[-1]}'"
        case "union_tag_not_found":
            message = f"missing 'kind' (one of {kind_names})"
        case "union_tag_invalid":
            location = ("kind",)
            message = f"unknown kind {kind!r} (one of {kind_names})"
        case _:
            message = f"{error['msg']} (got {error['input']!r})"
    return source.problem(location, message)


def parse(sources: Sequence[SourceDocument]) -> dict[Key, Declared]:
    """Validate each document's shape; duplicates and shape errors are problems."""
    found: dict[Key, Declared] = {}
    problems: list[Problem] = []
    for source in sources:
        if not isinstance(source.data, dict):
            problems.append(
                source.problem((), "a catalog document is a mapping with apiVersion, kind and id")
            )
            continue
        try:
            resource = s.DOCUMENT.validate_python(source.data)
        except ValidationError as exc:
            kind = source.data.get("kind")
            problems.extend(_problem_of(source, kind, error) for error in exc.errors())
            continue
        key = (resource.kind, resource.id)
        first = found.get(key)
        if first is not None and first.source is not None:
            where = f"{first.source.file}:{first.source.line(('id',))}"
            problems.append(
                source.problem(("id",), f"duplicate {resource.kind} '{resource.id}', see {where}")
            )
            continue
        found[key] = Declared(resource, source)
    if problems:
        raise CatalogProblems(sorted(problems))
    return found


def plan_changes(
    declared: dict[Key, Declared], current: dict[Key, s.Resource], prune: bool
) -> Plan:
    """The changes that turn ``current`` into ``declared`` (plus, without prune, the rest)."""
    changes: list[Change] = []
    unchanged = 0
    for key, item in declared.items():
        before = current.get(key)
        if before is None:
            changes.append(Change("create", *key))
        elif s.dump(before) != s.dump(item.resource):
            changes.append(Change("update", *key))
        else:
            unchanged += 1
    if prune:
        changes.extend(Change("delete", *key) for key in current if key not in declared)
    else:
        unchanged += sum(1 for key in current if key not in declared)
    order = {kind: index for index, kind in enumerate(s.KIND_NAMES)}
    changes.sort(key=lambda c: (order[c.kind], c.id))
    return Plan(changes, unchanged)


def apply_documents(
    engine: Engine,
    cache: FieldCache,
    snapshot: Snapshot,
    sources: Sequence[SourceDocument],
    *,
    prune: bool = False,
    dry_run: bool = False,
    actor: Actor = ANONYMOUS,
) -> Plan:
    """Check every reference, then write every change in one transaction (or none at all).

    The audit trail gets a record per changed resource (its document as a digest, before and
    after) and one ``catalog.apply`` record summing the apply up.
    """
    declared = parse(sources)
    with read_session(engine) as session:
        current = store.read_all(session)
    state = dict(declared)
    if not prune:
        for key, resource in current.items():
            state.setdefault(key, Declared(resource))
    problems = check(state, snapshot, cache)
    if problems:
        raise CatalogProblems(problems)
    plan = plan_changes(declared, current, prune)
    if dry_run or not plan.changes:
        return plan
    with write_session(engine) as session:
        # Re-plan under the write lock: another apply may have landed since the read above.
        stored = store.read_all(session)
        plan = plan_changes(declared, stored, prune)
        replaced = [(c.kind, c.id) for c in plan.changes if c.action != "create"]
        store.remove(session, replaced)
        written = [(c.kind, c.id) for c in plan.changes if c.action != "delete"]
        store.insert_all(session, (declared[key].resource for key in written))
        _audit(session, actor, plan, stored, declared, prune)
    return Plan(plan.changes, plan.unchanged, applied=True)


def _digest(resource: s.Resource | None) -> dict[str, str] | None:
    return None if resource is None else {"sha256": sha256_hex(json_bytes(s.dump(resource)))}


def _audit(
    session: Session,
    actor: Actor,
    plan: Plan,
    stored: dict[Key, s.Resource],
    declared: dict[Key, Declared],
    prune: bool,
) -> None:
    for change in plan.changes:
        key = (change.kind, change.id)
        after = declared[key].resource if change.action != "delete" else None
        record(
            session,
            actor,
            f"catalog.{change.action}",
            resources.catalog_resource(change.kind, change.id),
            before=_digest(stored.get(key)),
            after=_digest(after),
        )
    record(
        session,
        actor,
        "catalog.apply",
        resources.CATALOG,
        after={
            "created": plan.count("create"),
            "updated": plan.count("update"),
            "deleted": plan.count("delete"),
            "unchanged": plan.unchanged,
            "prune": prune,
        },
    )
