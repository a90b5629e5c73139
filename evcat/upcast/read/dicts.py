"""The read path: upcast stored events to the target version through compiled routes.

An ``Upcaster`` is built over one snapshot of the registry (schemas, edges, graph) and a
target. Routes are compiled on first use per stored version and kept; the lineage of a type
is validated before its first event is read, and ``check()`` validates every lineage up front.

Events already at the target cost one dict lookup and come back as the *same* object.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evcat.formats import ParsedSchema
from evcat.upcast.edges.assemble import build_graph
from evcat.upcast.edges.code import CodeUpcaster
from evcat.upcast.edges.compile import (
    CompiledEdge,
    Payload,
    Stage,
    chain,
    compile_downcast,
    compile_edge,
    run_children,
)
from evcat.upcast.edges.spec import UpcasterSpec
from evcat.upcast.errors import (
    FutureSchemaVersion,
    GraphError,
    Problem,
    UnknownEventVersion,
    UpcastFailed,
)
from evcat.upcast.graph.schemas import SchemaIndex
from evcat.upcast.graph.version_graph import LATEST, Edge, NodeKey, Target, VersionGraph
from evcat.upcast.ops.catalogue import EventDropped
from evcat.upcast.ops.context import UpcastContext

NAMESPACE = uuid.UUID("0c5b2f1e-6a43-5d3e-9b8f-4c7e2a9d1f60")
"""Namespace of the uuid5 ids given to events produced by emit edges."""
MAX_EMIT_DEPTH = 8
_UNSET: Any = object()


@dataclass(slots=True)
class StoredEvent:
    """An event as read from a store: type, version, payload and envelope facts."""

    event_type: str
    version: int
    data: Any
    id: str | None = None
    time: Any = None
    source: str | None = None
    subject: str | None = None
    stream_id: str | None = None
    position: int | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def context(self) -> UpcastContext:
        return UpcastContext(
            event_id=self.id,
            event_type=self.event_type,
            source_version=self.version,
            time=self.time,
            source=self.source,
            subject=self.subject,
            stream_id=self.stream_id,
            position=self.position,
            metadata=self.metadata,
        )


@dataclass(slots=True)
class UpcastEvent:
    """An event at its target version. ``parent_id`` is set on events an emit produced."""

    event_type: str
    version: int
    data: Any
    schema_id: int | None
    id: str | None = None
    parent_id: str | None = None
    source_node: NodeKey | None = None


@dataclass(frozen=True)
class Route:
    """The compiled way from one stored version to the target."""

    node: NodeKey
    target: NodeKey
    edges: tuple[Edge, ...]
    stage: Stage
    emit: CompiledEdge | None
    compiled: tuple[CompiledEdge, ...]
    context: UpcastContext
    """The context of edges that do not read the envelope: type and version only."""
    reads_envelope: bool
    downcast: bool = False


def child_id(parent_id: str | None, position: int) -> str | None:
    """The deterministic id of the ``position``-th event emitted from ``parent_id``."""
    if parent_id is None:
        return None
    return str(uuid.uuid5(NAMESPACE, f"{parent_id}/{position}"))


class Upcaster:
    """Reads events of any stored version as the target version."""

    def __init__(self, graph: VersionGraph, index: SchemaIndex, target: Target = LATEST) -> None:
        self.graph = graph
        self.index = index
        self.target = target
        self._routes: dict[NodeKey, Route | None] = {}
        self._edges: dict[tuple[str, NodeKey, tuple[NodeKey, ...], str], CompiledEdge] = {}

    # -- routes ------------------------------------------------------------------------------

    def check(self, types: Iterable[str] | None = None) -> None:
        """Validate the lineages of ``types`` (all by default); raises ``GraphError``."""
        self.graph.validate(types)

    def target_of(self, event_type: str) -> NodeKey:
        lineage = self.graph.lineage(event_type)
        if lineage.problems:
            raise GraphError(lineage.problems)
        node = self.graph.target_node(event_type, self.target)
        if not self.index.has(node):
            raise UnknownEventVersion(f"target {node[0]} v{node[1]} is not a registered version")
        return node

    def _compiled(self, edge: Edge, downcast: bool = False) -> CompiledEdge:
        key = ("down" if downcast else edge.kind, edge.source, edge.targets, edge.fingerprint)
        compiled = self._edges.get(key)
        if compiled is None:
            compiled = (
                compile_downcast(edge, self.index) if downcast else compile_edge(edge, self.index)
            )
            self._edges[key] = compiled
        return compiled

    def route(self, node: NodeKey) -> Route | None:
        """The compiled route from ``node`` (None: already at the target)."""
        if node in self._routes:
            return self._routes[node]
        if not self.index.has(node):
            raise UnknownEventVersion(
                f"{node[0]} v{node[1]} is not a registered version "
                f"(known: {self.index.versions.get(node[0], [])})"
            )
        target = self.target_of(node[0])
        edges = self.graph.route(node, target)
        route = None if edges == [] else self._build(node, target, edges)
        self._routes[node] = route
        return route

    def _build(self, node: NodeKey, target: NodeKey, edges: list[Edge] | None) -> Route:
        downcast = False
        if edges is None:
            if (node[0] == target[0] and node[1] < target[1]) or self.graph.route(
                target, node
            ) is None:
                raise GraphError(
                    [
                        Problem(
                            "GAP",
                            f"{node[0]} v{node[1]} cannot reach the target {target[0]} "
                            f"v{target[1]}",
                            node[0],
                            (node[1], target[1]),
                        )
                    ]
                )
            edges = self.graph.downcast_route(node, target)
            if edges is None:
                raise FutureSchemaVersion(node[0], node[1], target)
            downcast = True
        compiled = tuple(self._compiled(edge, downcast) for edge in edges)
        emit = compiled[-1] if compiled and compiled[-1].edge.kind == "emit" else None
        context = UpcastContext(event_type=node[0], source_version=node[1])
        # Building the full context costs more than most routes: only when it is read.
        reads = any(c.reads_envelope for c in compiled)
        return Route(
            node,
            target,
            tuple(edges),
            chain(compiled[:-1] if emit else compiled),
            emit,
            compiled,
            context,
            reads,
            downcast,
        )

    def plan(self, event_type: str, version: int) -> list[str]:
        """The edges an event of ``event_type`` v``version`` goes through, in order."""
        route = self.route((event_type, version))
        return [] if route is None else [edge.label() for edge in route.edges]

    def explain(self, event_type: str, version: int) -> list[tuple[str, list[str]]]:
        """Each edge of the plan with the operations it runs (generated ones included)."""
        route = self.route((event_type, version))
        if route is None:
            return []
        return [(c.edge.label(), list(c.steps)) for c in route.compiled]

    def ancestors(self, event_type: str) -> list[tuple[str, list[int]]]:
        """Types and versions whose events can be read as ``event_type`` (for store queries)."""
        return self.graph.ancestors(event_type)

    # -- events ------------------------------------------------------------------------------

    def upcast_data(
        self, event_type: str, version: int, data: Payload, ctx: UpcastContext | None = None
    ) -> Payload | None:
        """The payload at the target version; the same object when it is already there.

        Returns None when an edge dropped the event; use ``upcast`` for 1:N edges.
        """
        node = (event_type, version)
        found: Route | None = self._routes.get(node, _UNSET)
        route = self.route(node) if found is _UNSET else found
        if route is None:
            return data
        if route.emit is not None:
            raise UpcastFailed(f"{event_type} v{version} becomes several events; use upcast()")
        try:
            return route.stage(data, ctx or route.context)
        except EventDropped:
            return None

    def upcast(self, event: StoredEvent) -> list[UpcastEvent]:
        """The event at the target: one event, several (emit) or none (dropped)."""
        node = (event.event_type, event.version)
        found: Route | None = self._routes.get(node, _UNSET)
        route = self.route(node) if found is _UNSET else found
        if route is None:
            return [UpcastEvent(node[0], node[1], event.data, self.index.schema_id(node), event.id)]
        context = event.context() if route.reads_envelope else route.context
        return self._expand(route, event.data, context, event.id, None, 0)

    def _expand(
        self,
        route: Route,
        data: Payload,
        ctx: UpcastContext,
        event_id: str | None,
        parent_id: str | None,
        depth: int,
    ) -> list[UpcastEvent]:
        try:
            out = route.stage(data, ctx)
        except EventDropped:
            return []
        if route.emit is None:
            target = route.target
            return [
                UpcastEvent(
                    target[0],
                    target[1],
                    out,
                    self.index.schema_id(target),
                    event_id,
                    parent_id,
                    route.node,
                )
            ]
        if depth >= MAX_EMIT_DEPTH:
            raise UpcastFailed(
                f"emits nest deeper than {MAX_EMIT_DEPTH} levels",
                event_type=ctx.event_type,
                version=ctx.source_version,
            )
        events: list[UpcastEvent] = []
        for position, (node, payload) in enumerate(run_children(route.emit, out, ctx)):
            new_id = child_id(event_id, position)
            child = self.route(node)
            if child is None:
                events.append(
                    UpcastEvent(
                        node[0],
                        node[1],
                        payload,
                        self.index.schema_id(node),
                        new_id,
                        event_id,
                        route.node,
                    )
                )
                continue
            child_ctx = UpcastContext(
                event_id=new_id,
                event_type=node[0],
                source_version=node[1],
                time=ctx.time,
                source=ctx.source,
                subject=ctx.subject,
                stream_id=ctx.stream_id,
                position=ctx.position,
                metadata=ctx.metadata,
            )
            for item in self._expand(child, payload, child_ctx, new_id, event_id, depth + 1):
                events.append(
                    item
                    if item.parent_id
                    else UpcastEvent(
                        item.event_type,
                        item.version,
                        item.data,
                        item.schema_id,
                        item.id,
                        event_id,
                        item.source_node,
                    )
                )
        return events


def upcaster_for(
    schemas: Mapping[NodeKey, ParsedSchema] | SchemaIndex,
    specs: Sequence[UpcasterSpec] = (),
    code: Sequence[CodeUpcaster] = (),
    target: Target = LATEST,
) -> Upcaster:
    """An upcaster over schemas held in memory (or an index) and these upcasters."""
    index = schemas if isinstance(schemas, SchemaIndex) else SchemaIndex.from_schemas(schemas)
    return Upcaster(build_graph(index, specs, code), index, target)
