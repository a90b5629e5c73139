"""Avro: parse with fastavro, validate defaults, print the canonical and normalized forms.

The canonical form follows what Apache Avro's Java ``Schema.toString()`` prints, because that
is what Confluent hashes: whitespace, key order and namespace shorthand disappear, while docs,
defaults, aliases, ``order`` and custom properties stay significant. ``{"type": "int"}``
collapses to ``"int"``. The normalized form (``normalize=true``) also fully qualifies every
name and sorts aliases and custom properties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import fastavro
import orjson
from fastavro.schema import SchemaParseException, UnknownType

from evcat.errors import InvalidSchemaError
from evcat.formats.base import AVRO, ParsedSchema, SchemaReference
from evcat.limits import current

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
NAMED = frozenset({"record", "error", "enum", "fixed"})

# Keys printed first, in this order; every other key is a custom property printed after them.
_KEY_ORDER = {
    "record": ("type", "name", "namespace", "doc", "fields", "aliases"),
    "error": ("type", "name", "namespace", "doc", "fields", "aliases"),
    "enum": ("type", "name", "namespace", "doc", "symbols", "default", "aliases"),
    "fixed": ("type", "name", "namespace", "doc", "size", "aliases"),
    "array": ("type", "items"),
    "map": ("type", "values"),
}
_FIELD_KEY_ORDER = ("name", "type", "doc", "default", "order", "aliases")


@dataclass(frozen=True)
class AvroModel:
    """The parsed forms the compatibility engine and the serializers work on.

    ``schema`` is the normalized tree: every named type fully qualified (aliases too), defined
    at its first use and referred to by full name afterwards, primitives as plain strings.
    ``named`` maps each full name (including those from references) to its definition.
    ``fastavro_schema`` is fastavro's own parsed form, ready for its readers and writers.
    """

    schema: Any
    named: Mapping[str, Any]
    fastavro_schema: Any
    fastavro_named: Mapping[str, Any] = field(default_factory=dict)


def _full_name(name: str, namespace: str | None) -> str:
    if "." in name or not namespace:
        return name
    return f"{namespace}.{name}"


def _split(full: str) -> tuple[str, str]:
    namespace, _, short = full.rpartition(".")
    return short, namespace


def _refuse_duplicate_fields(fields: Sequence[dict[str, Any]], record: str) -> None:
    """Avro's own parsers refuse a record naming two fields alike: a reader could not tell them
    apart."""
    seen: set[str] = set()
    for field_ in fields:
        if field_["name"] in seen:
            raise InvalidSchemaError(
                f"Invalid schema of type AVRO, details: Duplicate field {field_['name']} in "
                f"record {record}: rename one of them"
            )
        seen.add(field_["name"])


class _Printer:
    """Walks a schema once, producing the canonical (or normalized) JSON tree."""

    def __init__(self, normalize: bool, known: Mapping[str, Any]) -> None:
        self.normalize = normalize
        self.defined: set[str] = set(known)
        self.named: dict[str, Any] = {}

    def schema(self, node: Any, namespace: str) -> Any:
        if isinstance(node, str):
            return self.type_name(node, namespace)
        if isinstance(node, list):
            return [self.schema(branch, namespace) for branch in node]
        if not isinstance(node, dict):
            raise InvalidSchemaError(f"Invalid Avro schema element {node!r}: expected a type")
        kind = node.get("type")
        if isinstance(kind, (dict, list)):
            # {"type": {...}} is a wrapper around another schema; keep its other properties.
            return self.schema(kind, namespace)
        if kind in PRIMITIVES:
            props = self.props(node, ("type",))
            return {"type": kind, **props} if props else kind
        if kind in NAMED:
            return self.named_type(node, kind, namespace)
        if kind == "array":
            return {"type": "array", "items": self.schema(node.get("items"), namespace)} | (
                self.props(node, _KEY_ORDER["array"])
            )
        if kind == "map":
            return {"type": "map", "values": self.schema(node.get("values"), namespace)} | (
                self.props(node, _KEY_ORDER["map"])
            )
        if isinstance(kind, str):
            return self.type_name(kind, namespace)
        raise InvalidSchemaError(f"Invalid Avro schema element {node!r}: no valid 'type'")

    def type_name(self, name: str, namespace: str) -> str:
        if name in PRIMITIVES:
            return name
        full = _full_name(name, namespace)
        if full not in self.defined and name in self.defined:
            full = name
        if self.normalize:
            return full
        short, type_namespace = _split(full)
        return short if type_namespace == namespace else full

    def named_type(self, node: dict[str, Any], kind: str, namespace: str) -> dict[str, Any]:
        name = node.get("name")
        if not isinstance(name, str):
            raise InvalidSchemaError(f"Avro {kind} needs a string 'name'")
        declared_namespace = node.get("namespace")
        if "." in name:
            full = name
        else:
            ns = declared_namespace if isinstance(declared_namespace, str) else namespace
            full = _full_name(name, ns)
        short, own_namespace = _split(full)
        out: dict[str, Any] = {"type": kind}
        if self.normalize:
            out["name"] = full
        else:
            out["name"] = short
            if own_namespace != namespace:
                out["namespace"] = own_namespace
        if "doc" in node:
            out["doc"] = node["doc"]
        self.defined.add(full)
        if kind in ("record", "error"):
            fields = node.get("fields")
            if not isinstance(fields, list):
                raise InvalidSchemaError(
                    f"Invalid schema of type AVRO, details: record '{full}' has no 'fields' "
                    "list; give it one (it may be empty)"
                )
            out["fields"] = [self.field(f, own_namespace) for f in fields]
            _refuse_duplicate_fields(out["fields"], full)
        elif kind == "enum":
            symbols = node.get("symbols")
            if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
                raise InvalidSchemaError(
                    f"Invalid schema of type AVRO, details: enum '{full}' needs 'symbols', "
                    f"an array of names, not {symbols!r:.80}"
                )
            out["symbols"] = symbols
            if "default" in node:
                out["default"] = node["default"]
        else:
            size = node.get("size")
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise InvalidSchemaError(
                    f"Invalid schema of type AVRO, details: fixed '{full}' needs 'size', a "
                    f"whole number of bytes (0 or more), not {size!r:.80}"
                )
            out["size"] = size
        aliases = node.get("aliases")
        if aliases:
            qualified = [_full_name(a, own_namespace) for a in aliases]
            out["aliases"] = sorted(set(qualified)) if self.normalize else aliases
        out |= self.props(node, _KEY_ORDER[kind])
        self.named[full] = out
        return out

    def field(self, node: Any, namespace: str) -> dict[str, Any]:
        if not isinstance(node, dict) or not isinstance(node.get("name"), str):
            raise InvalidSchemaError(f"Invalid Avro record field {node!r}: needs a 'name'")
        out: dict[str, Any] = {
            "name": node["name"],
            "type": self.schema(node.get("type"), namespace),
        }
        for key in ("doc", "default"):
            if key in node:
                out[key] = node[key]
        if node.get("order", "ascending") != "ascending":
            out["order"] = node["order"]
        if node.get("aliases"):
            out["aliases"] = sorted(node["aliases"]) if self.normalize else node["aliases"]
        return out | self.props(node, (*_FIELD_KEY_ORDER, "order"))

    def props(self, node: dict[str, Any], known: Sequence[str]) -> dict[str, Any]:
        extra = {k: v for k, v in node.items() if k not in known and k != "namespace"}
        return dict(sorted(extra.items())) if self.normalize else extra


class AvroFormat:
    schema_type = AVRO

    def parse(
        self,
        text: str,
        references: Sequence[SchemaReference] = (),
        dependencies: Mapping[str, ParsedSchema] | None = None,
        *,
        normalize: bool = False,
    ) -> ParsedSchema:
        dependencies = dependencies or {}
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            # A bare primitive name such as `string` (unquoted) is what some tools send.
            stripped = text.strip()
            if stripped in PRIMITIVES:
                document = stripped
            else:
                raise InvalidSchemaError(
                    f"Invalid schema of type AVRO: the text is not JSON ({text[:80]!r}...)"
                ) from None
        if not isinstance(document, (str, dict, list)):
            raise InvalidSchemaError(
                "Invalid schema of type AVRO: a schema is a type name, an object or a union "
                f"array, not {text[:80]!r}"
            )
        known_named: dict[str, Any] = {}
        fastavro_named: dict[str, Any] = {}
        for name, dependency in dependencies.items():
            model = dependency.model
            if not isinstance(model, AvroModel):
                raise InvalidSchemaError(
                    f"Reference '{name}' is a {dependency.schema_type} schema; "
                    "an Avro schema can only reference Avro schemas"
                )
            known_named.update(model.named)
            fastavro_named.update(model.fastavro_named)
        _check_nesting(document)
        try:
            # Parsed with fastavro's "already parsed" mark, so readers and writers given this
            # schema later do not parse it again on every call.
            fastavro_schema = fastavro.parse_schema(document, named_schemas=fastavro_named)
        except UnknownType as exc:
            raise InvalidSchemaError(
                f"Invalid schema of type AVRO, details: unknown type '{exc.name}': define it in "
                "this schema, or register it under its own subject and add a reference named "
                f"'{exc.name}'"
            ) from None
        except SchemaParseException as exc:
            raise InvalidSchemaError(f"Invalid schema of type AVRO, details: {exc}") from None
        except KeyError as exc:
            raise InvalidSchemaError(
                f"Invalid schema of type AVRO, details: a schema object lacks its {exc} "
                "attribute; add it"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidSchemaError(
                f"Invalid schema of type AVRO, details: {type(exc).__name__}: {exc}"
            ) from None
        except RecursionError:
            raise InvalidSchemaError("Invalid schema of type AVRO: nested too deeply") from None
        try:
            canonical_tree = _Printer(normalize, known_named).schema(document, "")
            normalized = _Printer(True, known_named)
            model_tree = normalized.schema(document, "")
        except RecursionError:
            raise InvalidSchemaError("Invalid schema of type AVRO: nested too deeply") from None
        model = AvroModel(
            schema=model_tree,
            named={**known_named, **normalized.named},
            fastavro_schema=fastavro_schema,
            fastavro_named=fastavro_named,
        )
        return ParsedSchema(
            schema_type=AVRO,
            canonical=orjson.dumps(canonical_tree).decode(),
            model=model,
            references=tuple(references),
            dependencies=dict(dependencies),
        )

    def render(self, schema: ParsedSchema, output_format: str) -> str:
        return schema.canonical


def _nested_types(node: Any) -> list[Any]:
    """The type definitions directly inside ``node`` (fields, items, values, branches)."""
    if isinstance(node, list):
        return node
    if not isinstance(node, dict):
        return []
    kind = node.get("type")
    if kind in ("record", "error"):
        fields = node.get("fields")
        return (
            [f.get("type") for f in fields if isinstance(f, dict)]
            if isinstance(fields, list)
            else []
        )
    if kind == "array":
        return [node.get("items")]
    if kind == "map":
        return [node.get("values")]
    return [kind] if isinstance(kind, dict | list) else []


def _check_nesting(document: Any) -> None:
    """Refuse records, arrays, maps and unions nested past ``EVCAT_SCHEMA_MAX_DEPTH``.

    Checked without recursion before anything recursive (fastavro, the printer, the
    generated codecs, the compatibility walkers) sees the schema.
    """
    limit = current().schema_max_depth
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise InvalidSchemaError(
                f"Invalid schema of type AVRO: records, arrays, maps and unions nest deeper "
                f"than {limit} levels (EVCAT_SCHEMA_MAX_DEPTH); flatten the schema or split it "
                "with references"
            )
        stack.extend((child, depth + 1) for child in _nested_types(node))


AVRO_FORMAT = AvroFormat()
