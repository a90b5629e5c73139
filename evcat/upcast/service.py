"""The upcast service: upcasters stored beside schema versions, and upcasters built over them.

It reads the registry only through ``Registry`` methods and keeps its own tables
(``evcat.upcast.store``). What it builds (schema index, graph, compiled upcasters) is cached
per registry write epoch, so a write through any process is seen on the next call.

Registering an edge checks it statically against the two schemas, runs it over generated
samples (the report is stored with it), and refuses it if it would add a problem to the
version graph (a duplicate, a cycle). ``prepare`` does all of that without storing, over the
registered schemas or over an index that also holds a version not registered yet, so
``evcat.upcast.gate`` can refuse a version with its upcaster before writing either. Python
upcasters are *pinned*: their reference and source hash are stored, and building an upcaster
compares the pins with the loaded code.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlmodel import Session

from evcat.audit import ANONYMOUS, Actor, record, resources
from evcat.db import read_session, write_session
from evcat.registry.service import Registry, now_ms
from evcat.upcast import store
from evcat.upcast.edges.assemble import (
    StoredEdge,
    build_graph,
    code_edge,
    declared_upcasters,
    spec_edge,
)
from evcat.upcast.edges.checking import check_spec
from evcat.upcast.edges.code import CodeUpcaster, registered
from evcat.upcast.edges.spec import CODE, EMIT, UpcasterSpec, parse_spec
from evcat.upcast.edges.validation import ValidationReport, report_problems, validate_edge
from evcat.upcast.errors import (
    EdgeExistsError,
    EdgeNotFoundError,
    GraphError,
    Problem,
    SpecError,
    ValidationFailedError,
)
from evcat.upcast.graph.schemas import SchemaIndex
from evcat.upcast.graph.version_graph import LATEST, Edge, Target, VersionGraph, check_target
from evcat.upcast.models import UpcasterRow
from evcat.upcast.read.dicts import Upcaster

BACKWARD_OR_UPCASTABLE = "BACKWARD_OR_UPCASTABLE"
ADD, PIN = "upcaster.add", "upcaster.pin"  # audit actions of a stored edge
POLICIES = (BACKWARD_OR_UPCASTABLE,)


@dataclass(frozen=True)
class EdgeRecord:
    """A stored edge as the API shows it."""

    id: int
    event: str
    from_version: int
    to_event: str | None
    to_version: int | None
    kind: str
    fingerprint: str
    spec: dict[str, Any] | None
    code_ref: str | None
    report: dict[str, Any] | None
    created_ms: int

    @classmethod
    def of(cls, row: UpcasterRow) -> EdgeRecord:
        assert row.id is not None
        return cls(
            row.id,
            row.event,
            row.from_version,
            row.to_event or None,
            row.to_version or None,
            row.kind,
            row.fingerprint,
            orjson.loads(row.spec_json) if row.spec_json else None,
            row.code_ref,
            orjson.loads(row.report_json) if row.report_json else None,
            row.created_ms,
        )


@dataclass(frozen=True)
class CheckedEdge:
    """A declarative upcaster that passed every check, with its report; not stored yet."""

    spec: UpcasterSpec
    report: ValidationReport

    def row(self) -> UpcasterRow:
        return spec_row(self.spec, self.report)


@dataclass(frozen=True)
class Snapshot:
    """Everything upcasting needs at one registry write epoch."""

    epoch: int
    index: SchemaIndex
    specs: list[UpcasterSpec]
    code: list[CodeUpcaster]
    graph: VersionGraph


def target_key(target: Target) -> str:
    return orjson.dumps(target, option=orjson.OPT_SORT_KEYS).decode()


class UpcastService:
    """Upcasters of one registry."""

    def __init__(
        self,
        registry: Registry,
        *,
        code_modules: Sequence[str] = (),
        code_drift: str = "warn",
        samples: int = 200,
        seed: int = 0,
    ) -> None:
        self.registry = registry
        self.code_modules = tuple(code_modules)
        self.code_drift = code_drift
        self.samples = samples
        self.seed = seed
        self._snapshot: Snapshot | None = None
        self._upcasters: dict[str, Upcaster] = {}
        self._lock = threading.Lock()

    # -- snapshots -------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current snapshot; costs one small query when nothing changed."""
        epoch = self.registry.change_epoch()
        current = self._snapshot
        if current is not None and current.epoch == epoch:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.epoch != epoch:
                self._snapshot = self._build(epoch)
                self._upcasters = {}
            return self._snapshot

    def _build(self, epoch: int) -> Snapshot:
        index = SchemaIndex.from_rows(self.registry.version_index(), self.registry.parsed_by_id)
        with read_session(self.registry.engine) as session:
            rows = store.all_edges(session)
        specs, code = declared_upcasters(
            (stored_edge(row) for row in rows), self.code_modules, self.code_drift
        )
        return Snapshot(epoch, index, specs, code, build_graph(index, specs, code))

    def upcaster(self, target: Target = LATEST) -> Upcaster:
        """An upcaster to ``target`` over the current registry (built once per epoch)."""
        target = check_target(target)
        snapshot = self.snapshot()
        key = target_key(target)
        upcaster = self._upcasters.get(key)
        if upcaster is None:
            upcaster = Upcaster(snapshot.graph, snapshot.index, target)
            self._upcasters[key] = upcaster
        return upcaster

    def problems(self, types: Sequence[str] | None = None) -> list[Problem]:
        """Every problem of the version graph (of the lineages of ``types``)."""
        return self.snapshot().graph.problems(types)

    # -- edges -----------------------------------------------------------------------------

    def register(
        self,
        document: Mapping[str, Any],
        *,
        event: str | None = None,
        to_version: int | None = None,
        replace: bool = False,
        actor: Actor = ANONYMOUS,
    ) -> EdgeRecord:
        """Check, validate and store a declarative upcaster; returns it with its report.

        ``event`` and ``to_version`` are as for ``prepare``.
        """
        if event is not None:
            # Before samples are validated: a read-only registry should cost nothing.
            with read_session(self.registry.engine) as session:
                self.registry.refuse_if_read_only(session, event, "upcaster registration")
        checked = self.prepare(document, event=event, to_version=to_version)
        return self.store_row(checked.row(), replace, actor=actor)

    def prepare(
        self,
        document: Mapping[str, Any],
        *,
        event: str | None = None,
        to_version: int | None = None,
        index: SchemaIndex | None = None,
    ) -> CheckedEdge:
        """Check a declarative upcaster statically, on samples and in the version graph.

        Nothing is stored. ``index`` is the schemas to check against: the registered ones by
        default, or an overlay holding a version about to be registered. ``event`` and
        ``to_version`` come from the URL: the version an edge arrives at, or for an emit edge
        the version it leaves. The document may repeat them, not contradict them.
        """
        if not isinstance(document, Mapping):  # a request body's member may be anything
            raise SpecError([Problem("INVALID_DOCUMENT", "an upcaster is a mapping")])
        snapshot = self.snapshot()
        index = snapshot.index if index is None else index
        emit = "emit" in document
        defaults: dict[str, Any] = {"event": event}
        if emit:
            defaults["from"] = to_version
        else:
            defaults["to"] = to_version
            if event and to_version and "from" not in document and "rename_type" not in document:
                earlier = [v for v in index.versions.get(event, []) if v < to_version]
                defaults["from"] = earlier[-1] if earlier else None
        spec = parse_spec(document, **defaults)
        at = (spec.event_type, spec.from_version) if emit else (spec.to_type, spec.to_version)
        if event is not None and to_version is not None and at != (event, to_version):
            raise SpecError(
                [
                    Problem(
                        "INVALID_DOCUMENT",
                        f"the document's edge is at {at[0]} v{at[1]}, not at "
                        f"{event} v{to_version} as the URL says",
                        event,
                        (to_version,),
                    )
                ]
            )
        report = self.check_and_validate(spec, index)
        self._check_graph(snapshot, spec_edge(spec), spec, index)
        return CheckedEdge(spec, report)

    def check_and_validate(self, spec: UpcasterSpec, index: SchemaIndex) -> ValidationReport:
        """Static checks, then samples; raises ``SpecError`` or ``ValidationFailedError``."""
        problems = check_spec(spec, index).problems
        if problems:
            raise SpecError(problems)
        report = validate_edge(spec_edge(spec), index, count=self.samples, seed=self.seed)
        if not report.passed:
            raise ValidationFailedError(report_problems(report))
        return report

    def pin(
        self,
        refs: Sequence[str] | None = None,
        *,
        replace: bool = False,
        actor: Actor = ANONYMOUS,
    ) -> list[EdgeRecord]:
        """Validate and pin the loaded Python upcasters (those named by ``refs``, or all)."""
        snapshot = self.snapshot()
        chosen = [
            item for item in registered(self.code_modules) if refs is None or item.ref in refs
        ]
        records = []
        for item in chosen:
            edge = code_edge(item)
            report = validate_edge(edge, snapshot.index, count=self.samples, seed=self.seed)
            if not report.passed:
                raise ValidationFailedError(report_problems(report))
            self._check_graph(snapshot, edge, None)
            records.append(self.store_row(code_row(item, report), replace, actor=actor, action=PIN))
        return records

    def _check_graph(
        self,
        snapshot: Snapshot,
        edge: Edge,
        spec: UpcasterSpec | None,
        index: SchemaIndex | None = None,
    ) -> None:
        """Refuse an edge that adds a problem to its lineage, over ``index`` (the snapshot's).

        The added problems are those the graph over ``index`` has with the edge (in place of
        one stored between the same versions) and does not have without it.
        """

        def key(problem: Problem) -> tuple[str, str, tuple[int, ...]]:
            return (problem.code, problem.event_type, problem.versions)

        if index is None or index is snapshot.index:
            index, current = snapshot.index, snapshot.graph
        else:
            current = build_graph(index, snapshot.specs, snapshot.code)
        before = {key(p) for p in current.problems([edge.source[0]])}
        specs = [
            s
            for s in snapshot.specs
            if spec_edge(s).source != edge.source or spec_edge(s).targets != edge.targets
        ]
        code = [
            c
            for c in snapshot.code
            if code_edge(c).source != edge.source or code_edge(c).targets != edge.targets
        ]
        if spec is not None:
            specs.append(spec)
        elif isinstance(edge.payload, CodeUpcaster):
            code.append(edge.payload)
        graph = build_graph(index, specs, code)
        added = [p for p in graph.problems([edge.source[0]]) if key(p) not in before]
        if added:
            raise GraphError(added)

    def store_row(
        self, row: UpcasterRow, replace: bool, *, actor: Actor = ANONYMOUS, action: str = ADD
    ) -> EdgeRecord:
        """Store an edge row; an existing edge between the same versions needs ``replace``."""
        with write_session(self.registry.engine) as session:
            self.registry.refuse_if_read_only(session, row.event, "upcaster registration")
            return store_row_in(session, row, replace, actor=actor, action=action)

    def all_edges(self) -> list[EdgeRecord]:
        """Every stored edge, by event, source version and id."""
        with read_session(self.registry.engine) as session:
            return [EdgeRecord.of(row) for row in store.all_edges(session)]

    def edges_at(self, event: str, version: int) -> list[EdgeRecord]:
        """Edges arriving at ``event`` v``version`` (and emits leaving it)."""
        with read_session(self.registry.engine) as session:
            return [EdgeRecord.of(row) for row in store.edges_at(session, event, version)]

    def edge(self, event: str, version: int, from_version: int) -> EdgeRecord:
        found = [e for e in self.edges_at(event, version) if e.from_version == from_version]
        if not found:
            raise EdgeNotFoundError(
                f"no upcaster from v{from_version} arrives at {event} v{version}"
            )
        return found[0]

    def delete(
        self, event: str, version: int, from_version: int, *, actor: Actor = ANONYMOUS
    ) -> EdgeRecord:
        with write_session(self.registry.engine) as session:
            self.registry.refuse_if_read_only(session, event, "upcaster deletion")
            rows = [
                row
                for row in store.edges_at(session, event, version)
                if row.from_version == from_version
            ]
            if not rows:
                raise EdgeNotFoundError(
                    f"no upcaster from v{from_version} arrives at {event} v{version}"
                )
            edge = EdgeRecord.of(rows[0])
            resource, before = _resource(rows[0]), _audited(rows[0])
            store.delete_edges(session, rows)
            record(session, actor, "upcaster.remove", resource, before=before)
        return edge

    # -- policy ----------------------------------------------------------------------------

    def policy(self, event: str) -> str | None:
        with read_session(self.registry.engine) as session:
            return store.get_policy(session, event)

    def set_policy(self, event: str, policy: str | None, *, actor: Actor = ANONYMOUS) -> None:
        if policy is not None and policy not in POLICIES:
            raise SpecError(
                [Problem("INVALID_POLICY", f"policy must be one of {POLICIES} or null", event)]
            )
        with write_session(self.registry.engine) as session:
            self.registry.refuse_if_read_only(session, event, "upcast policy change")
            before = store.get_policy(session, event)
            if before == policy:
                return
            store.set_policy(session, event, policy)
            record(
                session,
                actor,
                "upcast-policy.set",
                resources.upcast_policy(event),
                before={"policy": before},
                after={"policy": policy},
            )


def store_row_in(
    session: Session,
    row: UpcasterRow,
    replace: bool,
    *,
    actor: Actor = ANONYMOUS,
    action: str = ADD,
) -> EdgeRecord:
    """``UpcastService.store_row`` inside the caller's write transaction, audited as ``action``
    (``upcaster.add``, or ``upcaster.pin`` for Python code)."""
    existing = store.find_edge(session, row.event, row.from_version, row.to_event, row.to_version)
    before = None if existing is None else _audited(existing)
    if existing is not None:
        if not replace:
            raise EdgeExistsError(
                f"an upcaster from {row.event} v{row.from_version} to "
                f"{row.to_event or 'its emits'} v{row.to_version} exists; "
                "send replace=true to replace it"
            )
        store.delete_edges(session, [existing])
    stored = store.insert_edge(session, row)
    record(session, actor, action, _resource(stored), before=before, after=_audited(stored))
    return EdgeRecord.of(stored)


def _resource(row: UpcasterRow) -> str:
    return resources.upcaster(
        row.event, row.from_version, row.to_event or None, row.to_version or None
    )


def _audited(row: UpcasterRow) -> dict[str, Any]:
    """An edge as its audit record shows it: the spec only as its fingerprint."""
    return {
        "id": row.id,
        "kind": row.kind,
        "fingerprint": row.fingerprint,
        "code_ref": row.code_ref,
    }


def stored_edge(row: UpcasterRow) -> StoredEdge:
    """A stored row in the form ``declared_upcasters`` reads (the REST API's form too)."""
    document = orjson.loads(row.spec_json) if row.spec_json else None
    return StoredEdge(row.event, row.from_version, row.fingerprint, row.code_ref, document)


def spec_row(spec: UpcasterSpec, report: ValidationReport | None) -> UpcasterRow:
    emit = spec.kind == EMIT
    return UpcasterRow(
        event=spec.event_type,
        from_version=spec.from_version,
        to_event="" if emit else spec.to_type,
        to_version=0 if emit else spec.to_version or 0,
        kind=spec.kind,
        spec_json=spec.canonical_json(),
        fingerprint=spec.fingerprint,
        report_json=orjson.dumps(report.as_dict()).decode() if report else None,
        created_ms=now_ms(),
    )


def code_row(item: CodeUpcaster, report: ValidationReport | None) -> UpcasterRow:
    emit = bool(item.emits)
    described = {
        "event": item.event_type,
        "from": item.from_version,
        "ref": item.ref,
        "to_event": item.to_type,
        "to": item.to_version,
        "emits": [list(node) for node in item.emits],
    }
    return UpcasterRow(
        event=item.event_type,
        from_version=item.from_version,
        to_event="" if emit else item.to_type,
        to_version=0 if emit else item.to_version or 0,
        kind=EMIT if emit else CODE,
        spec_json=orjson.dumps(described).decode(),
        code_ref=item.ref,
        fingerprint=item.source_hash,
        report_json=orjson.dumps(report.as_dict()).decode() if report else None,
        created_ms=now_ms(),
    )
