"""Compile routes of the version graph into one callable per (stored version, target).

Every edge becomes a *stage*: a function from the chain-owned payload dict to the next one.
Declarative and generated operations change the dict in place (their nested writes copy on
write), Avro resolution builds a new dict, a code upcaster returns its own. A route's stages
run one after the other behind a single shallow copy of the caller's payload, which is
therefore never changed. An ``emit`` edge ends a route: each child gets a copy of the payload,
its own operations, and then the compiled route of its own type.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from evcat.upcast.edges.checking import check_spec
from evcat.upcast.edges.code import CodeUpcaster, Emit
from evcat.upcast.edges.implicit import ImplicitStep
from evcat.upcast.edges.spec import UpcasterSpec
from evcat.upcast.errors import SpecError, UpcastFailed
from evcat.upcast.graph.schemas import NodeKey, SchemaIndex
from evcat.upcast.graph.version_graph import Edge
from evcat.upcast.ops.base import Op
from evcat.upcast.ops.catalogue import DATA_ERRORS, EventDropped, compile_ops
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.each import ForEach
from evcat.upcast.ops.expr.expression import Expression
from evcat.upcast.ops.values import FromMetadata

Payload = dict[str, Any]
Stage = Callable[[Payload, UpcastContext], Payload]
Child = tuple[NodeKey, Payload]
"""An emitted event before its own type's route has run: where it is, and its payload."""


@dataclass(frozen=True)
class EmitChild:
    node: NodeKey
    when: Expression | None
    transform: Callable[[Payload, UpcastContext], None]


@dataclass(frozen=True)
class CompiledEdge:
    """An edge ready to run: a stage for 1:1 edges, children for emits."""

    edge: Edge
    stage: Stage | None = None
    children: tuple[EmitChild, ...] = ()
    code: CodeUpcaster | None = None
    steps: tuple[str, ...] = ()
    ops: tuple[Op, ...] | None = None
    """The operations, when the edge is nothing else (so routes can merge them)."""
    reads_envelope: bool = False
    """True when the edge reads the event's envelope (code, ``from_metadata``)."""


def _reads_envelope(ops: Sequence[Op]) -> bool:
    return any(
        isinstance(op, FromMetadata) or (isinstance(op, ForEach) and _reads_envelope(op.ops))
        for op in ops
    )


def _ops_stage(ops: Sequence[Op], label: str) -> Stage | None:
    if not ops:
        return None
    transform = compile_ops(ops, label=label)

    def stage(data: Payload, ctx: UpcastContext) -> Payload:
        transform(data, ctx)
        return data

    return stage


def _code_stage(code: CodeUpcaster, label: str) -> Stage:
    function = code.function

    def stage(data: Payload, ctx: UpcastContext) -> Payload:
        try:
            result = function(data, ctx)
        except DATA_ERRORS as error:
            raise UpcastFailed(
                f"{label} raised {type(error).__name__}: {error}",
                event_type=ctx.event_type,
                version=ctx.source_version,
            ) from error
        if result is None and code.may_drop:
            raise EventDropped
        if not isinstance(result, dict):
            raise UpcastFailed(
                f"{label} returned {type(result).__name__}, not a dict",
                event_type=ctx.event_type,
                version=ctx.source_version,
            )
        # The result becomes the chain's to change; the function may still hold it.
        return dict(result)

    return stage


def _resolution_stage(step: ImplicitStep, label: str) -> Stage | None:
    if step.convert is not None:
        convert = step.convert

        def stage(data: Payload, ctx: UpcastContext) -> Payload:
            try:
                result: Payload = convert(data)
            except DATA_ERRORS as error:
                raise UpcastFailed(
                    f"{label}: {type(error).__name__}: {error}",
                    event_type=ctx.event_type,
                    version=ctx.source_version,
                ) from error
            return result

        return stage
    return _ops_stage(step.ops, f"{label} ")


def compile_edge(edge: Edge, index: SchemaIndex) -> CompiledEdge:
    """Compile one edge; declarative edges are checked against the schemas on the way."""
    label = edge.label()
    payload = edge.payload
    if isinstance(payload, ImplicitStep):
        ops = payload.ops if payload.convert is None else None
        stage = _resolution_stage(payload, label)
        return CompiledEdge(edge, stage, steps=payload.steps, ops=ops)
    if isinstance(payload, CodeUpcaster):
        described: tuple[str, ...] = (f"code {payload.ref}",)
        if payload.emits:
            return CompiledEdge(edge, code=payload, steps=described, reads_envelope=True)
        code_stage = _code_stage(payload, label)
        return CompiledEdge(edge, code_stage, code=payload, steps=described, reads_envelope=True)
    if isinstance(payload, UpcasterSpec):
        checked = check_spec(payload, index)
        if checked.problems:
            raise SpecError(checked.problems)
        if payload.emit:
            children = tuple(
                EmitChild(
                    (child.event_type, child.version),
                    child.when,
                    compile_ops(ops, label=f"{label} emit #{position} "),
                )
                for position, (child, ops) in enumerate(
                    zip(payload.emit, checked.emit_ops, strict=True)
                )
            )
            return CompiledEdge(
                edge,
                children=children,
                steps=tuple(f"emit {c.node[0]}@{c.node[1]}" for c in children),
                reads_envelope=True,
            )
        steps = tuple(op.describe() for op in checked.ops)
        ops_stage = _ops_stage(checked.ops, f"{label} ")
        return CompiledEdge(
            edge,
            ops_stage,
            steps=steps,
            ops=tuple(checked.ops),
            reads_envelope=_reads_envelope(checked.ops),
        )
    raise TypeError(f"edge {label} carries no upcaster")  # pragma: no cover - a wiring bug


def compile_downcast(edge: Edge, index: SchemaIndex) -> CompiledEdge:
    """A downcast edge (its payload is the upcaster spec it belongs to)."""
    spec = edge.payload
    assert isinstance(spec, UpcasterSpec)
    checked = check_spec(spec, index)
    if checked.problems:
        raise SpecError(checked.problems)
    ops = checked.downcast_ops or []
    steps = tuple(op.describe() for op in ops)
    stage = _ops_stage(ops, f"{edge.label()} ")
    return CompiledEdge(
        edge, stage, steps=steps, ops=tuple(ops), reads_envelope=_reads_envelope(ops)
    )


def run_children(compiled: CompiledEdge, data: Payload, ctx: UpcastContext) -> list[Child]:
    """The emitted children of a payload that reached an emit edge, in declared order."""
    if compiled.code is not None:
        result = compiled.code.function(data, ctx)
        if result is None:
            return []
        declared = set(compiled.code.emits)
        children: list[Child] = []
        for item in result if isinstance(result, list) else [result]:
            if not isinstance(item, Emit) or (item.event_type, item.version) not in declared:
                raise UpcastFailed(
                    f"{compiled.edge.label()} returned {item!r}; return Emit "
                    f"objects for the declared children {sorted(declared)}",
                    event_type=ctx.event_type,
                    version=ctx.source_version,
                )
            children.append(((item.event_type, item.version), dict(item.data)))
        return children
    out: list[Child] = []
    for position, child in enumerate(compiled.children):
        try:
            if child.when is not None and not child.when.run(data):
                continue
        except DATA_ERRORS as error:
            raise UpcastFailed(
                f"{compiled.edge.label()} emit #{position} when failed: {error}",
                event_type=ctx.event_type,
                version=ctx.source_version,
            ) from error
        payload = dict(data)
        child.transform(payload, ctx)
        out.append((child.node, payload))
    return out


def chain(compiled: Sequence[CompiledEdge]) -> Stage:
    """One stage running the edges in order, behind one shallow copy of the input.

    Consecutive operation-only edges are merged into one list of operations, so a route of
    declarative edges costs one loop, whatever its length.
    """
    groups: list[tuple[bool, Callable[..., Any]]] = []
    ops: list[Op] = []
    names: list[str] = []

    def flush() -> None:
        if ops:
            groups.append((True, compile_ops(list(ops), descriptions=list(names))))
            ops.clear()
            names.clear()

    for edge in compiled:
        if edge.ops is not None:
            label = edge.edge.label()
            ops.extend(edge.ops)
            names.extend(f"{label} op #{i} {op.describe()}" for i, op in enumerate(edge.ops))
        elif edge.stage is not None:
            flush()
            groups.append((False, edge.stage))
    flush()
    if len(groups) == 1 and groups[0][0]:
        transform = groups[0][1]

        def mutate_once(data: Payload, ctx: UpcastContext) -> Payload:
            out = dict(data)
            transform(out, ctx)
            return out

        return mutate_once

    def run(data: Payload, ctx: UpcastContext) -> Payload:
        out = dict(data)
        for mutates, function in groups:
            if mutates:
                function(out, ctx)
            else:
                out = function(out, ctx)
        return out

    return run
