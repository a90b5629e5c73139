"""JSON Schema compatibility: Confluent's difference rules, applied from writer to reader.

Both schemas are walked side by side from their roots, following ``$ref`` on each side into
definitions and referenced schemas. Every change becomes a ``Difference`` named as Confluent
names it; the policy (STRICT or LENIENT) decides which of them break reading. Each pair of
subschemas is compared once, which is what makes recursive schemas terminate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from referencing.exceptions import Unresolvable

from evcat.compat.base import STRICT, Incompatibility
from evcat.compat.jsonschema.combined import compare_beside, compare_pure
from evcat.compat.jsonschema.content import compare_arrays, compare_objects
from evcat.compat.jsonschema.keywords import (
    ARRAY,
    CONSTRAINING,
    NUMERIC,
    OBJECT,
    STRING,
    Node,
    applies,
    compare_conditionals,
    compare_not,
    compare_numbers,
    compare_strings,
    compare_types,
    compare_values,
    is_empty,
    pure_combinator,
)
from evcat.compat.jsonschema.rules import Difference, compatible_rules, describe
from evcat.formats.base import ParsedSchema
from evcat.formats.jsonschema.drafts import REF_KEYWORDS
from evcat.formats.jsonschema.format import JsonSchemaModel

# Each level costs about four Python frames: 150 levels stay well inside the default recursion
# limit of 1000 with room for the web stack above, and far beyond any real schema.
MAX_COMPARE_DEPTH = 150
_EMPTY: dict[str, Any] = {}


def check_json(
    reader: ParsedSchema, writer: ParsedSchema, *, reader_role: str, writer_role: str, policy: str
) -> list[Incompatibility]:
    """Every reason ``reader`` cannot read all data valid under ``writer``, under ``policy``."""
    compatible = compatible_rules(policy)
    return [
        describe(found, reader_role, writer_role)
        for found in json_differences(reader, writer, policy)
        if found.rule not in compatible
    ]


def json_differences(
    reader: ParsedSchema, writer: ParsedSchema, policy: str = STRICT
) -> list[Difference]:
    """Every difference from ``writer`` to ``reader``, compatible or not, named as Confluent does.

    The policy matters even here: it decides whether a property is covered by a partially open
    content model, and which alternative of an anyOf reads another.
    """
    diff = Diff(_Shared(compatible_rules(policy)))
    try:
        diff.compare(_root(writer), _root(reader), "#/")
    except RecursionError:
        # Only reachable when the caller already sits deep in the stack; refuse, never crash.
        diff.add("COMPARISON_TOO_DEEP", "#/")
    return diff.found


def _root(schema: ParsedSchema) -> Node:
    model = schema.model
    if not isinstance(model, JsonSchemaModel):
        raise TypeError(f"expected a parsed JSON schema, got {schema.schema_type}")
    return Node(model.document, model.resolver(), model)


@dataclass
class _Shared:
    """State shared by a check and its trial comparisons."""

    compatible: frozenset[str]
    # (writer id, reader id) -> first breaking difference, or None; None also while in
    # progress, which assumes compatibility for pairs met again inside their own comparison.
    verdicts: dict[tuple[int, int], Difference | None] = field(default_factory=dict)
    # (writer id, reader id) -> every difference the trial comparison of that pair found.
    trials: dict[tuple[int, int], list[Difference]] = field(default_factory=dict)
    # Schemas built while comparing, kept alive so that their ids stay unique.
    built: dict[int, dict[str, Any]] = field(default_factory=dict)


class Diff:
    """One comparison: the differences found and the pairs already visited."""

    def __init__(self, shared: _Shared, depth: int = 0) -> None:
        self.shared = shared
        self.found: list[Difference] = []
        self._visited: set[tuple[int, int]] = set()
        self._depth = depth

    def broken(self) -> list[Difference]:
        """The differences that the policy does not accept."""
        return [found for found in self.found if found.rule not in self.shared.compatible]

    def add(
        self,
        rule: str,
        path: str,
        subject: str = "",
        writer_value: Any = None,
        reader_value: Any = None,
        info: str = "",
    ) -> None:
        """Record a difference."""
        self.found.append(Difference(rule, path, subject, writer_value, reader_value, info))

    def compare(self, writer: Node, reader: Node, path: str) -> None:
        """Record every difference between two subschemas, unless this pair was compared."""
        writer, reader = self.deref(writer), self.deref(reader)
        key = (id(writer.schema), id(reader.schema))
        if key in self._visited:
            return
        self._visited.add(key)
        if self._depth >= MAX_COMPARE_DEPTH:
            self.add("COMPARISON_TOO_DEEP", path)
            return
        self._depth += 1
        try:
            _compare_nodes(self, writer, reader, path)
        finally:
            self._depth -= 1

    def accepts(self, writer: Node, reader: Node, path: str) -> Difference | None:
        """Can ``reader`` read all of ``writer``? None if so, else the first reason why not."""
        key = (id(writer.schema), id(reader.schema))
        verdicts = self.shared.verdicts
        if key in verdicts:
            return verdicts[key]
        verdicts[key] = None
        trial = Diff(self.shared, self._depth)
        trial.compare(writer, reader, path)
        broken = trial.broken()
        verdicts[key] = broken[0] if broken else None
        self.shared.trials[key] = trial.found
        return verdicts[key]

    def covers(self, writer: Node, reader: Node, path: str) -> Difference | None:
        """``accepts``, keeping what the comparison found among this comparison's differences.

        Confluent records the differences of a content-model coverage check with the rest, so
        an incompatible one (a type change, say) counts under every policy, LENIENT included.
        """
        reason = self.accepts(writer, reader, path)
        self.found.extend(self.shared.trials.get((id(writer.schema), id(reader.schema)), ()))
        return reason

    def deref(self, node: Node) -> Node:
        """Follow ``$ref`` until a schema that says something itself."""
        for _ in range(64):  # parsing refuses $ref loops; this only bounds a broken input
            schema = node.schema
            keyword = _ref_keyword(schema)
            if keyword is None:
                return node
            if not node.model.draft.ref_overrides_siblings and _constrains_beside_ref(schema):
                return Node(self._with_ref_as_all_of(schema, keyword), node.resolver, node.model)
            try:
                target, resolver = node.model.lookup(schema[keyword], node.resolver)
            except Unresolvable:  # parsing resolved every $ref, so only a foreign model gets here
                return Node(True, node.resolver, node.model)
            node = Node(target, node.model.enter(target, resolver), node.model)
        return node

    def _with_ref_as_all_of(self, schema: dict[str, Any], keyword: str) -> dict[str, Any]:
        # Since 2019-09 a $ref applies beside its siblings, exactly like one more allOf branch.
        built = self.shared.built.get(id(schema))
        if built is None:
            built = {key: value for key, value in schema.items() if key not in REF_KEYWORDS}
            built["allOf"] = [*schema.get("allOf", ()), {keyword: schema[keyword]}]
            self.shared.built[id(schema)] = built
        return built


def _ref_keyword(schema: Any) -> str | None:
    if isinstance(schema, dict):
        for keyword in REF_KEYWORDS:
            if isinstance(schema.get(keyword), str):
                return keyword
    return None


def _constrains_beside_ref(schema: dict[str, Any]) -> bool:
    return any(key in CONSTRAINING and key not in REF_KEYWORDS for key in schema)


def _compare_nodes(diff: Diff, writer: Node, reader: Node, path: str) -> None:
    ws, rs = writer.schema, reader.schema
    if ws is False or is_empty(rs):
        return
    if rs is False:
        written_type = ws.get("type", "any type") if isinstance(ws, dict) else "any type"
        diff.add("TYPE_CHANGED", path, "type", written_type, "no value (false)")
        return
    if ws is True:
        writer = Node(_EMPTY, writer.resolver, writer.model)
        ws = _EMPTY
    written, readable = pure_combinator(ws), pure_combinator(rs)
    if written or readable:
        compare_pure(diff, writer, reader, path, written, readable)
        return
    common = compare_types(diff, ws, rs, path)
    if common is not None and not common:
        return  # the types share nothing: every other keyword difference is noise
    compare_values(diff, ws, rs, path)
    if applies(common, NUMERIC):
        compare_numbers(diff, ws, rs, path)
    if applies(common, STRING):
        compare_strings(diff, ws, rs, path)
    if applies(common, ARRAY):
        compare_arrays(diff, writer, reader, path)
    if applies(common, OBJECT):
        compare_objects(diff, writer, reader, path)
    compare_not(diff, writer, reader, path)
    compare_conditionals(diff, writer, reader, path)
    compare_beside(diff, writer, reader, path)
