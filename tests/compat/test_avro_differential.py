"""evcat's Avro checker against Apache Avro's own, on generated schema evolutions.

Pairs come from mutating a few realistic event schemas with a seeded generator. Every pair is
judged in both directions by evcat and by ``avro.compatibility``: the verdicts and the sets of
incompatibility types must agree exactly. A property test then checks the verdicts against
data: what evcat calls backward compatible must decode, and every reported path must lead to
a node where the two schemas really differ.

Named types are written with full names and record aliases fully qualified: Python's ``avro``
compares aliases as written while Java's Avro (which Confluent runs, and evcat follows)
qualifies them with the namespace, so only qualified aliases have one right answer.
"""

from __future__ import annotations

import copy
import io
import json
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import avro.schema
import fastavro
from avro.compatibility import ReaderWriterCompatibilityChecker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evcat.compat.avro.check import check_avro
from evcat.formats.avro import AVRO_FORMAT, PRIMITIVES

PRIMITIVE_LIST = sorted(PRIMITIVES)

ORDER_PLACED = {
    "type": "record",
    "name": "com.acme.orders.OrderPlaced",
    "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "customer_id", "type": "long"},
        {"name": "amount", "type": "double"},
        {
            "name": "currency",
            "type": {
                "type": "enum",
                "name": "com.acme.orders.Currency",
                "symbols": ["EUR", "USD", "GBP"],
            },
        },
        {
            "name": "items",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "com.acme.orders.LineItem",
                    "fields": [
                        {"name": "sku", "type": "string"},
                        {"name": "qty", "type": "int"},
                        {"name": "unit_price", "type": "float"},
                    ],
                },
            },
        },
        {
            "name": "shipping",
            "type": {
                "type": "record",
                "name": "com.acme.orders.Address",
                "fields": [
                    {"name": "street", "type": "string"},
                    {"name": "city", "type": "string"},
                    {"name": "zip", "type": ["null", "string"], "default": None},
                ],
            },
        },
        {"name": "billing", "type": ["null", "com.acme.orders.Address"], "default": None},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "attributes", "type": {"type": "map", "values": "string"}},
        {"name": "checksum", "type": {"type": "fixed", "name": "com.acme.orders.MD5", "size": 16}},
        {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ],
}

USER_SIGNED_UP = {
    "type": "record",
    "name": "UserSignedUp",
    "fields": [
        {"name": "user_id", "type": "string"},
        {"name": "email", "type": "string"},
        {"name": "age", "type": ["null", "int"], "default": None},
        {
            "name": "status",
            "type": {
                "type": "enum",
                "name": "Status",
                "symbols": ["ACTIVE", "PENDING"],
                "default": "ACTIVE",
            },
        },
        {"name": "score", "type": "float"},
        {"name": "avatar", "type": "bytes"},
        {
            "name": "prefs",
            "type": {
                "type": "map",
                "values": {
                    "type": "record",
                    "name": "Pref",
                    "fields": [
                        {"name": "enabled", "type": "boolean"},
                        {"name": "level", "type": "int", "default": 0},
                    ],
                },
            },
        },
        {"name": "verified", "type": "boolean", "default": False},
    ],
}

TREE_NODE = {
    "type": "record",
    "name": "com.acme.tree.Node",
    "fields": [
        {"name": "value", "type": "int"},
        {"name": "label", "type": "string"},
        {"name": "children", "type": {"type": "array", "items": "com.acme.tree.Node"}},
        {"name": "next", "type": ["null", "com.acme.tree.Node"], "default": None},
    ],
}

PAYMENT_CAPTURED = {
    "type": "record",
    "name": "com.acme.pay.PaymentCaptured",
    "fields": [
        {"name": "payment_id", "type": {"type": "fixed", "name": "com.acme.pay.Uuid", "size": 16}},
        {
            "name": "amount",
            "type": {
                "type": "record",
                "name": "com.acme.pay.Money",
                "fields": [
                    {"name": "units", "type": "long"},
                    {"name": "nanos", "type": "int"},
                    {"name": "currency", "type": "string"},
                ],
            },
        },
        {"name": "fee", "type": ["null", "com.acme.pay.Money"], "default": None},
        {
            "name": "method",
            "type": {
                "type": "enum",
                "name": "com.acme.pay.Method",
                "symbols": ["CARD", "SEPA", "WALLET"],
            },
        },
        {"name": "metadata", "type": {"type": "map", "values": ["null", "string", "long"]}},
        {"name": "attempts", "type": {"type": "array", "items": "int"}},
        {"name": "outcome", "type": ["string", "com.acme.pay.Method"]},
    ],
}

BASES = (ORDER_PLACED, USER_SIGNED_UP, TREE_NODE, PAYMENT_CAPTURED)
NAMED = ("record", "enum", "fixed")


def _nodes(node: Any) -> Iterator[Any]:
    """Every schema node (dict, list or str) under ``node``, in document order."""
    yield node
    if isinstance(node, list):
        for branch in node:
            yield from _nodes(branch)
    elif isinstance(node, dict):
        if node["type"] == "record":
            for field in node["fields"]:
                yield from _nodes(field["type"])
        elif node["type"] == "array":
            yield from _nodes(node["items"])
        elif node["type"] == "map":
            yield from _nodes(node["values"])


def _slots(tree: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) holding a type below the root."""
    found: list[tuple[Any, Any]] = []
    for node in _nodes(tree):
        if isinstance(node, list):
            found += [(node, index) for index in range(len(node))]
        elif isinstance(node, dict) and node["type"] == "record":
            found += [(field, "type") for field in node["fields"]]
        elif isinstance(node, dict) and node["type"] in ("array", "map"):
            found.append((node, "items" if node["type"] == "array" else "values"))
    return found


def _definitions(tree: Any) -> dict[str, Any]:
    return {
        node["name"]: node
        for node in _nodes(tree)
        if isinstance(node, dict) and node["type"] in NAMED
    }


def _references(tree: Any) -> Counter[str]:
    return Counter(n for n in _nodes(tree) if isinstance(n, str) and n not in PRIMITIVES)


def _orphans(tree: Any, part: Any) -> bool:
    """Would dropping ``part`` leave a reference in ``tree`` to a type only ``part`` defines?"""
    outside = _references(tree) - _references(part)
    return any(name in outside for name in _definitions(part))


def _kind(node: Any, named: dict[str, Any]) -> str:
    if isinstance(node, list):
        return "union"
    if isinstance(node, str):
        return node if node in PRIMITIVES else str(named[node]["type"])
    return str(node["type"])


def _default_for(node: Any, named: dict[str, Any], depth: int = 0) -> Any:
    """A valid default for ``node``; raises ``ValueError`` where none is practical."""
    if depth > 4:
        raise ValueError("too deep")
    if isinstance(node, list):
        return _default_for(node[0], named, depth + 1)
    if isinstance(node, str) and node not in PRIMITIVES:
        node = named[node]
    kind = node if isinstance(node, str) else node["type"]
    simple = {"null": None, "boolean": False, "int": 0, "long": 0, "float": 0.0, "double": 0.0}
    if kind in simple:
        return simple[kind]
    if kind in ("string", "bytes"):
        return ""
    if kind == "enum":
        return node["symbols"][0]
    if kind == "fixed":
        return "\u0000" * node["size"]
    if kind == "array":
        return []
    if kind == "map":
        return {}
    return {f["name"]: _default_for(f["type"], named, depth + 1) for f in node["fields"]}


class Mutator:
    """Seeded random edits of one schema, each the kind of change a team makes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0

    def fresh(self, stem: str) -> str:
        self.serial += 1
        return f"{stem}{self.serial}"

    def random_type(self, named: dict[str, Any]) -> Any:
        rng = self.rng
        roll = rng.random()
        primitive = rng.choice(PRIMITIVE_LIST)
        if roll < 0.5:
            return primitive
        if roll < 0.65:
            return ["null", rng.choice([p for p in PRIMITIVE_LIST if p != "null"])]
        if roll < 0.75:
            return {"type": rng.choice(["array", "map"]), "items": primitive, "values": primitive}
        if roll < 0.85:
            symbols = rng.sample(["A", "B", "C", "D"], rng.randint(1, 3))
            return {"type": "enum", "name": f"gen.{self.fresh('E')}", "symbols": symbols}
        if roll < 0.9:
            return {"type": "fixed", "name": f"gen.{self.fresh('F')}", "size": rng.randint(1, 8)}
        references = [name for name, node in named.items() if node["type"] != "record"]
        return rng.choice(references) if references else primitive

    def mutate(self, tree: Any) -> Any:
        tree = copy.deepcopy(tree)
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            operation = self.rng.choice(self.operations)
            operation(self, tree)
        _repair_defaults(tree)
        return _tidy(tree)

    def add_field(self, tree: Any) -> None:
        record = self.rng.choice(_records(tree))
        field: dict[str, Any] = {
            "name": self.fresh("added_"),
            "type": self.random_type(_definitions(tree)),
        }
        if self.rng.random() < 0.5:
            field["default"] = None
        record["fields"].append(field)

    def remove_field(self, tree: Any) -> None:
        record = self.rng.choice(_records(tree))
        candidates = [f for f in record["fields"] if not _orphans(tree, f["type"])]
        if len(record["fields"]) > 1 and candidates:
            record["fields"].remove(self.rng.choice(candidates))

    def retype(self, tree: Any) -> None:
        named = _definitions(tree)
        slots = [
            (holder, key)
            for holder, key in _slots(tree)
            if isinstance(holder[key], str)
            or (isinstance(holder[key], dict) and holder[key]["type"] in PRIMITIVES)
        ]
        if not slots:
            return
        holder, key = self.rng.choice(slots)
        if isinstance(holder, list):
            taken = {_kind(branch, named) for branch in holder}
            choices = [p for p in PRIMITIVE_LIST if p not in taken]
            if choices:
                holder[key] = self.rng.choice(choices)
        else:
            holder[key] = self.random_type(named)

    def toggle_null(self, tree: Any) -> None:
        holder, key = self.rng.choice([s for s in _slots(tree) if not isinstance(s[0], list)])
        current = holder[key]
        if isinstance(current, list):
            if len(current) == 2 and "null" in current:
                holder[key] = next(b for b in current if b != "null")
        elif current != "null":
            holder[key] = ["null", current] if self.rng.random() < 0.7 else [current, "null"]

    def change_union(self, tree: Any) -> None:
        unions = [node for node in _nodes(tree) if isinstance(node, list)]
        if not unions:
            return
        union = self.rng.choice(unions)
        named = _definitions(tree)
        taken = {_kind(branch, named) for branch in union}
        spare = [p for p in PRIMITIVE_LIST if p not in taken]
        if self.rng.random() < 0.5 and spare:
            union.insert(self.rng.randint(0, len(union)), self.rng.choice(spare))
        elif len(union) > 1:
            index = self.rng.randrange(len(union))
            if not _orphans(tree, union[index]):
                del union[index]

    def change_enum(self, tree: Any) -> None:
        enums = [n for n in _definitions(tree).values() if n["type"] == "enum"]
        if not enums:
            return
        enum = self.rng.choice(enums)
        roll = self.rng.random()
        if roll < 0.35:
            enum["symbols"].append(self.fresh("S"))
        elif roll < 0.7 and len(enum["symbols"]) > 1:
            gone = self.rng.choice(enum["symbols"])
            enum["symbols"].remove(gone)
            if enum.get("default") == gone:
                enum["default"] = enum["symbols"][0]
        elif "default" in enum:
            del enum["default"]
        else:
            enum["default"] = self.rng.choice(enum["symbols"])

    def change_fixed_size(self, tree: Any) -> None:
        fixeds = [n for n in _definitions(tree).values() if n["type"] == "fixed"]
        if fixeds:
            self.rng.choice(fixeds)["size"] += self.rng.choice((-1, 1, 8))

    def rename_type(self, tree: Any) -> None:
        definition = self.rng.choice(list(_definitions(tree).values()))
        old = definition["name"]
        namespace, _, short = old.rpartition(".")
        # Moving a namespace-less type would move the unqualified types nested in it too,
        # turning their aliases into the ambiguous case described at the top of this module.
        if namespace and self.rng.random() < 0.3:
            new = f"moved.{short}"
        else:
            new = f"{namespace}.{self.fresh(short)}" if namespace else self.fresh(short)
        definition["name"] = new
        if self.rng.random() < 0.5:
            definition["aliases"] = [old]
        for holder, key in _slots(tree):
            if holder[key] == old:
                holder[key] = new

    def rename_field(self, tree: Any) -> None:
        record = self.rng.choice(_records(tree))
        field = self.rng.choice(record["fields"])
        old = field["name"]
        field["name"] = self.fresh(f"{old}_")
        if self.rng.random() < 0.6:
            field["aliases"] = [old]

    operations = (
        add_field,
        remove_field,
        retype,
        retype,
        toggle_null,
        change_union,
        change_enum,
        change_fixed_size,
        rename_type,
        rename_field,
    )


def _records(tree: Any) -> list[Any]:
    return [n for n in _definitions(tree).values() if n["type"] == "record"]


def _repair_defaults(tree: Any) -> None:
    """Give every field that has a default one its (possibly new) type accepts."""
    named = _definitions(tree)
    for record in _records(tree):
        for field in record["fields"]:
            if "default" in field:
                try:
                    field["default"] = _default_for(field["type"], named)
                except ValueError:
                    del field["default"]


def _tidy(tree: Any) -> Any:
    """Drop the keys ``random_type`` sets for both arrays and maps."""
    for node in _nodes(tree):
        if isinstance(node, dict) and node["type"] == "array":
            node.pop("values", None)
        if isinstance(node, dict) and node["type"] == "map":
            node.pop("items", None)
    return tree


def _single_field(field_type: Any) -> dict[str, Any]:
    return {
        "type": "record",
        "name": "com.acme.Reading",
        "fields": [{"name": "v", "type": field_type}],
    }


def _generate_pairs(seed: int, count: int) -> list[tuple[Any, Any]]:
    """Every primitive-to-primitive change, then ``count`` seeded evolutions of the bases."""
    pairs = [(_single_field(a), _single_field(b)) for a in PRIMITIVE_LIST for b in PRIMITIVE_LIST]
    rng = random.Random(seed)
    mutator = Mutator(rng)
    for _ in range(count):
        base = rng.choice(BASES)
        old = mutator.mutate(base) if rng.random() < 0.3 else copy.deepcopy(base)
        pairs.append((old, mutator.mutate(old)))
    return pairs


class Pair:
    """One generated pair parsed both by evcat and by Apache Avro."""

    def __init__(self, old: Any, new: Any) -> None:
        self.old_tree, self.new_tree = old, new
        self.old, self.new = (AVRO_FORMAT.parse(json.dumps(t)) for t in (old, new))
        self.avro_old, self.avro_new = (avro.schema.parse(json.dumps(t)) for t in (old, new))


def _parse_all(trees: list[tuple[Any, Any]]) -> tuple[list[Pair], int]:
    parsed, rejected = [], 0
    for old, new in trees:
        try:
            parsed.append(Pair(old, new))
        except Exception:  # a mutation may produce a schema Avro refuses; count and skip it
            rejected += 1
    return parsed, rejected


PAIRS, REJECTED = _parse_all(_generate_pairs(seed=20_240_611, count=560))


def _avro_verdict(reader: Any, writer: Any) -> set[str]:
    checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]  # avro leaves __init__ unannotated
    result = checker.get_compatibility(reader, writer)
    types = {t.name.upper() for t in result.incompatibilities}
    assert (result.compatibility.name == "compatible") == (not types)
    return types


def _evcat_verdict(pair: Pair, direction: str) -> set[str]:
    if direction == "BACKWARD":
        issues = check_avro(
            pair.new, pair.old, reader_role="new", writer_role="old", policy="STRICT"
        )
    else:
        issues = check_avro(
            pair.old, pair.new, reader_role="old", writer_role="new", policy="STRICT"
        )
    return {issue.rule for issue in issues}


def test_generator_yields_enough_valid_pairs() -> None:
    assert len(PAIRS) >= 500
    assert len(PAIRS) // 10 >= REJECTED


def test_verdicts_and_incompatibility_types_agree_with_apache_avro_both_ways() -> None:
    disagreements = []
    seen: Counter[str] = Counter()
    for pair in PAIRS:
        for direction, reader, writer in (
            ("BACKWARD", pair.avro_new, pair.avro_old),
            ("FORWARD", pair.avro_old, pair.avro_new),
        ):
            theirs = _avro_verdict(reader, writer)
            ours = _evcat_verdict(pair, direction)
            seen.update(ours or {"COMPATIBLE"})
            if ours != theirs:
                disagreements.append((direction, ours, theirs, pair.old_tree, pair.new_tree))
    assert disagreements == []
    # The generator must keep exercising every rule, or agreement would prove little.
    for outcome in (
        "COMPATIBLE",
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "TYPE_MISMATCH",
        "NAME_MISMATCH",
        "MISSING_UNION_BRANCH",
        "MISSING_ENUM_SYMBOLS",
        "FIXED_SIZE_MISMATCH",
    ):
        assert seen[outcome] >= 10, (outcome, seen)


def _expand(node: Any, named: Any) -> Any:
    return named[node] if isinstance(node, str) and node not in PRIMITIVES else node


def _writer_field(field: Any, writer_record: Any) -> Any:
    if not (isinstance(writer_record, dict) and writer_record["type"] == "record"):
        return None
    by_name = {f["name"]: f for f in writer_record["fields"]}
    for name in (field["name"], *field.get("aliases", ())):
        if name in by_name:
            return by_name[name]
    return None


def _follow(path: str, reader: Any, writer: Any) -> tuple[Any, Any]:
    """The reader and writer nodes an Avro location names (numbers pick writer branches)."""
    reader_named, writer_named = reader.model.named, writer.model.named
    here, there = reader.model.schema, writer.model.schema
    steps = [step for step in path.split("/") if step]
    while steps:
        step = steps.pop(0)
        here, there = _expand(here, reader_named), _expand(there, writer_named)
        if step == "fields":
            field = here["fields"][int(steps.pop(0))]
            match = _writer_field(field, there)
            if not steps:
                return field, match
            assert steps.pop(0) == "type"
            here, there = field["type"], None if match is None else match["type"]
        elif step in ("items", "values"):
            here, there = here[step], there[step]
        elif step.isdigit():
            assert isinstance(there, list), path
            there = there[int(step)]
        else:
            assert step in ("name", "symbols", "size") and not steps, path
            return here[step], there[step]
    return _expand(here, reader_named), _expand(there, writer_named)


def _assert_paths_point_at_differences(reader: Any, writer: Any, roles: tuple[str, str]) -> None:
    issues = check_avro(reader, writer, reader_role=roles[0], writer_role=roles[1], policy="STRICT")
    for issue in issues:
        here, there = _follow(issue.path, reader, writer)
        assert here is not None, issue
        assert here != there, issue


def test_every_reported_path_leads_to_a_reader_node_that_differs_from_the_writer() -> None:
    for pair in PAIRS:
        _assert_paths_point_at_differences(pair.new, pair.old, ("new", "old"))
        _assert_paths_point_at_differences(pair.old, pair.new, ("old", "new"))


def _datum(node: Any, named: Any, rng: random.Random, depth: int = 0) -> Any:
    """A random value of ``node``; recursion ends with empty collections and short branches."""
    node = _expand(node, named)
    if isinstance(node, list):
        shallow = [b for b in node if isinstance(b, str) and b in PRIMITIVES]
        branch = rng.choice(shallow if depth > 3 and shallow else node)
        return _datum(branch, named, rng, depth + 1)
    kind = node if isinstance(node, str) else node["type"]
    if isinstance(node, dict) and "logicalType" in node:
        return rng.randint(0, 40_000)  # small enough for every date and time logical type
    size = 0 if depth > 3 else rng.randint(0, 3)
    values: dict[str, Any] = {
        "null": lambda: None,
        "boolean": lambda: rng.random() < 0.5,
        "int": lambda: rng.randint(-(2**31), 2**31 - 1),
        "long": lambda: rng.randint(-(2**63), 2**63 - 1),
        "float": lambda: rng.uniform(-1e6, 1e6),
        "double": lambda: rng.uniform(-1e300, 1e300),
        # Avro promotes bytes to string on the premise that the bytes hold UTF-8 text.
        "bytes": lambda: "".join(rng.choices("abcxyzé€", k=rng.randint(0, 6))).encode(),
        "string": lambda: "".join(rng.choices("abcxyzé€", k=rng.randint(0, 6))),
        "enum": lambda: rng.choice(node["symbols"]),
        "fixed": lambda: rng.randbytes(node["size"]),
        "array": lambda: [_datum(node["items"], named, rng, depth + 1) for _ in range(size)],
        "map": lambda: {
            f"k{i}": _datum(node["values"], named, rng, depth + 1) for i in range(size)
        },
        "record": lambda: {
            f["name"]: _datum(f["type"], named, rng, depth + 1) for f in node["fields"]
        },
    }
    return values[kind]()


def _pair_from_seed(seed: int) -> Pair | None:
    rng = random.Random(seed)
    mutator = Mutator(rng)
    old = copy.deepcopy(rng.choice(BASES))
    try:
        return Pair(old, mutator.mutate(old))
    except Exception:  # an invalid mutation: nothing to check
        return None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_backward_compatible_verdict_means_old_data_decodes_with_new_schema(seed: int) -> None:
    pair = _pair_from_seed(seed)
    if pair is None:
        return
    issues = check_avro(pair.new, pair.old, reader_role="new", writer_role="old", policy="STRICT")
    if issues:
        _assert_paths_point_at_differences(pair.new, pair.old, ("new", "old"))
        return
    old_schema = fastavro.parse_schema(pair.old_tree)
    new_schema = fastavro.parse_schema(pair.new_tree)
    rng = random.Random(seed)
    for _ in range(5):
        record = _datum(pair.old.model.schema, pair.old.model.named, rng)
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, old_schema, record)
        buffer.seek(0)
        fastavro.schemaless_reader(buffer, old_schema, new_schema)
