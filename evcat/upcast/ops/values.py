"""Operations that produce values: constants, defaults, expressions, enums, envelope facts.

``set_default`` (only when missing), ``set`` (always), ``coalesce`` (replace null),
``derive`` (an expression), ``map_enum``, ``from_metadata`` (envelope attributes) and
``drop_event`` (filter the event out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evcat.upcast.ops.base import (
    EventDropped,
    Op,
    OpArgumentError,
    OpFn,
    mapping,
    path_arg,
)
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.converters import CONVERTERS
from evcat.upcast.ops.expr.expression import Expression, compile_expression
from evcat.upcast.ops.expr.parse import ExprError
from evcat.upcast.ops.static import CheckContext
from evcat.upcast.paths import MISSING, Path, getter, putter, show
from evcat.upcast.shapes.model import Shape


def _expression(text: Any, what: str) -> Expression:
    try:
        return compile_expression(text)
    except ExprError as error:
        raise OpArgumentError(f"{what}: {error.message}", error.code) from None


def check_expression(ctx: CheckContext[Op], expression: Expression, path: Path = ()) -> str | None:
    """Compile again against the payload's shape; reports problems, returns the result kind."""
    try:
        return compile_expression(expression.text, ctx.kind_at).kind
    except ExprError as error:
        ctx.problem(error.code, f"expression '{expression.text}': {error.message}", path)
        return None


@dataclass(frozen=True)
class SetDefault(Op):
    """Write ``value`` at ``path`` when the payload has nothing there."""

    path: Path
    value: Any
    name = "set_default"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("path", "value"))
        return cls(path_arg(args["path"], f"{cls.name}.path"), args["value"])

    def arguments(self) -> Any:
        return {"path": show(self.path), "value": self.value}

    def check(self, ctx: CheckContext[Op]) -> None:
        ctx.write_constant(self.path, self.value)

    def compile(self) -> OpFn:
        read, place, value = getter(self.path), putter(self.path), self.value

        def set_default(data: dict[str, Any], ctx: UpcastContext) -> None:
            if read(data) is MISSING:
                place(data, value)

        return set_default


@dataclass(frozen=True)
class Set(SetDefault):
    """Write ``value`` at ``path``, replacing what is there."""

    name = "set"

    def compile(self) -> OpFn:
        place, value = putter(self.path), self.value

        def set_value(data: dict[str, Any], ctx: UpcastContext) -> None:
            place(data, value)

        return set_value


@dataclass(frozen=True)
class Coalesce(SetDefault):
    """Replace a null or missing value at ``path`` with ``value``."""

    name = "coalesce"

    def check(self, ctx: CheckContext[Op]) -> None:
        if ctx.read(self.path) is not None:
            ctx.write_constant(self.path, self.value)

    def compile(self) -> OpFn:
        read, place, value = getter(self.path), putter(self.path), self.value

        def coalesce(data: dict[str, Any], ctx: UpcastContext) -> None:
            current = read(data)
            if current is None or current is MISSING:
                place(data, value)

        return coalesce


@dataclass(frozen=True)
class Derive(Op):
    """Write the value of an expression over the payload at ``path``."""

    path: Path
    expression: Expression
    name = "derive"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("path", "expr"))
        return cls(path_arg(args["path"], "derive.path"), _expression(args["expr"], "derive"))

    def arguments(self) -> Any:
        return {"path": show(self.path), "expr": self.expression.text}

    def check(self, ctx: CheckContext[Op]) -> None:
        kind = check_expression(ctx, self.expression, self.path)
        # A broken expression is reported once; the field still counts as written.
        ctx.write_kind(self.path, kind or "any")

    def compile(self) -> OpFn:
        run, place = self.expression.run, putter(self.path)

        def derive(data: dict[str, Any], ctx: UpcastContext) -> None:
            place(data, run(data))

        return derive


@dataclass(frozen=True)
class MapEnum(Op):
    """Rename enum symbols; unmapped symbols become ``default`` when one is given."""

    path: Path
    table: Mapping[str, str]
    default: str | None
    name = "map_enum"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("path", "mapping"), ("default",))
        table = args["mapping"]
        if not isinstance(table, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            raise OpArgumentError("map_enum.mapping maps symbol names to symbol names")
        return cls(path_arg(args["path"], "map_enum.path"), dict(table), args.get("default"))

    def arguments(self) -> Any:
        out = {"path": show(self.path), "mapping": dict(sorted(self.table.items()))}
        return out | ({"default": self.default} if self.default is not None else {})

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.path)
        if shape is None:
            return
        enum = (
            shape
            if shape.kind == "enum"
            else next((b for b in shape.branches if b.kind == "enum"), None)
        )
        if enum is None:
            ctx.write(self.path, Shape("string"))
            return
        produced = [self.table.get(s, self.default or s) for s in enum.symbols]
        out = Shape("enum", symbols=tuple(dict.fromkeys(produced)), name=enum.name)
        target = ctx.target_field(self.path) if ctx.target is not None else None
        if target is not None and target.shape.kind == "string":
            out = Shape("string")
        ctx.write(self.path, out)

    def compile(self) -> OpFn:
        read, place, table, default = getter(self.path), putter(self.path), self.table, self.default

        def map_enum(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = read(data)
            if value is not MISSING and value is not None:
                place(data, table.get(value, value if default is None else default))

        return map_enum


@dataclass(frozen=True)
class FromMetadata(Op):
    """Write an envelope attribute (``time``, ``id``, ``source``... or a metadata key)."""

    path: Path
    source: str
    using: str | None
    default: Any
    name = "from_metadata"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("path", "source"), ("using", "default"))
        using = args.get("using")
        if using is not None and using not in CONVERTERS:
            raise OpArgumentError(f"unknown converter '{using}'", "UNKNOWN_CONVERTER")
        if not isinstance(args["source"], str) or not args["source"]:
            raise OpArgumentError("from_metadata.source names an envelope attribute")
        return cls(
            path_arg(args["path"], "from_metadata.path"), args["source"], using, args.get("default")
        )

    def arguments(self) -> Any:
        out: dict[str, Any] = {"path": show(self.path), "source": self.source}
        if self.using:
            out["using"] = self.using
        return out | ({"default": self.default} if self.default is not None else {})

    def check(self, ctx: CheckContext[Op]) -> None:
        produced = CONVERTERS[self.using].produces if self.using else "any"
        ctx.write(self.path, Shape(produced))

    def compile(self) -> OpFn:
        place, source, default = putter(self.path), self.source, self.default
        function = CONVERTERS[self.using].fn if self.using else None

        def from_metadata(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = ctx.attribute(source)
            if value is None:
                value = default
            elif function is not None:
                value = function(value)
            if value is not None:
                place(data, value)

        return from_metadata


@dataclass(frozen=True)
class DropEvent(Op):
    """Filter the event out of the stream (when ``when`` holds, or always)."""

    when: Expression | None
    name = "drop_event"

    @classmethod
    def parse(cls, args: Any) -> Op:
        if args is None or args is True:
            return cls(None)
        args = mapping(args, cls.name, (), ("when",))
        when = args.get("when")
        return cls(_expression(when, "drop_event.when") if when is not None else None)

    def arguments(self) -> Any:
        return {"when": self.when.text} if self.when else {}

    def check(self, ctx: CheckContext[Op]) -> None:
        if self.when is not None:
            check_expression(ctx, self.when)

    def compile(self) -> OpFn:
        when = self.when.run if self.when else None

        def drop_event(data: dict[str, Any], ctx: UpcastContext) -> None:
            if when is None or when(data):
                raise EventDropped

        return drop_event


VALUE_OPS: tuple[type[Op], ...] = (
    SetDefault,
    Set,
    Coalesce,
    Derive,
    MapEnum,
    FromMetadata,
    DropEvent,
)
