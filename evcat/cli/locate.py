"""The line of a schema file that a finding is about, so CI annotations land on the field.

Paths come from the compatibility engine in each format's notation: Avro and JSON Schema
paths are JSON pointers (``/fields/1/type``, ``#/properties/a``), Protobuf paths name messages
and tags (``#/Order/3``). Avro paths index into the *reader* schema, which for a FORWARD
finding is the old one, so they are translated through field names into the new file. Any path
that cannot be followed all the way points at the deepest place that could; line 1 otherwise.
"""

from __future__ import annotations

import json
import re
from typing import Any

from evcat.cli.jsonlines import Pointer, load_with_lines
from evcat.cli.protolines import scan

_LINE_COLUMN = re.compile(r"\bline (\d+)(?:, column \d+)?")
_POINTER_IN_MESSAGE = re.compile(r"'(#/[^']*)'")


def _pointer(path: str) -> list[str]:
    parts = path.removeprefix("#").strip("/")
    if not parts:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in parts.split("/")]


def _step(node: Any, part: str) -> str | int | None:
    """The key or index ``part`` names in ``node``; a name under a list finds the equal item."""
    if isinstance(node, dict) and part in node:
        return part
    if isinstance(node, list):
        if part.isdigit() and int(part) < len(node):
            return int(part)
        if part in node:
            return node.index(part)
    return None


def _deepest(document: Any, lines: dict[Pointer, int], parts: list[str]) -> int:
    """Follow ``parts`` through the document as far as they go; the line of the last one."""
    node: Any = document
    at: Pointer = ()
    best = lines.get((), 1)
    for part in parts:
        step = _step(node, part)
        if step is None:
            break
        at = (*at, step)
        node = node[step]
        best = lines.get(at, best)
    return best


def _field_names(document: Any, parts: list[str]) -> list[str | tuple[str, str]]:
    """The Avro path with each ``fields/<i>`` replaced by the field's name, as far as it goes."""
    named: list[str | tuple[str, str]] = []
    node = document
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else None
        if part == "fields" and following is not None and isinstance(node, dict):
            fields = node.get("fields")
            if not (isinstance(fields, list) and following.isdigit()):
                break
            position = int(following)
            if position >= len(fields) or not isinstance(fields[position], dict):
                break
            node = fields[position]
            named.append(("field", str(node.get("name", ""))))
            index += 2
            continue
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
        named.append(part)
        index += 1
    return named


def _avro_line(text: str, path: str, reader_text: str | None) -> int:
    document, lines = load_with_lines(text)
    parts = _pointer(path)
    if reader_text is None:
        return _deepest(document, lines, parts)
    try:
        reader = json.loads(reader_text)
    except ValueError:
        return lines.get((), 1)
    node: Any = document
    at: Pointer = ()
    best = lines.get((), 1)
    for step in _field_names(reader, parts):
        if isinstance(step, tuple):
            fields = node.get("fields") if isinstance(node, dict) else None
            names = [f.get("name") if isinstance(f, dict) else None for f in fields or []]
            if step[1] not in names:
                # Gone from the new schema: the record's list of fields is the closest place.
                best = lines.get((*at, "fields"), best)
                break
            position = names.index(step[1])
            at = (*at, "fields", position)
            node = node["fields"][position]
            # A field is best shown by the line of its name.
            best = lines.get((*at, "name"), lines.get(at, best))
            continue
        key = _step(node, step)
        if key is None:
            break
        at = (*at, key)
        node = node[key]
        best = lines.get(at, best)
    return best


def line_of(schema_type: str, text: str, path: str, *, reader_text: str | None = None) -> int:
    """The line in ``text`` (the new schema) of the place ``path`` names.

    ``reader_text`` is the schema the path indexes into when that is not ``text`` (Avro
    FORWARD findings); without it such a path is followed only as far as it is unambiguous.
    """
    try:
        if schema_type == "PROTOBUF":
            return scan(text).locate(path)
        if schema_type == "AVRO":
            if reader_text is None and "/fields/" in path:
                # Indexes of the old schema would pick the wrong field of the new one.
                path = path[: path.index("/fields/")]
            return _avro_line(text, path, reader_text)
        document, lines = load_with_lines(text)
        return _deepest(document, lines, _pointer(path))
    except (ValueError, RecursionError):
        return 1


def line_of_error(schema_type: str, text: str, message: str) -> int:
    """The line an "invalid schema" message is about: its own line number, a pointer, or 1."""
    found = _LINE_COLUMN.search(message)
    if found:
        return int(found.group(1))
    if schema_type in ("AVRO", "JSON"):
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            return error.lineno
        except ValueError:
            return 1
        pointer = _POINTER_IN_MESSAGE.search(message)
        if pointer:
            return line_of(schema_type, text, pointer.group(1))
    return 1
