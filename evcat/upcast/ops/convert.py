"""Operations that change a value's representation: split and combine strings, named
conversions (units, times, text to number) and casts with range checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from evcat.upcast.ops.base import Op, OpArgumentError, OpFn, mapping, path_arg, paths_arg, shown
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.converters import CONVERTERS
from evcat.upcast.ops.static import CheckContext
from evcat.upcast.paths import MISSING, Path, getter, popper, putter, show
from evcat.upcast.shapes.model import Shape

_CAST_RANGES = {"int": 2**31, "long": 2**63}
_FLOAT32_MAX = 3.4028234663852886e38


@dataclass(frozen=True)
class Split(Op):
    """Split a string into several fields; missing parts get ``missing``."""

    source: Path
    into: tuple[Path, ...]
    separator: str | None
    missing: Any
    keep: bool
    name = "split"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("from", "into"), ("separator", "missing", "keep"))
        into = paths_arg(args["into"], "split.into")
        separator = args.get("separator", " ")
        if separator is not None and (not isinstance(separator, str) or not separator):
            raise OpArgumentError("split.separator must be a non-empty string or null")
        return cls(
            path_arg(args["from"], "split.from"),
            into,
            separator,
            args.get("missing", ""),
            bool(args.get("keep", False)),
        )

    def arguments(self) -> Any:
        return {
            "from": show(self.source),
            "into": shown(self.into),
            "separator": self.separator,
            "missing": self.missing,
            "keep": self.keep,
        }

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.source) if self.keep else ctx.remove(self.source)
        if (
            shape is not None
            and shape.kind not in ("string", "any")
            and not (
                shape.kind == "union" and {b.kind for b in shape.branches} <= {"string", "null"}
            )
        ):
            ctx.problem(
                "TYPE_MISMATCH",
                f"split reads '{show(self.source)}', which is {shape.describe()}, not a string",
                self.source,
            )
        for path in self.into:
            ctx.write(
                path,
                Shape("string")
                if self.missing is not None
                else Shape("union", branches=(Shape("null"), Shape("string"))),
            )

    def compile(self) -> OpFn:
        read = getter(self.source) if self.keep else popper(self.source)
        places = [putter(path) for path in self.into]
        separator, missing, limit = self.separator, self.missing, len(self.into) - 1

        def split(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = read(data)
            if value is MISSING:
                return
            parts = [] if value is None else value.split(separator, limit)
            for index, place in enumerate(places):
                place(data, parts[index] if index < len(parts) else missing)

        return split


@dataclass(frozen=True)
class Combine(Op):
    """Join several fields into one string, skipping nulls."""

    sources: tuple[Path, ...]
    target: Path
    separator: str
    keep: bool
    name = "combine"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("from", "to"), ("separator", "keep"))
        separator = args.get("separator", " ")
        if not isinstance(separator, str):
            raise OpArgumentError("combine.separator must be a string")
        return cls(
            paths_arg(args["from"], "combine.from"),
            path_arg(args["to"], "combine.to"),
            separator,
            bool(args.get("keep", False)),
        )

    def arguments(self) -> Any:
        return {
            "from": shown(self.sources),
            "to": show(self.target),
            "separator": self.separator,
            "keep": self.keep,
        }

    def check(self, ctx: CheckContext[Op]) -> None:
        for path in self.sources:
            if self.keep:
                ctx.read(path)
            else:
                ctx.remove(path)
        ctx.write(self.target, Shape("string"))

    def compile(self) -> OpFn:
        reads = [getter(p) if self.keep else popper(p) for p in self.sources]
        place, separator = putter(self.target), self.separator

        def combine(data: dict[str, Any], ctx: UpcastContext) -> None:
            values = [read(data) for read in reads]
            place(
                data, separator.join(str(v) for v in values if v is not None and v is not MISSING)
            )

        return combine


@dataclass(frozen=True)
class Convert(Op):
    """Apply a named converter to the value at ``path`` (writing to ``to`` if given)."""

    path: Path
    using: str
    target: Path | None
    name = "convert"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("path", "using"), ("to",))
        if args["using"] not in CONVERTERS:
            raise OpArgumentError(
                f"unknown converter '{args['using']}'; use one of {', '.join(sorted(CONVERTERS))}",
                "UNKNOWN_CONVERTER",
            )
        target = path_arg(args["to"], "convert.to") if args.get("to") is not None else None
        return cls(path_arg(args["path"], "convert.path"), args["using"], target)

    def arguments(self) -> Any:
        out = {"path": show(self.path), "using": self.using}
        return out | ({"to": show(self.target)} if self.target else {})

    def check(self, ctx: CheckContext[Op]) -> None:
        converter = CONVERTERS[self.using]
        shape = ctx.remove(self.path) if self.target else ctx.read(self.path)
        if shape is None:
            return
        kinds = (
            {b.kind for b in shape.branches if b.kind != "null"}
            if shape.kind == "union"
            else {shape.kind}
        )
        if "any" not in converter.accepts and "any" not in kinds and not kinds <= converter.accepts:
            ctx.problem(
                "TYPE_MISMATCH",
                f"converter {self.using} takes "
                f"{'/'.join(sorted(converter.accepts))}, not {shape.describe()}",
                self.path,
            )
        ctx.write(self.target or self.path, Shape(converter.produces))

    def compile(self) -> OpFn:
        function = CONVERTERS[self.using].fn
        read = popper(self.path) if self.target else getter(self.path)
        place = putter(self.target or self.path)

        def convert(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = read(data)
            if value is not MISSING:
                place(data, None if value is None else function(value))

        return convert


def _cast(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in _CAST_RANGES:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
        if number is None or isinstance(value, bool):
            raise ValueError(f"{value!r} is not a whole number")
        bound = _CAST_RANGES[kind]
        if not -bound <= number < bound:
            raise ValueError(f"{value!r} does not fit in an Avro {kind}")
        return number
    if kind in ("float", "double"):
        result = float(value)
        if not math.isfinite(result) or (kind == "float" and abs(result) > _FLOAT32_MAX):
            raise ValueError(f"{value!r} does not fit in a {kind}")
        return result
    if kind == "boolean":
        if value in (True, False, 0, 1):
            return bool(value)
        raise ValueError(f"{value!r} is not a boolean")
    return str(value)


@dataclass(frozen=True)
class Cast(Op):
    """Change a value's type: ``int``/``long`` (range-checked), ``float``/``double``, text."""

    path: Path
    kind: str
    name = "cast"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("path", "to"))
        if args["to"] not in ("int", "long", "float", "double", "string", "boolean"):
            raise OpArgumentError("cast.to is one of int, long, float, double, string, boolean")
        return cls(path_arg(args["path"], "cast.path"), args["to"])

    def arguments(self) -> Any:
        return {"path": show(self.path), "to": self.kind}

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.path)
        if shape is not None:
            nullable = shape.kind == "union" and any(b.kind == "null" for b in shape.branches)
            out = Shape(self.kind)
            ctx.write(self.path, Shape("union", branches=(Shape("null"), out)) if nullable else out)

    def compile(self) -> OpFn:
        read, place, kind = getter(self.path), putter(self.path), self.kind

        def cast(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = read(data)
            if value is not MISSING:
                place(data, _cast(value, kind))

        return cast


CONVERT_OPS: tuple[type[Op], ...] = (Split, Combine, Convert, Cast)
