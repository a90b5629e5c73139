"""Put the pieces together: upcaster specs and code become graph edges over a schema index."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evcat.upcast.edges.checking import check_spec
from evcat.upcast.edges.code import CodePin, CodeUpcaster, check_drift, registered
from evcat.upcast.edges.implicit import implicit_finder
from evcat.upcast.edges.spec import CODE, EMIT, UpcasterSpec, parse_spec
from evcat.upcast.errors import Problem
from evcat.upcast.graph.schemas import SchemaIndex
from evcat.upcast.graph.version_graph import Edge, VersionGraph


@dataclass(frozen=True)
class StoredEdge:
    """One stored upcaster edge, as the database row or the REST API's answer gives it.

    ``document`` is the stored document (a declarative upcaster in canonical form, or for a
    pinned Python upcaster its description); ``fingerprint`` is the document's, or for code
    the SHA-256 of its source (the pin).
    """

    event: str
    from_version: int
    fingerprint: str
    code_ref: str | None = None
    document: Mapping[str, Any] | None = None


def declared_upcasters(
    edges: Iterable[StoredEdge], code_modules: Sequence[str] = (), code_drift: str = "warn"
) -> tuple[list[UpcasterSpec], list[CodeUpcaster]]:
    """The declarative specs and the pinned Python upcasters of stored edges, in their order.

    Python upcasters come from ``code_modules``; their pins are checked against that code
    (``check_drift``: missing code is an error, changed code a warning or, with ``code_drift``
    ``fail``, an error).
    """
    edges = list(edges)
    specs = [parse_spec(e.document) for e in edges if e.code_ref is None and e.document]
    pins = [
        CodePin(e.event, e.from_version, e.code_ref, e.fingerprint)
        for e in edges
        if e.code_ref is not None
    ]
    available = {item.ref: item for item in registered(code_modules)}
    if pins:
        check_drift(pins, available.values(), code_drift)
    return specs, [available[pin.ref] for pin in pins]


def spec_edge(spec: UpcasterSpec, *, override: bool = False) -> Edge:
    return Edge(
        spec.kind,
        (spec.event_type, spec.from_version),
        tuple(spec.targets),
        spec.fingerprint,
        spec,
        override,
    )


def downcast_edge(spec: UpcasterSpec) -> Edge | None:
    if spec.downcast is None or spec.to_version is None:
        return None
    return Edge(
        "downcast",
        (spec.to_type, spec.to_version),
        ((spec.event_type, spec.from_version),),
        spec.fingerprint,
        spec,
    )


def code_edge(code: CodeUpcaster) -> Edge:
    kind = EMIT if code.emits else CODE
    return Edge(
        kind,
        (code.event_type, code.from_version),
        tuple(code.targets),
        code.source_hash,
        code,
        code.override,
    )


def build_graph(
    index: SchemaIndex, specs: Iterable[UpcasterSpec], code: Iterable[CodeUpcaster] = ()
) -> VersionGraph:
    """The version graph of ``index`` with these declared upcasters."""
    specs = list(specs)
    edges = [spec_edge(spec) for spec in specs] + [code_edge(item) for item in code]
    downcasts = [edge for edge in (downcast_edge(spec) for spec in specs) if edge is not None]

    def edge_problems(edge: Edge) -> list[Problem]:
        if isinstance(edge.payload, UpcasterSpec):
            return check_spec(edge.payload, index).problems
        return []

    return VersionGraph(index.versions, edges, implicit_finder(index), downcasts, edge_problems)
