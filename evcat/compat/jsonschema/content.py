"""Content models: JSON Schema object and array differences.

An object's content model is *open* when any extra property is allowed (no
``additionalProperties``, or ``true``), *closed* when none is (``false``) and *partially open*
when ``patternProperties`` or an ``additionalProperties`` schema decides. Whether adding or
removing a property is safe depends on the model of the other side. Tuples (``prefixItems``, or
``items`` as an array) follow the same idea with ``items``/``additionalItems`` for the rest.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

from evcat.compat.jsonschema.keywords import (
    Comparer,
    Node,
    compare_limit,
    compare_subschema,
    is_empty,
    summary,
)
from evcat.formats.jsonschema.drafts import escape, join
from evcat.formats.jsonschema.patterns import matcher


class Model(Enum):
    """How much a schema allows beyond the properties (or tuple items) it declares."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"
    PARTIAL = "PARTIAL"


def _model_of(rest: Any, patterns: Any = None) -> Model:
    if patterns:
        return Model.PARTIAL
    if rest is None or is_empty(rest):
        return Model.OPEN
    return Model.CLOSED if rest is False else Model.PARTIAL


def _additional(schema: dict[str, Any]) -> Any:
    # Without composition, unevaluatedProperties acts as additionalProperties does.
    return schema.get("additionalProperties", schema.get("unevaluatedProperties", True))


def _matches(pattern: str, name: str) -> bool:
    # Linear time whatever the pattern: never `re`, never a backtracking engine.
    match = matcher(pattern)
    return match is not None and match(name)


def _covering(schema: dict[str, Any], name: str) -> list[Any]:
    """The schemas that decide what an undeclared property ``name`` may hold."""
    patterns = schema.get("patternProperties")
    if isinstance(patterns, dict):
        found = [sub for pattern, sub in patterns.items() if _matches(pattern, name)]
        if found:
            return found
    return [_additional(schema)]


def compare_open(
    diff: Comparer, writer: Node, reader: Node, path: str, keywords: tuple[str, str, str]
) -> None:
    """``additionalProperties``-like keywords: (writer keyword, reader keyword, rule prefix)."""
    writer_keyword, reader_keyword, prefix = keywords
    written, readable = writer.schema.get(writer_keyword), reader.schema.get(reader_keyword)
    before, after = _model_of(written), _model_of(readable)
    if before is after is not Model.PARTIAL:
        return
    if before is Model.PARTIAL and after is Model.PARTIAL:
        target = join(path, escape(reader_keyword))
        diff.compare(writer.child(written), reader.child(readable), target)
        return
    if after is Model.CLOSED:
        change = "REMOVED"
    elif before is Model.CLOSED:
        change = "ADDED"
    else:
        change = "EXTENDED" if after is Model.OPEN else "NARROWED"
    at = join(path, escape(reader_keyword))
    diff.add(f"{prefix}_{change}", at, reader_keyword, written, readable)


def compare_unevaluated(
    diff: Comparer, writer: Node, reader: Node, path: str, keyword: str
) -> None:
    """``unevaluatedProperties``/``unevaluatedItems``, step by step as Confluent judges them.

    Unlike ``additionalProperties``, an absent keyword is not the same as ``true`` here:
    adding ``true`` is NARROWED and dropping it EXTENDED, as Confluent's differ reports them.
    """
    written, readable = writer.schema.get(keyword), reader.schema.get(keyword)
    if written is None and readable is None:
        return
    prefix = _unevaluated_rule(keyword)
    at = join(path, escape(keyword))
    if written is None:
        change = "REMOVED" if readable is False else "NARROWED"
    elif readable is None:
        change = "ADDED" if written is False else "EXTENDED"
    elif (written is False) != (readable is False):
        change = "ADDED" if written is False else "REMOVED"
    elif is_empty(written) != is_empty(readable):
        change = "NARROWED" if is_empty(written) else "EXTENDED"
    elif written is False or is_empty(written):
        return
    else:
        diff.compare(writer.child(written), reader.child(readable), at)
        return
    diff.add(f"{prefix}_{change}", at, keyword, written, readable)


def _unevaluated_rule(keyword: str) -> str:
    return "UNEVALUATED_PROPERTIES" if keyword == "unevaluatedProperties" else "UNEVALUATED_ITEMS"


_ADDITIONAL_PROPERTIES = ("additionalProperties", "additionalProperties", "ADDITIONAL_PROPERTIES")
_ADDITIONAL_ITEMS = ("additionalItems", "additionalItems", "ADDITIONAL_ITEMS")


def compare_objects(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    """Properties, required, content model, property names, dependencies and size bounds."""
    ws, rs = writer.schema, reader.schema
    for keyword in ("maxProperties", "minProperties"):
        compare_limit(diff, path, keyword, ws.get(keyword), rs.get(keyword))
    written = ws.get("properties") if isinstance(ws.get("properties"), dict) else {}
    readable = rs.get("properties") if isinstance(rs.get("properties"), dict) else {}
    required = set(rs.get("required") or ())
    for name, sub in readable.items():
        target = join(path, f"properties/{escape(name)}")
        if name in written:
            diff.compare(writer.child(written[name]), reader.child(sub), target)
        else:
            _property_added(diff, writer, reader.child(sub), name, name in required, target)
    for name, sub in written.items():
        if name not in readable:
            target = join(path, f"properties/{escape(name)}")
            _property_removed(diff, writer.child(sub), reader, name, target)
    _compare_required(diff, writer, reader, path, written, readable)
    compare_open(diff, writer, reader, path, _ADDITIONAL_PROPERTIES)
    compare_unevaluated(diff, writer, reader, path, "unevaluatedProperties")
    _compare_pattern_properties(diff, writer, reader, path)
    compare_subschema(diff, writer, reader, path, "propertyNames")
    _compare_dependencies(diff, writer, reader, path)


def _has_default(diff: Comparer, node: Node) -> bool:
    schema = diff.deref(node).schema
    return isinstance(schema, dict) and "default" in schema


def _property_added(
    diff: Comparer, writer: Node, added: Node, name: str, required: bool, path: str
) -> None:
    ws = writer.schema
    model = _model_of(_additional(ws), ws.get("patternProperties"))
    default = required and _has_default(diff, added)
    if model is Model.OPEN:
        if required:
            kind = "REQUIRED_PROPERTY_WITH_DEFAULT" if default else "REQUIRED_PROPERTY"
        elif is_empty(added.schema):
            kind = "PROPERTY_WITH_EMPTY_SCHEMA"
        else:
            kind = "OPTIONAL_PROPERTY"
        diff.add(f"{kind}_ADDED_TO_OPEN_CONTENT_MODEL", path, name)
        return
    if model is Model.PARTIAL:
        reasons = [diff.covers(writer.child(cover), added, path) for cover in _covering(ws, name)]
        failed = next((reason for reason in reasons if reason is not None), None)
        if failed is None:
            diff.add("PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", path, name)
        else:
            diff.add(
                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                path,
                name,
                info=summary(failed),
            )
    # Closed and partially open alike: the new property must not be required of old data.
    if required:
        kind = "REQUIRED_PROPERTY_WITH_DEFAULT" if default else "REQUIRED_PROPERTY"
    else:
        kind = "OPTIONAL_PROPERTY"
    diff.add(f"{kind}_ADDED_TO_UNOPEN_CONTENT_MODEL", path, name)


def _property_removed(diff: Comparer, removed: Node, reader: Node, name: str, path: str) -> None:
    rs = reader.schema
    model = _model_of(_additional(rs), rs.get("patternProperties"))
    if model is Model.OPEN:
        diff.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", path, name)
    elif model is Model.CLOSED:
        if removed.schema is False:
            diff.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", path, name)
        else:
            diff.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", path, name)
    else:
        reasons = [diff.covers(removed, reader.child(cover), path) for cover in _covering(rs, name)]
        failed = next((reason for reason in reasons if reason is not None), None)
        if failed is None:
            diff.add("PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", path, name)
        else:
            diff.add(
                "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                path,
                name,
                info=summary(failed),
            )


def _compare_required(
    diff: Comparer,
    writer: Node,
    reader: Node,
    path: str,
    written: dict[str, Any],
    readable: dict[str, Any],
) -> None:
    """``required`` of the properties both schemas declare, as Confluent compares it.

    A property one side lacks is judged with the content model instead; a name required but
    declared by neither schema is not compared at all (Confluent's labelled case
    "Detect required array to be changed" is compatible).
    """
    before = set(writer.schema.get("required") or ())
    after = set(reader.schema.get("required") or ())
    for name in written:
        if name not in readable or (name in before) == (name in after):
            continue
        if name in before:
            diff.add("REQUIRED_ATTRIBUTE_REMOVED", _required(path, name), name)
        elif _has_default(diff, reader.child(readable[name])):
            diff.add("REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", _required(path, name), name)
        else:
            diff.add("REQUIRED_ATTRIBUTE_ADDED", _required(path, name), name)


def _required(path: str, name: str) -> str:
    return join(path, f"required/{escape(name)}")


def _compare_pattern_properties(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    written = writer.schema.get("patternProperties") or {}
    readable = reader.schema.get("patternProperties") or {}
    for pattern, sub in readable.items():
        target = join(path, f"patternProperties/{escape(pattern)}")
        if pattern in written:
            diff.compare(writer.child(written[pattern]), reader.child(sub), target)
            continue
        # Names matching a new pattern used to fall under the writer's additionalProperties.
        cover = writer.child(_additional(writer.schema))
        reason = diff.accepts(cover, reader.child(sub), target)
        if reason is not None:
            rule = "ADDITIONAL_PROPERTIES_NARROWED"
            diff.add(rule, target, "patternProperties", None, pattern, summary(reason))
    for pattern, sub in written.items():
        if pattern in readable:
            continue
        cover = reader.child(_additional(reader.schema))
        target = join(path, f"patternProperties/{escape(pattern)}")
        reason = diff.accepts(writer.child(sub), cover, target)
        if reason is not None:
            rule = "ADDITIONAL_PROPERTIES_NARROWED"
            diff.add(rule, target, "patternProperties", pattern, None, summary(reason))


def _dependencies(schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(name -> (keyword, required names), name -> (keyword, schema)) in any draft's spelling."""
    arrays: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for keyword in ("dependencies", "dependentRequired", "dependentSchemas"):
        value = schema.get(keyword)
        if not isinstance(value, dict):
            continue
        for name, dependency in value.items():
            if isinstance(dependency, list) and keyword != "dependentSchemas":
                arrays[name] = (keyword, dependency)
            elif isinstance(dependency, dict | bool) and keyword != "dependentRequired":
                schemas[name] = (keyword, dependency)
    return arrays, schemas


def _compare_dependencies(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    written_arrays, written_schemas = _dependencies(writer.schema)
    readable_arrays, readable_schemas = _dependencies(reader.schema)
    for name in {**readable_arrays, **written_arrays}:
        keyword, before = written_arrays.get(name, (None, None))
        keyword, after = readable_arrays.get(name, (keyword, None))
        subject = f"{keyword}/{name}"
        at = join(path, f"{keyword}/{escape(name)}")
        if after is None:
            diff.add("DEPENDENCY_ARRAY_REMOVED", at, subject, before, None)
        elif before is None:
            diff.add("DEPENDENCY_ARRAY_ADDED", at, subject, None, after)
        elif set(after) != set(before):
            if set(after) < set(before):
                change = "NARROWED"
            elif set(after) > set(before):
                change = "EXTENDED"
            else:
                change = "CHANGED"
            diff.add(f"DEPENDENCY_ARRAY_{change}", at, subject, before, after)
    for name in {**readable_schemas, **written_schemas}:
        keyword, before = written_schemas.get(name, (None, None))
        keyword, after = readable_schemas.get(name, (keyword, None))
        subject = f"{keyword}/{name}"
        at = join(path, f"{keyword}/{escape(name)}")
        if after is None or is_empty(after):
            if before is not None and not is_empty(before):
                diff.add("DEPENDENCY_SCHEMA_REMOVED", at, subject, before, after)
        elif before is None:
            diff.add("DEPENDENCY_SCHEMA_ADDED", at, subject, None, after)
        else:
            diff.compare(writer.child(before), reader.child(after), at)


class _Tuple(NamedTuple):
    """An array schema as positional item schemas plus the schema for the remaining items."""

    prefix_keyword: str
    prefix: list[Any] | None
    rest_keyword: str


def _tuple_of(schema: dict[str, Any]) -> _Tuple:
    if isinstance(schema.get("prefixItems"), list):
        return _Tuple("prefixItems", schema["prefixItems"], "items")
    if isinstance(schema.get("items"), list):
        return _Tuple("items", schema["items"], "additionalItems")
    return _Tuple("items", None, "items")


def compare_arrays(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    """Items (single or tuple), contains, uniqueness and size bounds."""
    ws, rs = writer.schema, reader.schema
    for keyword in ("maxItems", "minItems", "maxContains", "minContains"):
        compare_limit(diff, path, keyword, ws.get(keyword), rs.get(keyword))
    if rs.get("uniqueItems") is True and ws.get("uniqueItems") is not True:
        at = join(path, "uniqueItems")
        diff.add("UNIQUE_ITEMS_ADDED", at, "uniqueItems", ws.get("uniqueItems"), True)
    elif ws.get("uniqueItems") is True and rs.get("uniqueItems") is not True:
        at = join(path, "uniqueItems")
        diff.add("UNIQUE_ITEMS_REMOVED", at, "uniqueItems", True, rs.get("uniqueItems"))
    _compare_items(diff, writer, reader, path)
    compare_subschema(diff, writer, reader, path, "contains")
    compare_unevaluated(diff, writer, reader, path, "unevaluatedItems")


def _compare_items(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    before, after = _tuple_of(writer.schema), _tuple_of(reader.schema)
    if before.prefix is None and after.prefix is None:
        compare_subschema(diff, writer, reader, path, "items")
        # Meaningless without a tuple, but Confluent still compares it; so do we.
        compare_open(diff, writer, reader, path, _ADDITIONAL_ITEMS)
        return
    written, readable = before.prefix or [], after.prefix or []
    keyword = after.prefix_keyword if after.prefix is not None else before.prefix_keyword
    # Without a schema for the rest, unevaluatedItems decides what may follow the tuple.
    rest_before = writer.schema.get(before.rest_keyword, writer.schema.get("unevaluatedItems"))
    rest_after = reader.schema.get(after.rest_keyword, reader.schema.get("unevaluatedItems"))
    for index in range(max(len(written), len(readable))):
        target = join(path, f"{keyword}/{index}")
        if index < len(written) and index < len(readable):
            diff.compare(writer.child(written[index]), reader.child(readable[index]), target)
        elif index < len(readable):
            _item_added(diff, writer, rest_before, reader.child(readable[index]), index, target)
        else:
            _item_removed(diff, writer.child(written[index]), reader, rest_after, index, target)
    rest = (before.rest_keyword, after.rest_keyword, "ADDITIONAL_ITEMS")
    compare_open(diff, writer, reader, path, rest)


def _item_added(
    diff: Comparer, writer: Node, rest: Any, added: Node, index: int, path: str
) -> None:
    model = _model_of(rest)
    if model is Model.OPEN:
        empty = is_empty(added.schema)
        rule = "ITEM_WITH_EMPTY_SCHEMA_ADDED" if empty else "ITEM_ADDED"
        diff.add(f"{rule}_TO_OPEN_CONTENT_MODEL", path, str(index))
    elif model is Model.CLOSED:
        diff.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", path, str(index))
    else:
        reason = diff.covers(writer.child(rest), added, path)
        coverage = "IS_COVERED" if reason is None else "NOT_COVERED"
        info = "" if reason is None else summary(reason)
        rule = f"ITEM_ADDED_{coverage}_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        diff.add(rule, path, str(index), info=info)


def _item_removed(
    diff: Comparer, removed: Node, reader: Node, rest: Any, index: int, path: str
) -> None:
    model = _model_of(rest)
    if model is Model.OPEN:
        diff.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", path, str(index))
    elif model is Model.CLOSED:
        rule = "ITEM_WITH_FALSE_REMOVED" if removed.schema is False else "ITEM_REMOVED"
        diff.add(f"{rule}_FROM_CLOSED_CONTENT_MODEL", path, str(index))
    else:
        reason = diff.covers(removed, reader.child(rest), path)
        coverage = "IS_COVERED" if reason is None else "NOT_COVERED"
        info = "" if reason is None else summary(reason)
        rule = f"ITEM_REMOVED_{coverage}_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        diff.add(rule, path, str(index), info=info)
