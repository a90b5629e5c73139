"""The event page's "Reading old versions": for each backing subject, how an event of every
live version is read as the latest version, the stored upcasters with their validation
reports, and the subject's upcast policy.

An upcast *event type* is a registry subject, so everything here is per subject. It is read
through the app's one ``UpcastService`` (whose snapshot, graph and compiled routes are built
once per registry write epoch) and kept per epoch too: the first page at an epoch reads every
stored edge in one query and each subject's policy in one more, later pages read nothing but
the epoch. A subject with 50 versions costs no more queries than one with a single version.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from evcat.errors import EvcatError
from evcat.registry.service import Registry
from evcat.upcast.errors import Problem, ProblemsError
from evcat.upcast.graph.version_graph import NodeKey
from evcat.upcast.read.dicts import Upcaster
from evcat.upcast.service import EdgeRecord, Snapshot, UpcastService

# The kinds of edges, as a reader of the page names them (``Edge.kind`` -> words).
KINDS = {
    "declarative": "declarative upcaster",
    "resolution": "implicit: the format's own resolution",
    "code": "Python upcaster",
    "rename": "type rename",
    "emit": "emit: one event becomes several",
    "downcast": "downcast",
}

# What to do about a problem whose message does not already say it.
HINTS = {
    "UNSAFE_RESOLUTION": (
        "Add an alias for a renamed field, or register an upcaster between these versions."
    ),
    "CYCLE": "Delete one of the upcasters of the cycle.",
    "UNKNOWN_VERSION": "Register that version, or delete the upcaster that names it.",
    "EMIT_TARGET_UNREACHABLE": (
        "Register the emitted version, or an upcaster from it to its type's latest version."
    ),
}

MAX_FAILURES_SHOWN = 3


@dataclass(frozen=True)
class ShownProblem:
    """One problem as the page shows it: code, where, message, and a hint when needed."""

    code: str
    message: str
    event_type: str
    versions: tuple[int, ...]
    hint: str = ""

    @classmethod
    def of(cls, problem: Problem) -> ShownProblem:
        return cls(
            problem.code,
            problem.message,
            problem.event_type,
            problem.versions,
            HINTS.get(problem.code, ""),
        )


@dataclass(frozen=True)
class RouteEdge:
    """One edge of a route: its kind, the label ``Upcaster.explain`` gives, its operations."""

    kind: str
    kind_name: str
    label: str
    source: NodeKey
    targets: tuple[NodeKey, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class VersionRoute:
    """How an event of one stored version is read: edges in order (none: at the target).

    ``then`` names a later version of the subject whose own route is the rest of this one:
    the page lists the first ``shown`` edges and points there, so that a long chain of
    versions takes a page linear in its length, not quadratic.
    """

    version: int
    edges: tuple[RouteEdge, ...] = ()
    problems: tuple[ShownProblem, ...] = ()
    then: int | None = None
    listed: int = 0

    @property
    def shown(self) -> tuple[RouteEdge, ...]:
        """The edges the page lists for this version: all, or those before ``then``."""
        return self.edges if self.then is None else self.edges[: self.listed]


def _joined(routes: Sequence[VersionRoute], subject: str) -> tuple[VersionRoute, ...]:
    """The routes, each pointing at the first later version whose route is the rest of it."""
    by_version = {route.version: route for route in routes}
    joined: list[VersionRoute] = []
    for route in routes:
        for k, edge in enumerate(route.edges[:-1], 1):
            node = edge.targets[0]
            other = by_version.get(node[1])
            if edge.kind == "emit" or node[0] != subject or other is None:
                break
            if other.edges == route.edges[k:]:
                route = replace(route, then=node[1], listed=k)
                break
        joined.append(route)
    return tuple(joined)


@dataclass(frozen=True)
class ReportSummary:
    """A stored validation report in brief: samples, failures, coverage per target field."""

    sample_count: int | None
    seed: int | None
    passed: bool
    failure_count: int
    failures: tuple[tuple[str, str], ...]
    coverage: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, report: dict[str, Any]) -> ReportSummary:
        failures = [f for f in report.get("failures") or [] if isinstance(f, dict)]
        coverage = report.get("coverage") or {}
        return cls(
            _int(report.get("sample_count")),
            _int(report.get("seed")),
            bool(report.get("passed", not failures)),
            len(failures),
            tuple(
                (str(f.get("code") or "INVALID_OUTPUT"), str(f.get("error") or ""))
                for f in failures[:MAX_FAILURES_SHOWN]
            ),
            tuple(
                (str(name), float(share))
                for name, share in coverage.items()
                if isinstance(share, int | float)
            )
            if isinstance(coverage, dict)
            else (),
        )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class StoredUpcaster:
    """A stored edge of the subject (leaving one of its versions, or renamed into it)."""

    kind: str
    kind_name: str
    event: str
    from_version: int
    to_event: str | None
    to_version: int | None
    emits: tuple[NodeKey, ...]
    fingerprint: str
    description: str
    code_ref: str | None
    document: str
    report: ReportSummary | None

    @property
    def short(self) -> str:
        """The fingerprint as edge labels show it: ``sha256:`` and 12 hex digits."""
        return self.fingerprint[:19]

    @classmethod
    def of(cls, record: EdgeRecord) -> StoredUpcaster:
        spec = record.spec or {}
        emits = tuple(
            (str(child.get("type")), int(child.get("version") or 0))
            for child in spec.get("emit") or []
            if isinstance(child, dict)
        )
        return cls(
            record.kind,
            KINDS.get(record.kind, record.kind),
            record.event,
            record.from_version,
            record.to_event,
            record.to_version,
            emits,
            record.fingerprint,
            str(spec.get("description") or ""),
            record.code_ref,
            orjson.dumps(spec, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
            if spec
            else "",
            ReportSummary.of(record.report) if record.report else None,
        )


@dataclass(frozen=True)
class SubjectReading:
    """What the page shows for one subject."""

    subject: str
    policy: str | None
    target: NodeKey | None
    routes: tuple[VersionRoute, ...]
    problems: tuple[ShownProblem, ...]
    upcasters: tuple[StoredUpcaster, ...]


@dataclass
class _Epoch:
    """What was gathered at one registry write epoch."""

    epoch: int
    edges: dict[str, list[EdgeRecord]] | None = None
    subjects: dict[str, SubjectReading] = field(default_factory=dict)


def upcast_service(registry: Registry) -> UpcastService:
    """An upcast service configured as the server's (``evcat.upcast.api.service``)."""
    settings = registry.settings
    return UpcastService(
        registry,
        code_modules=settings.upcaster_module_list,
        code_drift=settings.upcaster_code_drift,
        samples=settings.upcaster_samples,
    )


class Upcasting:
    """The "Reading old versions" data of subjects, over one upcast service; one per app."""

    def __init__(self, service: UpcastService) -> None:
        self.service = service
        self._current: _Epoch | None = None
        self._lock = threading.Lock()

    def readings(self, subjects: Sequence[str]) -> list[SubjectReading]:
        """The reading of each subject, in the order given."""
        try:
            snapshot = self.service.snapshot()
        except ProblemsError as error:  # pinned code missing or changed, for instance
            broken = tuple(ShownProblem.of(p) for p in error.problems)
            return [self._build(subject, None, broken, self._edges_now()) for subject in subjects]
        current = self._epoch(snapshot.epoch)
        found: list[SubjectReading] = []
        for subject in subjects:
            reading = current.subjects.get(subject)
            if reading is None:
                reading = self._build(subject, snapshot, (), self._edges(current))
                current.subjects[subject] = reading
            found.append(reading)
        return found

    # -- gathering -------------------------------------------------------------------------

    def _epoch(self, epoch: int) -> _Epoch:
        current = self._current
        if current is None or current.epoch != epoch:
            with self._lock:
                if self._current is None or self._current.epoch != epoch:
                    self._current = _Epoch(epoch)
                current = self._current
        return current

    def _edges(self, current: _Epoch) -> dict[str, list[EdgeRecord]]:
        if current.edges is None:
            current.edges = self._edges_now()
        return current.edges

    def _edges_now(self) -> dict[str, list[EdgeRecord]]:
        """Every stored edge, under each subject it leaves or is renamed into (one query)."""
        by_subject: dict[str, list[EdgeRecord]] = {}
        for record in self.service.all_edges():
            by_subject.setdefault(record.event, []).append(record)
            if record.to_event and record.to_event != record.event:
                by_subject.setdefault(record.to_event, []).append(record)
        return by_subject

    def _build(
        self,
        subject: str,
        snapshot: Snapshot | None,
        broken: tuple[ShownProblem, ...],
        edges: dict[str, list[EdgeRecord]],
    ) -> SubjectReading:
        upcasters = tuple(StoredUpcaster.of(record) for record in edges.get(subject, []))
        policy = self.service.policy(subject)
        if snapshot is None:
            return SubjectReading(subject, policy, None, (), broken, upcasters)
        problems = tuple(ShownProblem.of(p) for p in snapshot.graph.problems([subject]))
        versions = snapshot.index.versions.get(subject, [])
        if problems or not versions:
            return SubjectReading(subject, policy, None, (), problems, upcasters)
        try:
            upcaster = self.service.upcaster()
            target = upcaster.target_of(subject)
        except EvcatError as error:
            return SubjectReading(subject, policy, None, (), _shown(error), upcasters)
        routes = [self._route(upcaster, subject, version) for version in versions]
        return SubjectReading(subject, policy, target, _joined(routes, subject), (), upcasters)

    @staticmethod
    def _route(upcaster: Upcaster, subject: str, version: int) -> VersionRoute:
        try:
            route = upcaster.route((subject, version))
            explained = upcaster.explain(subject, version)
        except EvcatError as error:
            return VersionRoute(version, problems=_shown(error))
        if route is None:
            return VersionRoute(version)
        edges = tuple(
            RouteEdge(
                edge.kind,
                KINDS.get(edge.kind, edge.kind),
                label,
                edge.source,
                edge.targets,
                tuple(steps),
            )
            for edge, (label, steps) in zip(route.edges, explained, strict=True)
        )
        return VersionRoute(version, edges)


def _shown(error: EvcatError) -> tuple[ShownProblem, ...]:
    """An error of one route as problems: its own, or the error itself as one."""
    if isinstance(error, ProblemsError):
        return tuple(ShownProblem.of(p) for p in error.problems)
    return (ShownProblem(type(error).__name__, error.message, "", ()),)
