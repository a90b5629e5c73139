"""The parts of the version graph that need no registry: edges, lineages, and the searches
over them (duplicates, cycles, preferred routes)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evcat.upcast.errors import Problem

NodeKey = tuple[str, int]
MAX_STEPS = 64


@dataclass(frozen=True)
class Edge:
    """One step of the graph. ``targets`` has several nodes only for ``emit`` edges."""

    kind: str
    source: NodeKey
    targets: tuple[NodeKey, ...]
    fingerprint: str = ""
    payload: Any = field(default=None, compare=False)
    override: bool = False

    @property
    def target(self) -> NodeKey:
        return self.targets[0]

    @property
    def cross_type(self) -> bool:
        return self.kind != "emit" and self.target[0] != self.source[0]

    def label(self) -> str:
        (event, version) = self.source
        arrows = ", ".join(f"{t}@{v}" if t != event else f"{v}" for t, v in self.targets)
        text = f"{self.kind} {event}@{version}->{arrows}"
        return f"{text} ({self.fingerprint[:19]})" if self.fingerprint else text


@dataclass(frozen=True)
class Implicit:
    """The verdict on an implicit edge between consecutive versions."""

    edge: Edge | None = None
    problem: Problem | None = None
    reason: str = ""


ImplicitFinder = Callable[[str, int, int], Implicit]


@dataclass
class Lineage:
    """Types joined by renames, their outgoing edges and what is wrong with them."""

    types: set[str]
    terminal: str | None
    out: dict[NodeKey, list[Edge]]
    problems: list[Problem]


def problem(code: str, message: str, event: str, *versions: int) -> Problem:
    return Problem(code, message, event, tuple(versions))


def without_duplicates(edges: list[Edge], problems: list[Problem]) -> list[Edge]:
    by_step: dict[tuple[NodeKey, tuple[NodeKey, ...]], list[Edge]] = defaultdict(list)
    for edge in edges:
        by_step[(edge.source, edge.targets)].append(edge)
    kept: list[Edge] = []
    for (source, targets), group in by_step.items():
        overriding = [edge for edge in group if edge.override]
        if len(group) == 1 or len(overriding) == 1:
            kept.append(overriding[0] if overriding else group[0])
            continue
        kinds = ", ".join(edge.kind for edge in group)
        problems.append(
            problem(
                "DUPLICATE_EDGE",
                f"{len(group)} edges ({kinds}) lead from {source[0]} v{source[1]} to "
                f"{', '.join(f'{t} v{v}' for t, v in targets)}; keep one, or mark one override",
                source[0],
                source[1],
                targets[0][1],
            )
        )
    return kept


def find_cycles(out: dict[NodeKey, list[Edge]], problems: list[Problem]) -> None:
    state: dict[NodeKey, int] = {}
    reported: set[frozenset[NodeKey]] = set()

    def visit(node: NodeKey, trail: list[NodeKey]) -> None:
        state[node] = 1
        trail.append(node)
        for edge in out.get(node, ()):
            for nxt in edge.targets:
                if state.get(nxt) == 1:
                    loop = trail[trail.index(nxt) :]
                    if frozenset(loop) not in reported:
                        reported.add(frozenset(loop))
                        path = " -> ".join(f"{t} v{v}" for t, v in [*loop, nxt])
                        problems.append(
                            problem(
                                "CYCLE",
                                f"upcasters form a cycle: {path}",
                                nxt[0],
                                *[v for _, v in loop],
                            )
                        )
                elif nxt not in state:
                    visit(nxt, trail)
        trail.pop()
        state[node] = 2

    for node in sorted(out):
        if node not in state:
            visit(node, [])


def search(
    out: Mapping[NodeKey, Sequence[Edge]], start: NodeKey, goal: NodeKey
) -> list[Edge] | None:
    """The preferred route from ``start`` to ``goal``, ending early at an emit edge."""
    # The counter keeps heap entries comparable without ever comparing edges.
    queue: list[tuple[int, int, tuple[int, ...], NodeKey, int, tuple[Edge, ...]]] = [
        (0, 0, (), start, 0, ())
    ]
    settled: set[NodeKey] = set()
    counter = 0
    while queue:
        code, steps, order, node, _, route = heapq.heappop(queue)
        edges = out.get(node, ())
        emit = next((edge for edge in edges if edge.kind == "emit"), None)
        if emit is not None:
            # A version with an emit edge is retired: its events always become the
            # children, even when it is the latest version of its type.
            return [*route, emit]
        if node == goal:
            return list(route)
        if node in settled or steps > MAX_STEPS:
            continue
        settled.add(node)
        for edge in edges:
            cost = code + (edge.kind == "code")
            counter += 1
            entry = (
                cost,
                steps + 1,
                (*order, edge.target[1]),
                edge.target,
                counter,
                (*route, edge),
            )
            heapq.heappush(queue, entry)
    return None
