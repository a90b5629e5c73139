"""Where messages, oneofs and fields are declared in ``.proto`` text, by line.

The compatibility engine names Protobuf places as ``#/Outer/Inner/oneof/7`` (message names,
an optional oneof, a field tag). protoc keeps no source positions for the files evcat compiles,
so this scanner reads the text itself: comments and strings skipped, braces tracked, and every
``... name = TAG`` statement inside a message recorded with the line it starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<comment>//[^\n]*|/\*.*?\*/)
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<word>[A-Za-z_][\w.]*)
    | (?P<number>[-+]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?))
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FIELD_FREE = {"option", "reserved", "extensions", "extend", "message", "enum", "oneof"}


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    line: int


@dataclass
class ProtoLines:
    """Lines of the declarations of one file; message keys are tuples of nested names."""

    package: int = 1
    messages: dict[tuple[str, ...], int] = field(default_factory=dict)
    oneofs: dict[tuple[str, ...], int] = field(default_factory=dict)
    fields: dict[tuple[tuple[str, ...], int], int] = field(default_factory=dict)

    def locate(self, path: str) -> int:
        """The line of the deepest declaration named by ``#/M/N/oneof/7``; 1 if none is."""
        scope: tuple[str, ...] = ()
        best = self.package
        for part in path.removeprefix("#").strip("/").split("/"):
            if not part:
                break
            if (*scope, part) in self.messages:
                scope = (*scope, part)
                best = self.messages[scope]
            elif (*scope, part) in self.oneofs:
                best = self.oneofs[(*scope, part)]
            elif part.isdigit() and (scope, int(part)) in self.fields:
                best = self.fields[(scope, int(part))]
                break
            else:
                break
        return best


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    line = 1
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind not in ("space", "comment"):
            tokens.append(_Token(value, line))
        line += value.count("\n")
    return tokens


def _field_tag(statement: list[_Token]) -> int | None:
    """The tag of a field statement (``repeated Foo bar = 3``), or None for anything else."""
    if len(statement) < 4 or statement[0].text in _FIELD_FREE:
        return None
    if statement[-2].text == "=" and statement[-1].text.isdigit():
        return int(statement[-1].text)
    return None


def scan(text: str) -> ProtoLines:
    """Read the declarations of a ``.proto`` file; never fails, whatever the text."""
    found = ProtoLines()
    # Each scope: (kind, message key); only "message" and "oneof" scopes hold fields.
    scopes: list[tuple[str, tuple[str, ...]]] = [("file", ())]
    statement: list[_Token] = []
    brackets = 0
    for token in _tokens(text):
        if token.text == "[":
            brackets += 1
        elif token.text == "]":
            brackets = max(0, brackets - 1)
        if brackets:
            # Field options may hold braces: `[(rule) = { min: 1 }]`.
            if token.text == "[" and (tag := _field_tag(statement)) is not None:
                _record_field(found, scopes, statement, tag)
                statement = [_Token("", 0)]  # recorded: keep it from matching again
            continue
        if token.text == ";":
            if (tag := _field_tag(statement)) is not None:
                _record_field(found, scopes, statement, tag)
            statement = []
        elif token.text == "{":
            scopes.append(_open_scope(found, scopes[-1], statement))
            statement = []
        elif token.text == "}":
            if len(scopes) > 1:
                scopes.pop()
            statement = []
        else:
            statement.append(token)
            if token.text == "package" and len(statement) == 1:
                found.package = token.line
    return found


def _record_field(
    found: ProtoLines,
    scopes: list[tuple[str, tuple[str, ...]]],
    statement: list[_Token],
    tag: int,
) -> None:
    kind, key = scopes[-1]
    if kind in ("message", "oneof") and statement and statement[0].line:
        found.fields.setdefault((key, tag), statement[0].line)


def _open_scope(
    found: ProtoLines, current: tuple[str, tuple[str, ...]], statement: list[_Token]
) -> tuple[str, tuple[str, ...]]:
    kind, key = current
    head = statement[0].text if statement else ""
    name = statement[1].text if len(statement) > 1 else ""
    if head == "message" and kind in ("file", "message"):
        key = (*key, name)
        found.messages.setdefault(key, statement[0].line)
        return "message", key
    if head == "oneof" and kind == "message":
        found.oneofs.setdefault((*key, name), statement[0].line)
        return "oneof", key
    if kind in ("message", "oneof") and (tag := _field_tag(statement)) is not None:
        # A proto2 group: `optional group Result = 1 { ... }` is a field and a message.
        found.fields.setdefault((key, tag), statement[0].line)
        key = (*key, statement[-3].text)
        found.messages.setdefault(key, statement[0].line)
        return "message", key
    return "other", key
