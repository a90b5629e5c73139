"""A JSON reader that remembers on which line every member and item starts.

``json`` gives values but no positions; annotations in CI need the line of the offending field,
so this small recursive reader records, for each JSON pointer, the line of the key (for object
members) or of the value (for array items and the root).
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

Pointer = tuple[str | int, ...]

_SPACE = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks = [i for i, char in enumerate(text) if char == "\n"]
        self.lines: dict[Pointer, int] = {}

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self.breaks, offset) + 1

    def skip(self, at: int) -> int:
        match = _SPACE.match(self.text, at)
        return match.end() if match else at

    def fail(self, at: int, what: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(what, self.text, at)

    def value(self, at: int, pointer: Pointer) -> tuple[Any, int]:
        at = self.skip(at)
        char = self.text[at : at + 1]
        if char == "{":
            return self.object(at + 1, pointer)
        if char == "[":
            return self.array(at + 1, pointer)
        if char == '"':
            text, end = scanstring(self.text, at + 1)
            return str(text), int(end)
        for word, value in _LITERALS.items():
            if self.text.startswith(word, at):
                return value, at + len(word)
        number = _NUMBER.match(self.text, at)
        if number is None:
            raise self.fail(at, "Expecting value")
        return json.loads(number.group()), number.end()

    def object(self, at: int, pointer: Pointer) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        at = self.skip(at)
        if self.text.startswith("}", at):
            return result, at + 1
        while True:
            at = self.skip(at)
            if not self.text.startswith('"', at):
                raise self.fail(at, "Expecting property name enclosed in double quotes")
            key_line = self.line(at)
            key, at = scanstring(self.text, at + 1)
            at = self.skip(at)
            if not self.text.startswith(":", at):
                raise self.fail(at, "Expecting ':' delimiter")
            self.lines[(*pointer, key)] = key_line
            result[key], at = self.value(at + 1, (*pointer, key))
            at = self.skip(at)
            if self.text.startswith(",", at):
                at += 1
            elif self.text.startswith("}", at):
                return result, at + 1
            else:
                raise self.fail(at, "Expecting ',' delimiter")

    def array(self, at: int, pointer: Pointer) -> tuple[list[Any], int]:
        result: list[Any] = []
        at = self.skip(at)
        if self.text.startswith("]", at):
            return result, at + 1
        while True:
            at = self.skip(at)
            self.lines[(*pointer, len(result))] = self.line(at)
            item, at = self.value(at, (*pointer, len(result)))
            result.append(item)
            at = self.skip(at)
            if self.text.startswith(",", at):
                at += 1
            elif self.text.startswith("]", at):
                return result, at + 1
            else:
                raise self.fail(at, "Expecting ',' delimiter")


def load_with_lines(text: str) -> tuple[Any, dict[Pointer, int]]:
    """The document and the line of every pointer in it; ``JSONDecodeError`` if it is not JSON."""
    reader = _Reader(text)
    start = reader.skip(0)
    reader.lines[()] = reader.line(start)
    value, end = reader.value(start, ())
    if reader.skip(end) != len(text):
        raise reader.fail(reader.skip(end), "Extra data")
    return value, reader.lines
