"""Retention and residency policies per category (F6), and the check that enforces them.

A policy names a category (which covers its narrower ones) or every special category, a
``max_retention`` (ISO-8601 duration) and/or the residencies allowed. The check walks the data
map (propagation included) and reports each channel or store that keeps a covered category
longer than allowed, or outside the allowed residencies, naming location, category, the
declared and the allowed value. Policies are stored (``/v1/gdpr/retention-policies``) or
given in a YAML file to the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml
from sqlmodel import select

from evcat import yamlsafe
from evcat.audit import Actor, record, resources
from evcat.catalog.categories import CATEGORIES, is_special, within
from evcat.catalog.durations import INFINITE, check_duration, to_ms
from evcat.catalog.service import Catalog
from evcat.db import read_session, write_session
from evcat.gdpr.errors import GdprInputError, unknown
from evcat.gdpr.models import RetentionPolicyRow
from evcat.gdpr.owners import Owners
from evcat.gdpr.propagation import propagate


@dataclass(frozen=True)
class Policy:
    id: str
    category: str | None = None
    special_category: bool = False
    max_retention: str | None = None
    residency: tuple[str, ...] = ()

    def check(self) -> None:
        """Raise 422 for a policy that names nothing or holds a bad value."""
        if self.category is None and not self.special_category:
            raise GdprInputError(f"Policy '{self.id}' needs a category or special_category: true")
        if self.category is not None and self.category not in CATEGORIES:
            raise unknown("category", self.category, CATEGORIES)
        try:
            check_duration(self.max_retention)
        except ValueError as error:
            raise GdprInputError(f"Policy '{self.id}': {error}", self.max_retention or "") from None

    def covers(self, category: str) -> bool:
        if self.special_category and is_special(category):
            return True
        return self.category is not None and within(category, self.category)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "special_category": self.special_category,
            "max_retention": self.max_retention,
            "residency": list(self.residency),
        }


@dataclass(frozen=True, order=True)
class Violation:
    kind: str
    id: str
    category: str
    rule: str
    policy: str
    declared: str
    allowed: str

    @property
    def message(self) -> str:
        if self.rule == "max_retention":
            return (
                f"{self.kind} '{self.id}' keeps {self.category} for {self.declared}; "
                f"policy '{self.policy}' allows at most {self.allowed}"
            )
        return (
            f"{self.kind} '{self.id}' holds {self.category} in {self.declared}; "
            f"policy '{self.policy}' allows only {self.allowed}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "category": self.category,
            "rule": self.rule,
            "policy": self.policy,
            "declared": self.declared,
            "allowed": self.allowed,
            "message": self.message,
        }


def _from_row(row: RetentionPolicyRow) -> Policy:
    return Policy(
        row.id,
        row.category,
        row.special_category,
        row.max_retention,
        tuple(orjson.loads(row.residency_json)),
    )


def save_policy(catalog: Catalog, policy: Policy, actor: Actor) -> None:
    """Store (or replace) a policy; the change is audited under ``actor``."""
    policy.check()
    with write_session(catalog.engine) as session:
        catalog.registry.refuse_if_read_only(session, None, "retention policy")
        row = session.get(RetentionPolicyRow, policy.id)
        before = None if row is None else _from_row(row).as_dict()
        session.merge(
            RetentionPolicyRow(
                id=policy.id,
                category=policy.category,
                special_category=policy.special_category,
                max_retention=policy.max_retention,
                residency_json=orjson.dumps(list(policy.residency)).decode(),
            )
        )
        record(
            session,
            actor,
            "retention-policy.set",
            resources.retention_policy(policy.id),
            before=before,
            after=policy.as_dict(),
        )


def load_policies(catalog: Catalog) -> list[Policy]:
    with read_session(catalog.engine) as session:
        rows = session.exec(select(RetentionPolicyRow)).all()
    return sorted((_from_row(row) for row in rows), key=lambda p: p.id)


def read_policy_file(path: Path) -> list[Policy]:
    """Policies from YAML: a list of mappings, or ``{policies: [...]}``."""
    try:
        document = yamlsafe.load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise GdprInputError(f"{path}: not valid YAML: {error}") from None
    items = document.get("policies", []) if isinstance(document, dict) else document
    policies: list[Policy] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise GdprInputError(f"{path}: policy {index} is not a mapping")
        policy = Policy(
            str(item.get("id", f"{path.stem}-{index}")),
            item.get("category"),
            bool(item.get("special_category", False)),
            item.get("max_retention"),
            tuple(item.get("residency", []) or []),
        )
        policy.check()
        policies.append(policy)
    return policies


def _longer(declared: str | None, allowed: str) -> bool:
    if declared is None:
        return False
    if declared == INFINITE:
        return allowed != INFINITE
    return allowed != INFINITE and to_ms(declared) > to_ms(allowed)


def check_catalog(catalog: Catalog, extra: Iterable[Policy] = ()) -> list[Violation]:
    """Every violation of the stored policies and ``extra`` ones, sorted."""
    policies: Sequence[Policy] = [*load_policies(catalog), *extra]
    if not policies:
        return []
    owners = Owners(catalog)
    found: set[Violation] = set()
    for fact in propagate(catalog).facts:
        if fact.kind not in ("channel", "store"):
            continue
        row = (owners.channels if fact.kind == "channel" else owners.stores).get(fact.id, {})
        for policy in policies:
            if not policy.covers(fact.category):
                continue
            retention = row.get("retention")
            if policy.max_retention and _longer(retention, policy.max_retention):
                found.add(
                    Violation(
                        fact.kind,
                        fact.id,
                        fact.category,
                        "max_retention",
                        policy.id,
                        str(retention),
                        policy.max_retention,
                    )
                )
            residency = row.get("residency")
            if policy.residency and residency not in policy.residency:
                found.add(
                    Violation(
                        fact.kind,
                        fact.id,
                        fact.category,
                        "residency",
                        policy.id,
                        str(residency),
                        ", ".join(policy.residency),
                    )
                )
    return sorted(found)
