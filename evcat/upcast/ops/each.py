"""``for_each``: run operations on every record of a list, or every value of a map.

```yaml
- for_each:
    path: items                # a list of records, or a map whose values are records
    ops:                       # parsed like top-level ops; each element is the payload
      - convert: {path: price_cents, using: cents_to_decimal_str, to: price}
      - set_default: {path: currency, value: EUR}
```

The static check runs the nested operations over the source element's shape towards the
target element's, in a nested ``CheckContext``, and works out the element's conformance
(drops, defaults, projection) as ``conform`` does for the payload. The checked operation
(``CheckContext.checked``) carries those generated operations, so they are compiled once with
the nested ones. Each element is copied before the operations run: the input is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evcat.upcast.errors import Problem
from evcat.upcast.ops.base import (
    DATA_ERRORS,
    Op,
    OpArgumentError,
    OpFn,
    mapping,
    parse_op,
    path_arg,
)
from evcat.upcast.ops.conformance import conformance_ops
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.expr.limits import charge_steps
from evcat.upcast.ops.static import CheckContext
from evcat.upcast.paths import MISSING, Path, getter, putter, show
from evcat.upcast.shapes.model import ANY, Shape, record_of

# Operations that act on the whole event, not on a record inside it.
_REFUSED = {
    "drop_event": "drop_event takes the whole event out, it cannot run per element; "
    "put it before the for_each, with a condition such as 'len(items) == 0'",
    "emit": "emit is not an operation (it is a form of the upcaster document) and one "
    "element cannot become several events",
}


@dataclass(frozen=True)
class ForEach(Op):
    """Apply ``ops`` to each record of the list (or map values) at ``path``.

    ``conform`` holds the operations the static check generated for each element (fields the
    target element lacks dropped, its defaults set); they are not part of the document.
    """

    path: Path
    ops: tuple[Op, ...]
    conform: tuple[Op, ...] = ()
    name = "for_each"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("path", "ops"))
        path = path_arg(args["path"], "for_each.path")
        specs = args["ops"]
        if not isinstance(specs, list) or not specs:
            raise OpArgumentError(
                "for_each.ops takes a non-empty list of operations, run on each element "
                "(for example [{rename: {from: price_cents, to: price}}])"
            )
        ops: list[Op] = []
        errors: list[OpArgumentError] = []
        for index, spec in enumerate(specs):
            refused = (
                next((_REFUSED[key] for key in spec if key in _REFUSED), None)
                if isinstance(spec, Mapping)
                else None  # parse_op says what is wrong
            )
            try:
                if refused is not None:
                    raise OpArgumentError(refused)
                ops.append(parse_op(spec, index))
            except OpArgumentError as error:
                errors.append(OpArgumentError(f"for_each.ops #{index}: {error}", error.code))
        if errors:
            raise OpArgumentError("; ".join(str(e) for e in errors), errors[0].code)
        return cls(path, tuple(ops))

    def arguments(self) -> Any:
        return {"path": show(self.path), "ops": [op.spec() for op in self.ops]}

    def describe(self) -> str:
        inner = ", ".join(op.describe() for op in (*self.ops, *self.conform))
        return f"{self.name}(path={show(self.path)}, ops=[{inner}])"

    # -- static check --------------------------------------------------------------------------

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.path)
        if shape is None:
            return
        source = _container(shape)
        if source is None or not _holds_records(source[1]):
            ctx.problem(
                "TYPE_MISMATCH",
                f"for_each needs a list or map of records at '{show(self.path)}', "
                f"not {shape.describe()}",
                self.path,
            )
            return
        kind, element, nullable = source
        wanted = ctx.target_field(self.path)  # None: reported as UNKNOWN_TARGET_PATH
        target_element: Shape | None = None
        mismatch = None
        if wanted is not None:
            target = _container(wanted.shape)
            if target is None or not _holds_records(target[1]):
                mismatch = f"the target's '{show(self.path)}' is {wanted.shape.describe()}"
            elif "any" not in (kind, target[0]) and kind != target[0]:
                mismatch = f"'{show(self.path)}' is a {kind}, the target's a {target[0]}"
            else:
                target_element = target[1]
                kind = kind if kind != "any" else target[0]
            if mismatch is not None:
                ctx.problem(
                    "TYPE_MISMATCH",
                    f"for_each writes a list or map of records back: {mismatch}",
                    self.path,
                )
        nested = CheckContext[Op](
            element if ctx.checking_source else None,
            target_element,
            event_type=ctx.event_type,
            versions=ctx.versions,
        )
        for index, op in enumerate(self.ops):
            nested.op = index
            op.check(nested)
        nested.op = len(self.ops)
        # Drop what the element's target lacks only when that record refuses other fields.
        wanted_record = record_of(target_element) if target_element is not None else None
        conformance = nested.conform(project=wanted_record is not None and not wanted_record.open)
        self._report(ctx, nested.problems, "{}" if kind == "map" else "[]")
        ops = tuple(nested.checked.get(index, op) for index, op in enumerate(self.ops))
        generated = tuple(conformance_ops(conformance))
        ctx.checked[ctx.op] = ForEach(self.path, ops, generated)
        if wanted is None:
            return
        if mismatch is not None or target_element is None:
            ctx.write(self.path, wanted.shape)  # the mismatch is reported once, above
            return
        items = nested.work.to_shape() if target_element.kind == "any" else target_element
        if _nullable(element):  # null elements stay null
            items = Shape("union", branches=(Shape("null"), items))
        out = Shape(kind, items=items) if kind != "any" else ANY
        if nullable and out.kind != "any":
            out = Shape("union", branches=(Shape("null"), out))
        ctx.write(self.path, out)  # null where the target has no null is a TYPE_MISMATCH

    def _report(self, ctx: CheckContext[Op], problems: Sequence[Problem], mark: str) -> None:
        """The nested problems, at full paths (``items[].price``) and the for_each's index."""
        prefix = show(self.path) + mark
        for problem in problems:
            inner = problem.op is not None and problem.op < len(self.ops)
            where = f"for_each '{prefix}' op #{problem.op}" if inner else f"for_each '{prefix}'"
            ctx.problems.append(
                Problem(
                    problem.code,
                    f"{where}: {problem.message}",
                    ctx.event_type,
                    ctx.versions,
                    f"{prefix}.{problem.path}" if problem.path else prefix,
                    ctx.op,
                )
            )

    # -- compile -------------------------------------------------------------------------------

    def compile(self) -> OpFn:
        steps = (*self.ops, *self.conform)
        functions = tuple(op.compile() for op in steps)
        read, place, where = getter(self.path), putter(self.path), show(self.path)

        def failed(error: Exception, at: str, item: Any, ctx: UpcastContext) -> ValueError:
            """The error naming the element and, found by replaying it, the nested op."""
            if isinstance(item, Mapping):  # only on failure, so the loop stays lean
                element = dict(item)
                for op, function in zip(steps, functions, strict=True):
                    try:
                        function(element, ctx)
                    except DATA_ERRORS:
                        return ValueError(f"{where}{at}: {op.describe()}: {error}")
            return ValueError(f"{where}{at}: {error}")

        def element_of(item: Any) -> dict[str, Any]:
            if not isinstance(item, Mapping):
                raise TypeError(f"the element is {type(item).__name__}, not a record")
            return dict(item)

        def for_each(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = read(data)
            if value.__class__ is list:
                charge_steps(len(value) * len(functions))
                out: list[Any] = []
                append = out.append
                item: Any = None
                try:
                    for item in value:
                        if item.__class__ is dict:
                            element = item.copy()
                        elif item is None:
                            append(None)
                            continue
                        else:
                            element = element_of(item)
                        for function in functions:
                            function(element, ctx)
                        append(element)
                except DATA_ERRORS as error:
                    at = next(i for i, each in enumerate(value) if each is item)
                    raise failed(error, f"[{at}]", item, ctx) from error
                place(data, out)
            elif isinstance(value, Mapping):
                charge_steps(len(value) * len(functions))
                values: dict[Any, Any] = {}
                key: Any = None
                try:
                    for key, item in value.items():
                        if item is None:
                            values[key] = None
                            continue
                        element = element_of(item)
                        for function in functions:
                            function(element, ctx)
                        values[key] = element
                except DATA_ERRORS as error:
                    raise failed(error, f"[{key!r}]", value[key], ctx) from error
                place(data, values)
            elif value is not None and value is not MISSING:
                raise TypeError(f"'{where}' is {type(value).__name__}, not a list or a map")

        return for_each


def _nullable(shape: Shape) -> bool:
    return shape.kind == "union" and any(branch.kind == "null" for branch in shape.branches)


def _container(shape: Shape) -> tuple[str, Shape, bool] | None:
    """``(kind, element shape, nullable)`` of a list or map shape (``null | list`` too)."""
    if shape.kind == "any":
        return "any", ANY, True
    nullable = _nullable(shape)
    if shape.kind == "union":
        others = [branch for branch in shape.branches if branch.kind != "null"]
        if len(others) != 1:
            return None
        shape = others[0]
    if shape.kind in ("array", "map"):
        return shape.kind, shape.items or ANY, nullable
    return None


def _holds_records(element: Shape) -> bool:
    return element.kind == "any" or record_of(element) is not None


EACH_OPS: tuple[type[Op], ...] = (ForEach,)
