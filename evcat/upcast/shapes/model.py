"""The ``Shape`` type and the questions the checker asks of it: what is at a path, and can a
value of one shape be written where another is expected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evcat.upcast.paths import Path

NUMBERS = ("int", "long", "float", "double")
# What each numeric kind may be written into without a cast (Avro's promotions; JSON's
# integer is "long" and number is "double").
_WIDER = {
    "int": {"int", "long", "float", "double"},
    "long": {"long", "float", "double"},
    "float": {"float", "double"},
    "double": {"double"},
}
# Expression kinds (evcat.upcast.ops.expr.expression) that fit each shape kind.
_EXPR_FITS = {
    "int": {"int", "long", "float", "double"},
    "float": {"float", "double"},
    "number": {"float", "double"},
    "decimal": {"string", "bytes"},
    "string": {"string", "enum", "bytes"},
    "boolean": {"boolean"},
    "null": {"null"},
    "list": {"array"},
    "map": {"record", "map"},
}


@dataclass(frozen=True, eq=False)
class FieldShape:
    """A record field: its shape, whether a payload must hold it, and its default."""

    shape: Shape
    required: bool = True
    has_default: bool = False
    default: Any = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Shape:
    """One node of a payload shape."""

    kind: str
    fields: Mapping[str, FieldShape] = field(default_factory=dict)
    items: Shape | None = None
    branches: tuple[Shape, ...] = ()
    symbols: tuple[str, ...] = ()
    name: str = ""
    aliases: tuple[str, ...] = ()
    logical: str | None = None
    default: Any = None
    open: bool = True
    """For records: may the payload hold fields the shape does not list (JSON Schema)?"""

    def describe(self) -> str:
        if self.kind == "union":
            return "union[" + ", ".join(branch.describe() for branch in self.branches) + "]"
        if self.kind in ("array", "map") and self.items is not None:
            return f"{self.kind}<{self.items.describe()}>"
        return self.name or self.kind


ANY = Shape("any")


def record(
    fields: Mapping[str, FieldShape],
    *,
    name: str = "",
    aliases: tuple[str, ...] = (),
    open: bool = True,
) -> Shape:
    return Shape("record", fields=dict(fields), name=name, aliases=aliases, open=open)


def record_of(shape: Shape) -> Shape | None:
    """The record a value of ``shape`` is, looking through ``null | record`` unions."""
    if shape.kind == "record":
        return shape
    if shape.kind == "union":
        records = [branch for branch in shape.branches if branch.kind == "record"]
        if len(records) == 1:
            return records[0]
    return None


def field_at(shape: Shape, path: Path) -> FieldShape | None:
    """The field at ``path`` inside a record shape, or None when the path leads nowhere.

    ``any`` shapes (JSON without types) accept every path.
    """
    node: FieldShape | None = None
    current = shape
    for key in path:
        if current.kind == "any":
            return FieldShape(ANY, required=False)
        holder = record_of(current)
        if holder is None:
            return None
        node = holder.fields.get(key)
        if node is None:
            return None
        current = node.shape
    return node


def _non_null(shape: Shape) -> list[Shape]:
    if shape.kind == "union":
        return [branch for branch in shape.branches if branch.kind != "null"]
    return [shape] if shape.kind != "null" else []


def assignable(value: Shape, target: Shape) -> str | None:
    """Why a value of shape ``value`` cannot be written where ``target`` is expected, or None."""
    if value.kind == "any" or target.kind == "any":
        return None
    if value.kind == "union":
        for branch in value.branches:
            reason = assignable(branch, target)
            if reason is not None:
                return f"the {branch.describe()} branch: {reason}"
        return None
    if target.kind == "union":
        if any(assignable(value, branch) is None for branch in target.branches):
            return None
        return f"{value.describe()} fits no branch of {target.describe()}"
    if value.kind in _WIDER and target.kind in NUMBERS:
        if target.kind in _WIDER[value.kind]:
            return None
        return f"{value.kind} does not fit {target.kind} without a cast (use the cast op)"
    if value.kind != target.kind:
        return f"{value.describe()} does not fit {target.describe()}"
    if value.kind == "enum":
        missing = [s for s in value.symbols if s not in target.symbols]
        if missing and target.default is None:
            return f"enum symbols {missing} are not in {target.describe()} (use map_enum)"
        return None
    if value.kind in ("array", "map") and value.items is not None and target.items is not None:
        return assignable(value.items, target.items)
    if value.kind == "record":
        return _record_assignable(value, target)
    return None


def _record_assignable(value: Shape, target: Shape) -> str | None:
    for name, wanted in target.fields.items():
        have = value.fields.get(name)
        if have is None:
            if wanted.required and not wanted.has_default:
                return f"{target.describe()} needs field '{name}'"
            continue
        reason = assignable(have.shape, wanted.shape)
        if reason is not None:
            return f"field '{name}': {reason}"
    return None


def expression_fits(kind: str, target: Shape) -> str | None:
    """Why an expression result of ``kind`` cannot go where ``target`` is expected, or None."""
    if kind == "any" or target.kind == "any":
        return None
    candidates = _non_null(target) if kind != "null" else [target]
    if kind == "null":
        return (
            None
            if target.kind == "null" or any(b.kind == "null" for b in target.branches)
            else f"null does not fit {target.describe()}"
        )
    allowed = _EXPR_FITS.get(kind, set())
    if any(candidate.kind in allowed for candidate in candidates):
        return None
    return f"the expression gives {kind}, which does not fit {target.describe()}"


def value_shape(value: Any) -> Shape:
    """The shape of a constant from an upcaster document (``set``, ``set_default``...)."""
    if value is None:
        return Shape("null")
    if isinstance(value, bool):
        return Shape("boolean")
    if isinstance(value, int):
        return Shape("int" if -(2**31) <= value < 2**31 else "long")
    if isinstance(value, float):
        return Shape("double")
    if isinstance(value, str):
        return Shape("string")
    if isinstance(value, list):
        return Shape("array", items=ANY)
    if isinstance(value, dict):
        return record({k: FieldShape(value_shape(v)) for k, v in value.items()})
    return ANY


def constant_fits(value: Any, target: Shape) -> str | None:
    """Why the constant ``value`` cannot be written where ``target`` is expected, or None."""
    if target.kind == "enum":
        if value in target.symbols:
            return None
        return f"'{value}' is not a symbol of {target.describe()}"
    if target.kind == "union":
        if any(constant_fits(value, branch) is None for branch in target.branches):
            return None
        return f"{value!r} fits no branch of {target.describe()}"
    if target.kind == "string" and isinstance(value, str):
        return None
    return assignable(value_shape(value), target)
