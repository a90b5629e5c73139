"""Avro schema resolution as Apache Avro's ``SchemaCompatibility`` decides it.

The walker compares a reader and a writer tree (the normalized trees of ``AvroModel``) and
returns ``Finding`` tuples: the Confluent error type, a path relative to the node being
compared, Avro's detail text, and the facts the explanation layer needs for a message and a fix.

Paths follow Avro's locations: ``/fields/<i>`` and ``/type`` step into the reader's record
fields, ``/items`` and ``/values`` into arrays and maps, ``/name``, ``/symbols`` and ``/size``
name the attribute that differs, and a number selects a branch of the *writer's* union.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from evcat.formats.avro import PRIMITIVES

READER_FIELD_MISSING_DEFAULT_VALUE = "READER_FIELD_MISSING_DEFAULT_VALUE"
TYPE_MISMATCH = "TYPE_MISMATCH"
NAME_MISMATCH = "NAME_MISMATCH"
MISSING_UNION_BRANCH = "MISSING_UNION_BRANCH"
MISSING_ENUM_SYMBOLS = "MISSING_ENUM_SYMBOLS"
FIXED_SIZE_MISMATCH = "FIXED_SIZE_MISMATCH"

# Writer kinds each reader kind reads although they differ (the promotions of the Avro spec).
_PROMOTED_FROM: Mapping[str, frozenset[str]] = {
    "long": frozenset({"int"}),
    "float": frozenset({"int", "long"}),
    "double": frozenset({"int", "long", "float"}),
    "bytes": frozenset({"string"}),
    "string": frozenset({"bytes"}),
}

# Java's Avro treats an ``error`` as a record; only the kind matters for resolution.
_KINDS = {"record": "record", "error": "record", "enum": "enum", "fixed": "fixed"}
_NAMED_KINDS = frozenset(_KINDS.values())


class Finding(NamedTuple):
    """One incompatibility before it is worded for a direction.

    ``hint`` selects the explanation (``"missing_field"``, ``"enum_field"``, ``"type"``,
    ``"name"``, ``"union"``, ``"symbols"``, ``"size"``); ``facts`` are its arguments.
    """

    rule: str
    path: str
    info: str
    hint: str
    facts: tuple[str, ...]


def promotable_readers(writer_kind: str) -> list[str]:
    """The reader kinds that read data of ``writer_kind`` without an error, besides itself."""
    return [reader for reader, writers in _PROMOTED_FROM.items() if writer_kind in writers]


def promotable_writers(reader_kind: str) -> list[str]:
    """The writer kinds ``reader_kind`` reads besides itself."""
    return sorted(_PROMOTED_FROM.get(reader_kind, ()))


def _resolve(node: Any, named: Mapping[str, Any]) -> tuple[str, Any]:
    """The kind of ``node`` and its definition, following a named reference."""
    if node.__class__ is str:
        if node in PRIMITIVES:
            return node, node
        definition = named[node]
        return _KINDS[definition["type"]], definition
    if node.__class__ is list:
        return "union", node
    kind = node["type"]
    return _KINDS.get(kind, kind), node


def _label(kind: str, definition: Any) -> str:
    """How a type is named in fixes: full names for named types, the kind otherwise."""
    return str(definition["name"]) if kind in _NAMED_KINDS else kind


def _short(full_name: str) -> str:
    return full_name.rpartition(".")[2]


def _self_contained(node: Any) -> bool:
    """Does ``node`` mean the same thing in any schema, i.e. refer to no named type by name?

    Two equal self-contained trees are compatible by construction, so they need no walk.
    """
    if node.__class__ is str:
        return node in PRIMITIVES
    if node.__class__ is list:
        return all(_self_contained(branch) for branch in node)
    kind = node["type"]
    if kind in PRIMITIVES or kind in ("enum", "fixed"):
        return True
    if kind == "array":
        return _self_contained(node["items"])
    if kind == "map":
        return _self_contained(node["values"])
    return all(_self_contained(field["type"]) for field in node["fields"])


def _under(step: str, found: list[Finding]) -> list[Finding]:
    return [finding._replace(path=step + finding.path) for finding in found]


class Resolver:
    """Compares one reader tree with one writer tree, remembering pairs of named types.

    A pair of named types is compared once: while it is being compared a second encounter
    counts as compatible (that is how recursive types terminate), and afterwards its findings
    are reused under each path that reaches it. Traversal order is Avro's, so the findings of
    pairs first met inside a recursion are exactly the ones Avro remembers.
    """

    __slots__ = ("_memo", "_reader_named", "_writer_named")

    def __init__(self, reader_named: Mapping[str, Any], writer_named: Mapping[str, Any]) -> None:
        self._reader_named = reader_named
        self._writer_named = writer_named
        self._memo: dict[tuple[str, str], list[Finding] | None] = {}

    def compare(self, reader: Any, writer: Any) -> list[Finding]:
        """Every reason ``reader`` cannot read what ``writer`` writes; empty when it can."""
        if reader.__class__ is str and reader == writer and reader in PRIMITIVES:
            return []
        reader_kind, reader_def = _resolve(reader, self._reader_named)
        writer_kind, writer_def = _resolve(writer, self._writer_named)
        if reader_kind not in _NAMED_KINDS or writer_kind not in _NAMED_KINDS:
            return self._compare(reader, reader_kind, reader_def, writer, writer_kind, writer_def)
        key = (reader_def["name"], writer_def["name"])
        if key in self._memo:
            return self._memo[key] or []
        self._memo[key] = None
        found = self._compare(reader, reader_kind, reader_def, writer, writer_kind, writer_def)
        self._memo[key] = found
        return found

    def _compare(
        self,
        reader: Any,
        reader_kind: str,
        reader_def: Any,
        writer: Any,
        writer_kind: str,
        writer_def: Any,
    ) -> list[Finding]:
        if reader_kind == writer_kind:
            return self._same_kind(reader_kind, reader_def, writer_def)
        if writer_kind == "union":
            found: list[Finding] = []
            for index, branch in enumerate(writer_def):
                found += _under(f"/{index}", self.compare(reader, branch))
            return found
        if writer_kind in _PROMOTED_FROM.get(reader_kind, ()):
            return []
        if reader_kind == "union":
            # Avro stops at the first readable branch; later branches are never visited.
            for branch in reader_def:
                if not self.compare(branch, writer):
                    return []
            return [_missing_branch("", writer_kind, writer_def)]
        return [
            Finding(
                TYPE_MISMATCH,
                "",
                f"reader type: {reader_kind.upper()} not compatible with writer type: "
                f"{writer_kind.upper()}",
                "type",
                (_label(reader_kind, reader_def), _label(writer_kind, writer_def)),
            )
        ]

    def _same_kind(self, kind: str, reader_def: Any, writer_def: Any) -> list[Finding]:
        if kind in PRIMITIVES:
            return []
        if kind == "array":
            return _under("/items", self.compare(reader_def["items"], writer_def["items"]))
        if kind == "map":
            return _under("/values", self.compare(reader_def["values"], writer_def["values"]))
        if kind == "union":
            found: list[Finding] = []
            for index, branch in enumerate(writer_def):
                # Only the verdict counts here: Avro reports the lacking branch, not why.
                if self.compare(reader_def, branch):
                    branch_kind, branch_def = _resolve(branch, self._writer_named)
                    found.append(_missing_branch(f"/{index}", branch_kind, branch_def))
            return found
        found = _names(reader_def, writer_def)
        if kind == "record":
            return found + self._fields(reader_def, writer_def)
        if kind == "enum":
            return found + _symbols(reader_def, writer_def)
        return found + _size(reader_def, writer_def)

    def _fields(self, reader_def: Any, writer_def: Any) -> list[Finding]:
        writer_fields = {field["name"]: field for field in writer_def["fields"]}
        found: list[Finding] = []
        for index, field in enumerate(reader_def["fields"]):
            match = _writer_field(field, writer_fields)
            if match is not None:
                reader_type, writer_type = field["type"], match["type"]
                # Most fields keep their type; equal types naming no other type need no walk.
                if reader_type == writer_type and _self_contained(reader_type):
                    continue
                issues = self.compare(reader_type, writer_type)
                if issues:
                    found += _under(f"/fields/{index}/type", issues)
            elif "default" not in field:
                found.append(self._missing_field(index, field, reader_def, writer_def))
        return found

    def _missing_field(self, index: int, field: Any, reader_def: Any, writer_def: Any) -> Finding:
        name = field["name"]
        kind, definition = _resolve(field["type"], self._reader_named)
        if kind == "enum" and definition.get("default"):
            # Avro then resolves the enum against the writer *record*, a mismatch by design:
            # an enum default covers unknown symbols, never a missing field.
            return Finding(
                TYPE_MISMATCH,
                f"/fields/{index}/type",
                "reader type: ENUM not compatible with writer type: RECORD",
                "enum_field",
                (name, str(definition["name"])),
            )
        renamed = _renamed_from(field, reader_def, writer_def)
        return Finding(
            READER_FIELD_MISSING_DEFAULT_VALUE,
            f"/fields/{index}",
            name,
            "missing_field",
            (name, renamed),
        )


def _writer_field(field: Any, writer_fields: Mapping[str, Any]) -> Any:
    """The writer field a reader field reads: same name first, then the reader's aliases."""
    match = writer_fields.get(field["name"])
    if match is None:
        for alias in field.get("aliases", ()):
            match = writer_fields.get(alias)
            if match is not None:
                break
    return match


def _renamed_from(field: Any, reader_def: Any, writer_def: Any) -> str:
    """A writer field no reader field reads and whose type equals ``field``'s, or ``""``."""
    claimed = {
        name
        for reader_field in reader_def["fields"]
        for name in (reader_field["name"], *reader_field.get("aliases", ()))
    }
    for candidate in writer_def["fields"]:
        if candidate["name"] not in claimed and candidate["type"] == field["type"]:
            return str(candidate["name"])
    return ""


def _missing_branch(path: str, kind: str, definition: Any) -> Finding:
    return Finding(
        MISSING_UNION_BRANCH,
        path,
        f"reader union lacking writer type: {kind.upper()}",
        "union",
        (_label(kind, definition),),
    )


def _names(reader_def: Any, writer_def: Any) -> list[Finding]:
    """Named types match on their unqualified names, or a reader alias naming the writer."""
    reader_name: str = reader_def["name"]
    writer_name: str = writer_def["name"]
    if _short(reader_name) == _short(writer_name):
        return []
    if writer_name in reader_def.get("aliases", ()):
        return []
    return [
        Finding(
            NAME_MISMATCH, "/name", f"expected: {writer_name}", "name", (reader_name, writer_name)
        )
    ]


def _symbols(reader_def: Any, writer_def: Any) -> list[Finding]:
    symbols = reader_def["symbols"]
    missing = set(writer_def["symbols"]).difference(symbols)
    if not missing:
        return []
    default = reader_def.get("default")
    if isinstance(default, str) and default and default in symbols:
        return []
    ordered = sorted(missing)
    return [
        Finding(
            MISSING_ENUM_SYMBOLS,
            "/symbols",
            "[" + ", ".join(ordered) + "]",
            "symbols",
            (str(reader_def["name"]), *ordered),
        )
    ]


def _size(reader_def: Any, writer_def: Any) -> list[Finding]:
    reader_size, writer_size = reader_def["size"], writer_def["size"]
    if reader_size == writer_size:
        return []
    return [
        Finding(
            FIXED_SIZE_MISMATCH,
            "/size",
            f"expected: {writer_size}, found: {reader_size}",
            "size",
            (str(reader_def["name"]), str(writer_size), str(reader_size)),
        )
    ]
