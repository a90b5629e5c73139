"""Operations that move fields around without changing their values.

``rename``/``move`` (take a field, put it elsewhere), ``copy``, ``drop``, ``select`` (keep only
the listed fields), ``nest``/``unnest`` (push fields into a sub-record, or lift them out) and
``wrap_list``/``unwrap_list``. A field missing from a payload is skipped, not an error: the
static check has already proven which fields the schema guarantees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evcat.upcast.ops.base import Op, OpArgumentError, OpFn, mapping, path_arg, paths_arg, shown
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.static import CheckContext, Work
from evcat.upcast.paths import MISSING, Path, get, popper, put, putter, show
from evcat.upcast.shapes.model import Shape, record_of


@dataclass(frozen=True)
class Rename(Op):
    """Take the field at ``source`` and put it at ``target`` (any depth)."""

    source: Path
    target: Path
    name = "rename"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("from", "to"))
        source = path_arg(args["from"], f"{cls.name}.from")
        target = path_arg(args["to"], f"{cls.name}.to")
        if source == target:
            raise OpArgumentError(f"{cls.name} from and to are the same path")
        return cls(source, target)

    def arguments(self) -> Any:
        return {"from": show(self.source), "to": show(self.target)}

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.remove(self.source)
        if shape is not None:
            ctx.write(self.target, shape)

    def compile(self) -> OpFn:
        take, place = popper(self.source), putter(self.target)

        def rename(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = take(data)
            if value is not MISSING:
                place(data, value)

        return rename


@dataclass(frozen=True)
class Move(Rename):
    """The same as ``rename``; reads better when the field changes record."""

    name = "move"


@dataclass(frozen=True)
class Copy(Rename):
    """Put a copy of the field at ``source`` at ``target`` too."""

    name = "copy"

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.source)
        if shape is not None:
            ctx.write(self.target, shape)

    def compile(self) -> OpFn:
        source, place = self.source, putter(self.target)

        def copy(data: dict[str, Any], ctx: UpcastContext) -> None:
            # Values are shared, never mutated in place: later writes copy their containers.
            value = get(data, source)
            if value is not MISSING:
                place(data, value)

        return copy


@dataclass(frozen=True)
class Drop(Op):
    """Remove the listed fields."""

    paths: tuple[Path, ...]
    name = "drop"

    @classmethod
    def parse(cls, args: Any) -> Op:
        if isinstance(args, Mapping):
            args = mapping(args, cls.name, ("paths",))["paths"]
        return cls(paths_arg(args, cls.name))

    def arguments(self) -> Any:
        return shown(self.paths)

    def check(self, ctx: CheckContext[Op]) -> None:
        for path in self.paths:
            ctx.remove(path)

    def compile(self) -> OpFn:
        takes = [popper(path) for path in self.paths]
        if len(takes) == 1:
            only = takes[0]

            def drop_one(data: dict[str, Any], ctx: UpcastContext) -> None:
                only(data)

            return drop_one

        def drop(data: dict[str, Any], ctx: UpcastContext) -> None:
            for take in takes:
                take(data)

        return drop


@dataclass(frozen=True)
class Select(Drop):
    """Keep only the listed fields (a nested path keeps just that field of its record)."""

    name = "select"

    def check(self, ctx: CheckContext[Op]) -> None:
        kept = [(path, ctx.read(path)) for path in self.paths]
        ctx.work = Work()
        for path, shape in kept:
            if shape is not None:
                ctx.write(path, shape)

    def compile(self) -> OpFn:
        paths = self.paths
        if all(len(path) == 1 for path in paths):
            keys = tuple(path[0] for path in paths)

            def select_keys(data: dict[str, Any], ctx: UpcastContext) -> None:
                kept = {key: data[key] for key in keys if key in data}
                data.clear()
                data.update(kept)

            return select_keys

        def select(data: dict[str, Any], ctx: UpcastContext) -> None:
            kept = [(path, get(data, path)) for path in paths]
            data.clear()
            for path, value in kept:
                if value is not MISSING:
                    put(data, path, value)

        return select


@dataclass(frozen=True)
class Nest(Op):
    """Move the listed fields into the record at ``into`` (created when absent)."""

    fields: tuple[Path, ...]
    into: Path
    name = "nest"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("fields", "into"))
        return cls(paths_arg(args["fields"], "nest.fields"), path_arg(args["into"], "nest.into"))

    def arguments(self) -> Any:
        return {"fields": shown(self.fields), "into": show(self.into)}

    def check(self, ctx: CheckContext[Op]) -> None:
        for path in self.fields:
            shape = ctx.remove(path)
            if shape is not None:
                ctx.write((*self.into, path[-1]), shape)

    def compile(self) -> OpFn:
        moves = [(popper(path), putter((*self.into, path[-1]))) for path in self.fields]

        def nest(data: dict[str, Any], ctx: UpcastContext) -> None:
            for take, place in moves:
                value = take(data)
                if value is not MISSING:
                    place(data, value)

        return nest


@dataclass(frozen=True)
class Unnest(Op):
    """Lift the fields of the record at ``source`` into its parent record.

    With ``fields`` only those are lifted and the rest stay; without, the record goes away.
    """

    source: Path
    fields: tuple[str, ...] | None
    name = "unnest"

    @classmethod
    def parse(cls, args: Any) -> Op:
        args = mapping(args, cls.name, ("from",), ("fields",))
        fields = args.get("fields")
        if fields is not None and (
            not isinstance(fields, list) or not all(isinstance(f, str) and f for f in fields)
        ):
            raise OpArgumentError("unnest.fields takes a list of field names")
        return cls(path_arg(args["from"], "unnest.from"), tuple(fields) if fields else None)

    def arguments(self) -> Any:
        out: dict[str, Any] = {"from": show(self.source)}
        if self.fields is not None:
            out["fields"] = list(self.fields)
        return out

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.source)
        if shape is None:
            return
        holder = record_of(shape)
        if holder is None:
            if shape.kind != "any":
                ctx.problem("TYPE_MISMATCH", f"'{show(self.source)}' is not a record", self.source)
            return
        names = self.fields if self.fields is not None else tuple(holder.fields)
        for name in names:
            inner = (*self.source, name)
            moved = ctx.remove(inner)
            if moved is not None:
                ctx.write((*self.source[:-1], name), moved)
        if self.fields is None:
            ctx.remove(self.source)

    def compile(self) -> OpFn:
        take, parent, names = popper(self.source), self.source[:-1], self.fields

        def unnest(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = take(data)
            if not isinstance(value, Mapping):
                if value is not MISSING and value is not None:
                    put(data, self.source, value)
                return
            rest = dict(value)
            for name in names if names is not None else list(value):
                if name in rest:
                    put(data, (*parent, name), rest.pop(name))
            if names is not None:
                put(data, self.source, rest)

        return unnest


@dataclass(frozen=True)
class WrapList(Op):
    """Turn a single value into a one-item list (``null`` into an empty list)."""

    path: Path
    name = "wrap_list"

    @classmethod
    def parse(cls, args: Any) -> Op:
        if isinstance(args, Mapping):
            args = mapping(args, cls.name, ("path",))["path"]
        return cls(path_arg(args, cls.name))

    def arguments(self) -> Any:
        return {"path": show(self.path)}

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.path)
        if shape is not None:
            if shape.kind == "union":
                branches = [b for b in shape.branches if b.kind != "null"]
                shape = branches[0] if len(branches) == 1 else shape
            ctx.write(self.path, Shape("array", items=shape))

    def compile(self) -> OpFn:
        path = self.path

        def wrap_list(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = get(data, path)
            if value is not MISSING:
                put(data, path, [] if value is None else [value])

        return wrap_list


@dataclass(frozen=True)
class UnwrapList(WrapList):
    """Turn a list into its first item (an empty list into ``null``)."""

    name = "unwrap_list"

    def check(self, ctx: CheckContext[Op]) -> None:
        shape = ctx.read(self.path)
        if shape is not None:
            items = shape.items if shape.kind == "array" and shape.items else shape
            ctx.write(self.path, Shape("union", branches=(Shape("null"), items)))

    def compile(self) -> OpFn:
        path = self.path

        def unwrap_list(data: dict[str, Any], ctx: UpcastContext) -> None:
            value = get(data, path)
            if isinstance(value, list):
                put(data, path, value[0] if value else None)

        return unwrap_list


FIELD_OPS: tuple[type[Op], ...] = (
    Rename,
    Move,
    Copy,
    Drop,
    Select,
    Nest,
    Unnest,
    WrapList,
    UnwrapList,
)
