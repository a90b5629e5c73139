"""Avro schema resolution compiled into a converter over decoded payloads.

Decoding with the writer schema and then converting the dict is two to three times faster in
fastavro than decoding with ``reader_schema=`` (see docs/upcasting.md), so implicit Avro edges
are compiled here into plain Python functions that mirror fastavro's reader exactly: fields
matched by name and then by the reader's aliases, writer-only fields skipped, reader-only
fields given the reader's default (the very object from the schema, as fastavro does), int
and long promoted to float and double, string and bytes converted, unknown enum symbols
mapped to the reader's default, union branches matched first-fit. The differential tests in
tests/upcast prove the equality on generated data.

Two kinds of change are refused as *unsafe* although fastavro accepts them, because data is
lost or decoding fails for some records only: a writer field that disappears while a reader
field of a fitting type with a default appears (a rename without an alias), and anything that
depends on the data (a writer union branch or enum symbol the reader cannot take).

When a union cannot be told apart by Python type (two record branches needing different
conversions, logical types that change), the edge falls back to a round trip through
fastavro itself: encode with the writer schema, decode with the reader schema.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import fastavro
import orjson

from evcat.formats import ParsedSchema

Conv = Callable[[Any], Any]
_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_NAMED = {"record", "error", "enum", "fixed"}
_PROMOTIONS: dict[tuple[str, str], Conv | None] = {
    ("int", "long"): None,
    ("int", "float"): float,
    ("int", "double"): float,
    ("long", "float"): float,
    ("long", "double"): float,
    ("float", "double"): None,
    ("string", "bytes"): lambda value: value.encode(),
    ("bytes", "string"): lambda value: value.decode(),
}
# Which Python types fastavro gives each Avro type, to tell union branches apart.
_PYTHON: dict[str, tuple[type, ...]] = {
    "null": (type(None),),
    "boolean": (bool,),
    "int": (int,),
    "long": (int,),
    "float": (float,),
    "double": (float,),
    "bytes": (bytes,),
    "string": (str,),
    "enum": (str,),
    "fixed": (bytes,),
    "record": (dict,),
    "error": (dict,),
    "map": (dict,),
    "array": (list,),
}


class Incompatible(Exception):
    """The writer's data cannot be read with the reader schema at all."""


class NeedsFallback(Exception):
    """The conversion depends on facts a decoded dict no longer carries."""


@dataclass
class Resolution:
    """The verdict on a writer/reader pair and, when usable, its converter."""

    compatible: bool
    reason: str = ""
    unsafe: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    """Human-readable generated operations, for plans: ``rename a -> b``, ``drop c``..."""
    convert: Conv | None = None
    """Payload of the writer schema -> payload of the reader schema (None: unchanged)."""
    mutate: Callable[[dict[str, Any]], None] | None = None
    """The same conversion done in place on a top-level record the caller owns (faster)."""
    fallback: bool = False


def named_types(schema: Any, into: dict[str, Any]) -> None:
    """Every named type defined inside ``schema`` (fastavro's parsed form), by full name."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("type")
            if kind in _NAMED and isinstance(node.get("name"), str):
                into.setdefault(node["name"], node)
            if kind in ("record", "error"):
                stack.extend(f["type"] for f in node.get("fields", []))
            elif kind == "array":
                stack.append(node["items"])
            elif kind == "map":
                stack.append(node["values"])
            elif isinstance(kind, dict | list):
                stack.append(kind)


def _kind(schema: Any) -> str:
    if isinstance(schema, list):
        return "union"
    if isinstance(schema, dict):
        kind = schema["type"]
        return kind if isinstance(kind, str) else _kind(kind)
    return str(schema)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class _Resolver:
    def __init__(self, writer_named: Mapping[str, Any], reader_named: Mapping[str, Any]) -> None:
        self.writer_named = writer_named
        self.reader_named = reader_named
        self.unsafe: list[str] = []
        self.steps: list[str] = []
        self.active: set[tuple[str, str]] = set()
        self.root: Callable[[dict[str, Any]], None] | None = None

    def deref(self, schema: Any, named: Mapping[str, Any]) -> Any:
        while isinstance(schema, str) and schema not in _PRIMITIVES:
            schema = named[schema]
        if isinstance(schema, dict) and isinstance(schema.get("type"), dict | list):
            return self.deref(schema["type"], named)
        return schema

    def matches(self, writer: Any, reader: Any) -> bool:
        """fastavro's ``match_types``: lenient for unions, names for named types."""
        if isinstance(writer, list) or isinstance(reader, list):
            return True
        writer, reader = (
            self.deref(writer, self.writer_named),
            self.deref(reader, self.reader_named),
        )
        w_kind, r_kind = _kind(writer), _kind(reader)
        if w_kind in _PRIMITIVES and r_kind in _PRIMITIVES:
            return w_kind == r_kind or (w_kind, r_kind) in _PROMOTIONS
        if w_kind != r_kind and not ({w_kind, r_kind} <= {"record", "error"}):
            return False
        if w_kind in ("array", "map"):
            key = "items" if w_kind == "array" else "values"
            return self.matches(writer[key], reader[key])
        if w_kind in _NAMED:
            if w_kind == "fixed" and writer["size"] != reader["size"]:
                return False
            aliases = reader.get("aliases", [])
            return (
                _short(writer["name"]) == _short(reader["name"])
                or writer["name"] in aliases
                or _short(writer["name"]) in aliases
            )
        return w_kind == r_kind

    def resolve(self, writer: Any, reader: Any, where: str) -> Conv | None:
        """The converter from writer data to reader data (None: no change needed)."""
        writer, reader = (
            self.deref(writer, self.writer_named),
            self.deref(reader, self.reader_named),
        )
        if isinstance(writer, list):
            return self.union(writer, reader, where)
        if isinstance(reader, list):
            for branch in reader:
                if self.matches(writer, branch):
                    return self.resolve(writer, branch, where)
            raise Incompatible(f"{where}: {_kind(writer)} fits no branch of the reader's union")
        w_kind, r_kind = _kind(writer), _kind(reader)
        w_logical = writer.get("logicalType") if isinstance(writer, dict) else None
        r_logical = reader.get("logicalType") if isinstance(reader, dict) else None
        if w_logical != r_logical and (w_logical or r_logical):
            if not self.matches(writer, reader):
                raise Incompatible(f"{where}: {w_kind} cannot be read as {r_kind}")
            raise NeedsFallback(f"{where}: logical type changes from {w_logical} to {r_logical}")
        if w_kind in _PRIMITIVES and r_kind in _PRIMITIVES:
            if w_kind == r_kind:
                return None
            if (w_kind, r_kind) in _PROMOTIONS:
                self.steps.append(f"promote {where} {w_kind} -> {r_kind}")
                return _PROMOTIONS[(w_kind, r_kind)]
            raise Incompatible(f"{where}: {w_kind} cannot be read as {r_kind}")
        if not self.matches(writer, reader):
            raise Incompatible(
                f"{where}: {writer.get('name', w_kind)} cannot be read as "
                f"{reader.get('name', r_kind) if isinstance(reader, dict) else r_kind}"
            )
        if w_kind in ("array", "map"):
            return self.container(writer, reader, w_kind, where)
        if w_kind == "enum":
            return self.enum(writer, reader, where)
        if w_kind == "fixed":
            return None
        return self.record(writer, reader, where)

    def container(self, writer: Any, reader: Any, kind: str, where: str) -> Conv | None:
        key, mark = ("items", "[]") if kind == "array" else ("values", "{}")
        inner = self.resolve(writer[key], reader[key], f"{where}{mark}")
        if inner is None:
            return None
        convert: Conv = inner
        if kind == "array":
            return lambda items: [convert(item) for item in items]
        return lambda values: {name: convert(value) for name, value in values.items()}

    def union(self, writer: list[Any], reader: Any, where: str) -> Conv | None:
        branches: list[tuple[tuple[type, ...], Conv | None]] = []
        for branch in writer:
            options = reader if isinstance(reader, list) else [reader]
            chosen = next((option for option in options if self.matches(branch, option)), None)
            kind = _kind(self.deref(branch, self.writer_named))
            if chosen is None:
                self.unsafe.append(
                    f"{where}: writer union branch {kind} has no match in the "
                    "reader schema; records holding it would fail to decode"
                )
                continue
            branches.append((_PYTHON.get(kind, (object,)), self.resolve(branch, chosen, where)))
        if all(conv is None for _, conv in branches):
            return None
        for index, (types, conv) in enumerate(branches):
            for other_types, other in branches[index + 1 :]:
                if set(types) & set(other_types) and conv is not other:
                    raise NeedsFallback(
                        f"{where}: union branches of one Python type convert differently"
                    )
        table = [(types, conv) for types, conv in branches]

        def dispatch(value: Any) -> Any:
            for types, conv in table:
                # bool is an int to Python but never an Avro int.
                if type(value) in types or (
                    isinstance(value, types) and not isinstance(value, bool)
                ):
                    return value if conv is None else conv(value)
            return value

        return dispatch

    def enum(self, writer: Mapping[str, Any], reader: Mapping[str, Any], where: str) -> Conv | None:
        symbols = set(reader["symbols"])
        unknown = [symbol for symbol in writer["symbols"] if symbol not in symbols]
        if not unknown:
            return None
        default = reader.get("default")
        if not default:
            self.unsafe.append(
                f"{where}: enum symbols {unknown} are not in the reader's enum, "
                "which has no default; records holding them would fail to decode"
            )
            return None
        self.steps.append(f"map_enum {where} {unknown} -> {default}")
        return lambda symbol: symbol if symbol in symbols else default

    def record(
        self, writer: Mapping[str, Any], reader: Mapping[str, Any], where: str
    ) -> Conv | None:
        key = (writer["name"], reader["name"])
        if key in self.active:
            raise NeedsFallback(f"{where}: recursive record {writer['name']}")
        self.active.add(key)
        try:
            return self._record(writer, reader, where)
        finally:
            self.active.discard(key)

    def _record(
        self, writer: Mapping[str, Any], reader: Mapping[str, Any], where: str
    ) -> Conv | None:
        by_name = {f["name"]: f for f in reader["fields"]}
        by_alias = {alias: f for f in reader["fields"] for alias in f.get("aliases", [])}
        moves: list[tuple[str, str, Conv | None]] = []
        dropped: list[Mapping[str, Any]] = []
        prefix = f"{where}." if where else ""
        for wf in writer["fields"]:
            rf = by_name.get(wf["name"], by_alias.get(wf["name"]))
            if rf is None:
                dropped.append(wf)
                continue
            del by_name[rf["name"]]
            conv = self.resolve(wf["type"], rf["type"], prefix + rf["name"])
            if rf["name"] != wf["name"]:
                self.steps.append(f"rename {prefix}{wf['name']} -> {prefix}{rf['name']}")
            moves.append((wf["name"], rf["name"], conv))
        defaults: list[tuple[str, Any]] = []
        for rf in by_name.values():
            if "default" not in rf:
                raise Incompatible(
                    f"reader field {prefix}{rf['name']} has no default and the "
                    "writer has no such field"
                )
            defaults.append((rf["name"], rf["default"]))
            self.steps.append(f"set_default {prefix}{rf['name']}")
        for wf in dropped:
            self.steps.append(f"drop {prefix}{wf['name']}")
            for name, _ in defaults:
                added = next(f for f in reader["fields"] if f["name"] == name)
                if self.matches(wf["type"], added["type"]):
                    self.unsafe.append(
                        f"{prefix}{wf['name']} disappears and {prefix}{name} appears with a "
                        f"default: a rename without an alias would silently drop the data; add "
                        f'"aliases": ["{wf["name"]}"] to {name}, or register an upcaster'
                    )
        if not dropped and not defaults and all(w == r and c is None for w, r, c in moves):
            return None
        if not where:
            self.root = _record_mutator(moves, [f["name"] for f in dropped], defaults)
        return _record_converter(moves, [f["name"] for f in dropped], defaults)


def _record_converter(
    moves: list[tuple[str, str, Conv | None]], dropped: list[str], defaults: list[tuple[str, Any]]
) -> Conv:
    def convert(value: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for source, target, conv in moves:
            item = value[source]
            out[target] = item if conv is None else conv(item)
        for target, default in defaults:
            out[target] = default
        return out

    return convert


def _record_mutator(
    moves: list[tuple[str, str, Conv | None]], dropped: list[str], defaults: list[tuple[str, Any]]
) -> Callable[[dict[str, Any]], None]:
    changed = [
        (source, target, conv)
        for source, target, conv in moves
        if source != target or conv is not None
    ]

    def mutate(value: dict[str, Any]) -> None:
        # Take every renamed field out first: renames may form chains (a -> b, b -> c).
        taken = [(target, conv, value.pop(source)) for source, target, conv in changed]
        for name in dropped:
            value.pop(name, None)
        for target, conv, item in taken:
            value[target] = item if conv is None else conv(item)
        for target, default in defaults:
            value[target] = default

    return mutate


def fastavro_schema(schema: ParsedSchema) -> Any:
    """fastavro's parse of ``schema``, marked as parsed so fastavro never parses it again.

    The registry's parse leaves that mark out, and fastavro then re-parses the schema on
    every read and write: two to three times the cost of the decoding itself. Callers cache.
    """
    named = dict(schema.model.fastavro_named)
    return fastavro.parse_schema(orjson.loads(schema.canonical), named_schemas=named)


def _roundtrip(writer: Any, reader: Any) -> Conv:
    def convert(value: Any) -> Any:
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, writer, value)
        buffer.seek(0)
        return fastavro.schemaless_reader(buffer, writer, reader)

    return convert


def resolve_avro(writer: ParsedSchema, reader: ParsedSchema) -> Resolution:
    """Compile the resolution of ``writer`` data to ``reader`` data."""
    w_schema, r_schema = writer.model.fastavro_schema, reader.model.fastavro_schema
    w_named: dict[str, Any] = dict(writer.model.fastavro_named)
    r_named: dict[str, Any] = dict(reader.model.fastavro_named)
    named_types(w_schema, w_named)
    named_types(r_schema, r_named)
    resolver = _Resolver(w_named, r_named)
    try:
        convert = resolver.resolve(w_schema, r_schema, "")
    except Incompatible as error:
        return Resolution(False, reason=str(error))
    except NeedsFallback as error:
        return Resolution(
            True,
            unsafe=resolver.unsafe,
            steps=[f"fastavro resolution ({error})"],
            convert=_roundtrip(fastavro_schema(writer), fastavro_schema(reader)),
            fallback=True,
        )
    return Resolution(
        True, unsafe=resolver.unsafe, steps=resolver.steps, convert=convert, mutate=resolver.root
    )
