"""Tags a schema carries for its fields: inline annotations and ``metadata.tags`` patterns.

Inline tags are Avro and JSON Schema ``confluent:tags`` (read by ``catalog.fields``) and
Protobuf ``(confluent.field_meta).tags`` options, read here from the raw option bytes: the
descriptor pool does not know Confluent's extension as a Python class, but it keeps unknown
option fields, so a small wire-format reader recovers them without generated code.

``metadata.tags`` maps path patterns to tags when a schema is registered (Confluent data
contracts): ``**`` matches any number of path segments (so ``**.ssn`` is ``ssn`` at every
depth) and ``*`` exactly one. A pattern may also start with the record's full name, the form
Confluent's own examples use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from evcat.catalog.fields import MAX_DEPTH
from evcat.formats import PROTOBUF, ParsedSchema

_FIELD_META = 1088  # the field number of confluent.field_meta on FieldOptions
_META_TAGS = 3  # repeated string tags in confluent.Meta
_MESSAGE = 11


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(data):
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
    raise ValueError("truncated varint")


def _fields(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Length-delimited fields of a serialized message as ``(number, bytes)``; others skipped."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, at = _varint(data, at)
        elif wire == 1:
            at += 8
        elif wire == 5:
            at += 4
        elif wire == 2:
            size, at = _varint(data, at)
            yield number, data[at : at + size]
            at += size
        else:
            return


def protobuf_option_tags(options: bytes) -> tuple[str, ...]:
    """The ``(confluent.field_meta).tags`` in serialized FieldOptions."""
    tags: list[str] = []
    try:
        for number, meta in _fields(options):
            if number == _FIELD_META:
                tags += [v.decode() for n, v in _fields(meta) if n == _META_TAGS]
    except (ValueError, UnicodeDecodeError):
        return ()
    return tuple(tags)


def protobuf_tags(parsed: ParsedSchema) -> dict[str, tuple[str, ...]]:
    """Inline tags of every tagged field path of a Protobuf schema's first message."""
    model = parsed.model
    if parsed.schema_type != PROTOBUF or not model.file.message_type:
        return {}
    package = f"{model.file.package}." if model.file.package else ""
    found: dict[str, tuple[str, ...]] = {}
    _walk_protobuf(
        model.message_descriptor(package + model.file.message_type[0].name), "", found, ()
    )
    return found


def _walk_protobuf(
    message: Any, prefix: str, found: dict[str, tuple[str, ...]], seen: tuple[str, ...]
) -> None:
    if len(seen) > MAX_DEPTH or message.full_name in seen:
        return
    for field in message.fields:
        path = f"{prefix}.{field.name}" if prefix else field.name
        tags = protobuf_option_tags(field.GetOptions().SerializeToString())
        if tags:
            found[path] = tags
        target = field.message_type if field.type == _MESSAGE else None
        if target is not None and target.GetOptions().map_entry:
            value = target.fields_by_name["value"]
            target = value.message_type if value.type == _MESSAGE else None
        if target is not None and not target.full_name.startswith("google.protobuf."):
            _walk_protobuf(target, path, found, (*seen, message.full_name))


def matches(pattern: str, path: str, record: str = "") -> bool:
    """Does a ``metadata.tags`` pattern select ``path`` (optionally prefixed by ``record``)?"""
    regex = _compiled(pattern)
    if regex.fullmatch(path):
        return True
    return bool(record) and regex.fullmatch(f"{record}.{path}") is not None


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    # ``**.`` may match nothing, so ``**.ssn`` also selects a top-level ``ssn``.
    text = ""
    segments = pattern.split(".")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            text += ".*" if last else r"(?:[^.]+\.)*"
            continue
        piece = re.escape(segment).replace(r"\*", "[^.]*") if segment != "*" else "[^.]+"
        text += piece if last else piece + r"\."
    return re.compile(text)


def metadata_tags(metadata: dict[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """The ``metadata.tags`` of a stored schema: pattern -> tags."""
    raw = (metadata or {}).get("tags")
    if not isinstance(raw, dict):
        return {}
    return {
        str(pattern): tuple(str(tag) for tag in tags)
        for pattern, tags in raw.items()
        if isinstance(tags, list)
    }
