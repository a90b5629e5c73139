"""Protobuf options as ``.proto`` text: ``(name, value)`` pairs for the printer.

Custom options are decoded with the extensions the file and its imports declare and printed by
name. Option bytes that no visible extension declares cannot be written in ``.proto`` syntax,
so they are dropped, as are unknown fields inside a standard option message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from google.protobuf import (
    descriptor_pb2,
    descriptor_pool,
    message_factory,
    text_encoding,
    text_format,
    unknown_fields,
)

from evcat.formats.protobuf.names import shorten


def _declares_extensions(file: Any) -> bool:
    def inside(message: Any) -> bool:
        return bool(message.extension) or any(inside(m) for m in message.nested_type)

    return bool(file.extension) or any(inside(m) for m in file.message_type)


@lru_cache(maxsize=32)
def _options_pool(files: tuple[bytes, ...]) -> Any:
    """A pool of the files declaring extensions; shared, as most schemas use the same ones."""
    pool = descriptor_pool.DescriptorPool()
    for raw in files:
        pool.Add(descriptor_pb2.FileDescriptorProto.FromString(raw))
    return pool


class OptionReader:
    """Reads options messages, custom options included, as ``(name, value text)`` pairs."""

    def __init__(self, files: Sequence[Any]) -> None:
        """``files``: every file the schema can see, each after the files it imports."""
        self._files = files
        self._package: str = files[-1].package if files else ""
        self._pool: Any = None

    def _decoded(self, options: Any) -> Any:
        if self._pool is None:
            wanted: set[str] = set()
            by_name = {file.name: file for file in self._files}
            pending = [file.name for file in self._files if _declares_extensions(file)]
            while pending:
                name = pending.pop()
                if name in by_name and name not in wanted:
                    wanted.add(name)
                    pending += by_name[name].dependency
            needed = (f.SerializeToString(deterministic=True) for f in self._files)
            self._pool = _options_pool(
                tuple(raw for f, raw in zip(self._files, needed, strict=True) if f.name in wanted)
            )
        try:
            descriptor = self._pool.FindMessageTypeByName(options.DESCRIPTOR.full_name)
        except KeyError:  # no extension declared anywhere: nothing more can be named
            return options
        return message_factory.GetMessageClass(descriptor).FromString(options.SerializeToString())

    def items(self, owner: Any, scope: str, symbols: Mapping[str, str]) -> list[tuple[str, str]]:
        """The options set on ``owner.options``; custom names are resolved from ``scope``."""
        if not owner.HasField("options"):
            return []
        options = owner.options
        fields = options.ListFields()
        if any(f.is_extension for f, _ in fields) or len(unknown_fields.UnknownFieldSet(options)):
            fields = self._decoded(options).ListFields()
        pairs: list[tuple[str, str]] = []
        for field, value in fields:
            name = field.name
            if field.is_extension:
                short = shorten(field.full_name, scope, symbols, self._package, want_type=False)
                name = f"({short})"
            elif _is_flat(field, value):
                # "features.field_presence = EXPLICIT" reads better than "features = {...}"
                pairs += [(f"{name}.{f.name}", _value(f, v)) for f, v in value.ListFields()]
                continue
            pairs += [(name, _value(field, v)) for v in (value if _repeated(field) else [value])]
        return pairs


def _repeated(field: Any) -> bool:
    # protobuf 6 replaced FieldDescriptor.label by is_repeated; older runtimes have only label.
    return bool(getattr(field, "is_repeated", getattr(field, "label", 0) == 3))


def _is_flat(field: Any, value: Any) -> bool:
    """A singular message option whose set fields are all singular scalars."""
    if _repeated(field) or field.type != field.TYPE_MESSAGE:
        return False
    inner = value.ListFields()
    plain = all(not _repeated(f) and f.type != f.TYPE_MESSAGE for f, _ in inner)
    return bool(inner) and plain and not len(unknown_fields.UnknownFieldSet(value))


def _value(field: Any, value: Any) -> str:
    if field.type in (field.TYPE_MESSAGE, field.TYPE_GROUP):
        body = text_format.MessageToString(value, as_one_line=True, as_utf8=True)
        return f"{{ {body} }}" if body else "{}"
    if field.type == field.TYPE_ENUM:
        symbol = field.enum_type.values_by_number.get(value)
        return symbol.name if symbol is not None else str(value)
    if field.type == field.TYPE_BOOL:
        return "true" if value else "false"
    if field.type in (field.TYPE_STRING, field.TYPE_BYTES):
        return f'"{text_encoding.CEscape(value, field.type == field.TYPE_STRING)}"'
    return repr(value) if isinstance(value, float) else str(value)
