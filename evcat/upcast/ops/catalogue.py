"""The operation catalogue: parse a list of operations, check it, compile it into one closure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from evcat.upcast.errors import Problem, UpcastFailed
from evcat.upcast.ops.base import (
    DATA_ERRORS,
    OPERATIONS,
    EventDropped,
    Op,
    OpArgumentError,
    OpFn,
    parse_op,
)
from evcat.upcast.ops.conformance import conformance_ops
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.convert import CONVERT_OPS
from evcat.upcast.ops.each import EACH_OPS
from evcat.upcast.ops.expr.limits import start_event
from evcat.upcast.ops.fields import FIELD_OPS
from evcat.upcast.ops.static import CheckContext, Conformance
from evcat.upcast.ops.values import VALUE_OPS

OPERATIONS.update({op.name: op for op in (*FIELD_OPS, *VALUE_OPS, *CONVERT_OPS, *EACH_OPS)})
Transform = Callable[[dict[str, Any], UpcastContext], None]

__all__ = [
    "DATA_ERRORS",
    "OPERATIONS",
    "EventDropped",
    "Op",
    "compile_ops",
    "conformance_ops",
    "parse_ops",
]


def parse_ops(
    specs: Any, *, event_type: str = "", versions: tuple[int, ...] = ()
) -> tuple[list[Op], list[Problem]]:
    """Parse a list of operations; returns what parsed and a problem for each one that did not."""
    if specs is None:
        return [], []
    if not isinstance(specs, list):
        return [], [Problem("INVALID_OP", "ops must be a list", event_type, versions)]
    ops: list[Op] = []
    problems: list[Problem] = []
    for index, spec in enumerate(specs):
        try:
            ops.append(parse_op(spec, index))
        except OpArgumentError as error:
            problems.append(Problem(error.code, str(error), event_type, versions, op=index))
    return ops, problems


def check_ops(ops: Sequence[Op], ctx: CheckContext[Op], *, project: bool) -> Conformance:
    """Run the operations over the shapes in ``ctx``; returns what conformance adds."""
    for index, op in enumerate(ops):
        ctx.op = index
        op.check(ctx)
    ctx.op = len(ops)
    return ctx.conform(project=project)


def compile_ops(
    ops: Sequence[Op], *, label: str = "", descriptions: Sequence[str] | None = None
) -> Transform:
    """One closure applying ``ops`` in order to a chain-owned dict.

    A data error inside an operation becomes ``UpcastFailed`` naming the operation (by
    ``descriptions``, default ``label`` + its position); ``EventDropped`` passes through.
    """
    functions: list[OpFn] = [op.compile() for op in ops]
    if descriptions is None:
        descriptions = [f"{label}op #{i} {op.describe()}" for i, op in enumerate(ops)]
    names = list(descriptions)

    def failed(index: int, error: Exception, ctx: UpcastContext) -> UpcastFailed:
        return UpcastFailed(
            f"{names[index]} failed: {error}",
            event_type=ctx.event_type,
            version=ctx.source_version,
        )

    return _unrolled(functions, failed)


def _unrolled(
    functions: Sequence[OpFn], failed: Callable[[int, Exception, UpcastContext], UpcastFailed]
) -> Transform:
    """``run(data, ctx)`` calling each function in turn, each call in its own ``try``.

    A ``try`` costs nothing until something raises (CPython 3.11+), so the failing
    operation's position is known without counting on every event: a third faster than a
    loop that keeps an index, and this runs once per event per edge. Each run starts the
    event's budget afresh (``expr_limits``).
    """
    lines = ["def run(data, ctx):", "    start_event()"]
    for index in range(len(functions)):
        lines += [
            "    try:",
            f"        f{index}(data, ctx)",
            "    except DATA_ERRORS as error:",
            f"        raise failed({index}, error, ctx) from error",
        ]
    namespace: dict[str, Any] = {f"f{i}": function for i, function in enumerate(functions)}
    namespace.update(DATA_ERRORS=DATA_ERRORS, failed=failed, start_event=start_event)
    exec("\n".join(lines), namespace)  # our own source: names and positions only
    run: Transform = namespace["run"]
    return run
