"""Check a declarative upcaster against the schemas it connects; work out its generated ops.

``check_spec`` runs each operation list (the edge's ops, every emit child's ops, the downcast)
over the source schema's shape and compares the result with the target's. It returns the
problems found and, for each list, the operations appended so outputs take the target's
layout. Registration refuses a spec with problems; the graph reports them too, so an edge whose
schemas changed underneath it is caught before events are read through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evcat.formats import JSON
from evcat.upcast.edges.spec import EMIT, UpcasterSpec
from evcat.upcast.errors import Problem
from evcat.upcast.graph.schemas import NodeKey, SchemaIndex
from evcat.upcast.ops.base import Op
from evcat.upcast.ops.catalogue import check_ops, conformance_ops
from evcat.upcast.ops.expr.expression import Expression
from evcat.upcast.ops.static import CheckContext
from evcat.upcast.ops.values import check_expression


@dataclass
class CheckedSpec:
    """Problems, plus the full operation list (declared + generated) of each part."""

    problems: list[Problem] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    emit_ops: list[list[Op]] = field(default_factory=list)
    downcast_ops: list[Op] | None = None
    generated: list[Op] = field(default_factory=list)


def check_ops_between(
    ops: Sequence[Op],
    index: SchemaIndex,
    source: NodeKey,
    target: NodeKey,
    problems: list[Problem],
    *,
    label_versions: tuple[int, ...] | None = None,
    when: Expression | None = None,
) -> list[Op]:
    """Check ``ops`` from ``source``'s shape to ``target``'s; returns the ops to compile:
    ``ops`` as checked (a ``for_each`` completed by its elements' conformance), then the
    generated ones."""
    versions = label_versions if label_versions is not None else (source[1], target[1])
    for node in (source, target):
        if not index.has(node):
            problems.append(
                Problem(
                    "UNKNOWN_VERSION",
                    f"{node[0]} v{node[1]} is not a registered version",
                    source[0],
                    versions,
                )
            )
            return list(ops)
    source_shape, target_shape = index.shape(source), index.shape(target)
    ctx = CheckContext[Op](
        source_shape.shape, target_shape.shape, event_type=source[0], versions=versions
    )
    if when is not None:
        check_expression(ctx, when)
        for path in when.not_null():
            ctx.narrow(path)
    project = target_shape.schema_type != JSON or not target_shape.shape.open
    conformance = check_ops(ops, ctx, project=project)
    problems.extend(ctx.problems)
    checked = [ctx.checked.get(position, op) for position, op in enumerate(ops)]
    return [*checked, *conformance_ops(conformance)]


def check_spec(spec: UpcasterSpec, index: SchemaIndex) -> CheckedSpec:
    """Check every part of ``spec`` against the registry's schemas."""
    result = CheckedSpec()
    source = (spec.event_type, spec.from_version)
    if spec.kind == EMIT:
        for child in spec.emit:
            node = (child.event_type, child.version)
            child_ops = check_ops_between(
                child.ops,
                index,
                source,
                node,
                result.problems,
                label_versions=(spec.from_version,),
                when=child.when,
            )
            result.emit_ops.append(child_ops)
        return result
    assert spec.to_version is not None
    target = (spec.to_type, spec.to_version)
    result.ops = check_ops_between(spec.ops, index, source, target, result.problems)
    result.generated = result.ops[len(spec.ops) :]
    if spec.downcast is not None:
        result.downcast_ops = check_ops_between(
            spec.downcast, index, target, source, result.problems
        )
    return result
