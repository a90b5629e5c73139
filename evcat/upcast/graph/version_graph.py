"""The version graph: which edges lead from each stored version to the version a reader wants.

Nodes are ``(event type, version)`` for every live version. Edges are the declared upcasters
(declarative, code, type renames, emits) plus *implicit* edges between consecutive versions
that the format resolves by itself. A *lineage* is a set of types joined by renames; it must
converge on one terminal type, whose latest version is the default target.

Before any event of a lineage is read the lineage is validated, and every problem is reported
at once, each naming the type and versions: ``DUPLICATE_EDGE``, ``CYCLE``, ``UNKNOWN_VERSION``,
``UNSAFE_RESOLUTION``, ``NON_CONVERGENT``, ``GAP``, ``EMIT_TARGET_UNREACHABLE`` and
``MAX_STEPS_EXCEEDED``.

Routes prefer fewer code edges, then fewer steps (so a declared shortcut beats the stepwise
path), then lower versions, which makes the choice deterministic.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from evcat.errors import UnprocessableError
from evcat.upcast.errors import GraphError, Problem
from evcat.upcast.graph.model import (
    MAX_STEPS,
    Edge,
    Implicit,
    ImplicitFinder,
    Lineage,
    NodeKey,
    find_cycles,
    problem,
    search,
    without_duplicates,
)

__all__ = [
    "LATEST",
    "MAX_STEPS",
    "Edge",
    "Implicit",
    "ImplicitFinder",
    "NodeKey",
    "Target",
    "VersionGraph",
    "check_target",
]

LATEST = "latest"
MAX_VERSION = 2**31 - 1
Target = str | int | Mapping[str, int | str]
"""``"latest"``, a version of the terminal type, or a version per type name."""


def check_target(target: object) -> Target:
    """A reader's target as the graph reads it, or 422 naming what to send instead.

    Versions given as digit strings (``"2"``, from a query string) become numbers.
    """
    if isinstance(target, Mapping):
        return {
            str(name): _target_version(value, f"target[{name!r}]") for name, value in target.items()
        }
    return _target_version(target, "target")


def _target_version(value: object, where: str) -> int | str:
    if value == LATEST:
        return LATEST
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_VERSION:
        return value
    raise UnprocessableError(
        f"{where} must be 'latest' or a version number from 1 to {MAX_VERSION}, not {value!r:.80}"
    )


class VersionGraph:
    """The version graph of a registry; lineages are built and validated on first use."""

    def __init__(
        self,
        versions: Mapping[str, Sequence[int]],
        edges: Iterable[Edge],
        implicit: ImplicitFinder,
        downcasts: Iterable[Edge] = (),
        edge_problems: Callable[[Edge], list[Problem]] | None = None,
    ) -> None:
        self.edge_problems = edge_problems
        self.versions = {t: sorted(set(vs)) for t, vs in versions.items() if vs}
        self.edges = list(edges)
        self.implicit = implicit
        self.downcasts: dict[NodeKey, list[Edge]] = defaultdict(list)
        for edge in downcasts:
            self.downcasts[edge.source].append(edge)
        self._lineages: dict[str, Lineage] = {}
        self._by_type: dict[str, list[Edge]] = defaultdict(list)
        self._neighbours: dict[str, set[str]] = defaultdict(set)
        for edge in self.edges:
            self._by_type[edge.source[0]].append(edge)
            if edge.cross_type:
                self._neighbours[edge.source[0]].add(edge.target[0])
                self._neighbours[edge.target[0]].add(edge.source[0])
                self._by_type[edge.target[0]].append(edge)

    # -- lineages --------------------------------------------------------------------------

    def has(self, node: NodeKey) -> bool:
        return node[1] in self.versions.get(node[0], ())

    def lineage(self, event_type: str) -> Lineage:
        """The lineage holding ``event_type``, built and checked once."""
        cached = self._lineages.get(event_type)
        if cached is not None:
            return cached
        types = self._component(event_type)
        lineage = self._build(types)
        for name in types:
            self._lineages[name] = lineage
        return lineage

    def _component(self, event_type: str) -> set[str]:
        seen, stack = {event_type}, [event_type]
        while stack:
            for other in self._neighbours[stack.pop()]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return seen

    def _build(self, types: set[str]) -> Lineage:
        problems: list[Problem] = []
        declared = [e for t in sorted(types) for e in self._by_type[t] if e.source[0] == t]
        declared = without_duplicates(declared, problems)
        out: dict[NodeKey, list[Edge]] = defaultdict(list)
        for edge in declared:
            missing = [n for n in (edge.source, *edge.targets[:1]) if not self.has(n)]
            if edge.kind != "emit" and missing:
                event, version = missing[0]
                problems.append(
                    problem(
                        "UNKNOWN_VERSION",
                        f"the {edge.kind} edge {edge.label()} names {event} v{version}, which "
                        f"is not a registered version (known: {self.versions.get(event, [])})",
                        edge.source[0],
                        edge.source[1],
                        edge.target[1],
                    )
                )
                continue
            if not self.has(edge.source):
                problems.append(
                    problem(
                        "UNKNOWN_VERSION",
                        f"the emit edge {edge.label()} starts at a version that is not registered",
                        edge.source[0],
                        edge.source[1],
                    )
                )
                continue
            found = self.edge_problems(edge) if self.edge_problems else []
            if found:
                problems.extend(found)
                continue
            out[edge.source].append(edge)
        self._add_implicit(types, out, problems)
        find_cycles(out, problems)
        terminals = sorted(
            t
            for t in types
            if t in self.versions
            and not any(e.cross_type for v in self.versions[t] for e in out.get((t, v), ()))
        )
        terminal = terminals[0] if len(terminals) == 1 else None
        if len(terminals) > 1:
            problems.append(
                problem(
                    "NON_CONVERGENT",
                    f"types {terminals} are joined by renames but none is renamed into the others; "
                    "a lineage must end in one type",
                    terminals[0],
                )
            )
        lineage = Lineage(types, terminal, dict(out), problems)
        if terminal is not None and not any(p.code == "CYCLE" for p in problems):
            self._check_reachability(lineage)
        return lineage

    def _add_implicit(
        self, types: set[str], out: dict[NodeKey, list[Edge]], problems: list[Problem]
    ) -> None:
        for event in sorted(types):
            known = self.versions.get(event, [])
            for older, newer in itertools.pairwise(known):
                node = (event, older)
                if any(
                    edge.target == (event, newer) or edge.kind == "emit"
                    for edge in out.get(node, ())
                ):
                    continue
                verdict = self.implicit(event, older, newer)
                if verdict.edge is not None:
                    out[node].append(verdict.edge)
                elif verdict.problem is not None and not out.get(node):
                    problems.append(verdict.problem)

    def _check_reachability(self, lineage: Lineage) -> None:
        assert lineage.terminal is not None
        target = (lineage.terminal, self.versions[lineage.terminal][-1])
        for event in sorted(lineage.types):
            for version in self.versions.get(event, []):
                node = (event, version)
                route = search(lineage.out, node, target)
                if route is None:
                    reason = self._gap_reason(lineage, node)
                    lineage.problems.append(
                        problem(
                            "GAP",
                            f"{event} v{version} cannot reach {target[0]} v{target[1]}"
                            f"{reason}; register an upcaster from v{version}",
                            event,
                            version,
                            target[1],
                        )
                    )
                elif len(route) > MAX_STEPS:
                    lineage.problems.append(
                        problem(
                            "MAX_STEPS_EXCEEDED",
                            f"{event} v{version} needs {len(route)} steps to "
                            f"reach the target, more than {MAX_STEPS}; add a shortcut edge",
                            event,
                            version,
                        )
                    )
                elif route and route[-1].kind == "emit":
                    self._check_emit(route[-1], lineage.problems)

    def _gap_reason(self, lineage: Lineage, node: NodeKey) -> str:
        known = self.versions.get(node[0], [])
        later = [v for v in known if v > node[1]]
        if not later or lineage.out.get(node):
            return ""
        verdict = self.implicit(node[0], node[1], later[0])
        return (
            f" (v{node[1]} -> v{later[0]} is not resolution-compatible: {verdict.reason})"
            if verdict.reason
            else ""
        )

    def _check_emit(self, edge: Edge, problems: list[Problem]) -> None:
        for child in edge.targets:
            if not self.has(child):
                problems.append(
                    problem(
                        "EMIT_TARGET_UNREACHABLE",
                        f"{edge.label()} emits {child[0]} v{child[1]}, "
                        "which is not a registered version",
                        edge.source[0],
                        edge.source[1],
                    )
                )
                continue
            child_lineage = self.lineage(child[0])
            if child_lineage.terminal is None:
                continue
            goal = (child_lineage.terminal, self.versions[child_lineage.terminal][-1])
            if search(child_lineage.out, child, goal) is None:
                problems.append(
                    problem(
                        "EMIT_TARGET_UNREACHABLE",
                        f"{edge.label()} emits {child[0]} v{child[1]}, "
                        f"which cannot reach {goal[0]} v{goal[1]}",
                        edge.source[0],
                        edge.source[1],
                    )
                )

    # -- routes ----------------------------------------------------------------------------

    def target_node(self, event_type: str, target: Target) -> NodeKey:
        """The node events of ``event_type`` are upcast to."""
        lineage = self.lineage(event_type)
        if lineage.terminal is None:
            raise GraphError(
                lineage.problems
                or [problem("UNKNOWN_VERSION", "no registered versions", event_type)]
            )
        if isinstance(target, Mapping):
            for name in (event_type, lineage.terminal, *sorted(lineage.types)):
                if name in target:
                    chosen = target[name]
                    return (name, self.versions[name][-1] if chosen == LATEST else int(chosen))
            return (lineage.terminal, self.versions[lineage.terminal][-1])
        if target == LATEST:
            return (lineage.terminal, self.versions[lineage.terminal][-1])
        return (lineage.terminal, int(target))

    def route(self, node: NodeKey, goal: NodeKey) -> list[Edge] | None:
        """Edges from ``node`` to ``goal`` (``None`` when there is no way)."""
        return search(self.lineage(node[0]).out, node, goal)

    def downcast_route(self, node: NodeKey, goal: NodeKey) -> list[Edge] | None:
        """Downcast edges from a newer ``node`` back to ``goal``, fewest steps first."""
        frontier: list[tuple[NodeKey, list[Edge]]] = [(node, [])]
        seen = {node}
        while frontier:
            current, route = frontier.pop(0)
            if current == goal:
                return route
            for edge in self.downcasts.get(current, ()):
                if edge.target not in seen:
                    seen.add(edge.target)
                    frontier.append((edge.target, [*route, edge]))
        return None

    def problems(self, types: Iterable[str] | None = None) -> list[Problem]:
        """Every problem of the lineages holding ``types`` (all types by default)."""
        names = sorted(self.versions) if types is None else list(types)
        seen: set[int] = set()
        found: list[Problem] = []
        for name in names:
            lineage = self.lineage(name)
            if id(lineage) not in seen:
                seen.add(id(lineage))
                found.extend(lineage.problems)
        return found

    def validate(self, types: Iterable[str] | None = None) -> None:
        """Raise ``GraphError`` with every problem of the named lineages."""
        found = self.problems(types)
        if found:
            raise GraphError(found)

    def ancestors(self, event_type: str) -> list[tuple[str, list[int]]]:
        """Every type and its versions whose events can be read as ``event_type``."""
        self.lineage(event_type)
        for edge in self.edges:
            if edge.kind == "emit":
                self.lineage(edge.source[0])
        incoming: dict[NodeKey, set[NodeKey]] = defaultdict(set)
        for lineage in {id(x): x for x in self._lineages.values()}.values():
            for node, edges in lineage.out.items():
                for edge in edges:
                    for child in edge.targets:
                        incoming[child].add(node)
        start = [(event_type, v) for v in self.versions.get(event_type, [])]
        seen, stack = set(start), list(start)
        while stack:
            for parent in incoming.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        grouped: dict[str, list[int]] = defaultdict(list)
        for name, version in sorted(seen):
            grouped[name].append(version)
        order = sorted(grouped, key=lambda name: (name != event_type, name))
        return [(name, grouped[name]) for name in order]
