"""evcat's Protobuf checker: Confluent's difference rules, in both directions.

Each incompatible difference type has a row: an old and a new schema, the differences expected
when the new schema reads old data (BACKWARD) and when the old schema reads new data (FORWARD,
the same diff with the roles swapped). Compatible changes must report nothing. The checker is
then compared with ``buf breaking`` (WIRE rules) on generated schema pairs where Confluent's
rules and buf's agree, and the places where they disagree (listed in docs/compat-protobuf.md)
are pinned so the document stays true.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from evcat.compat import CompatibilityLevel
from evcat.compat.levels import check_pair
from evcat.compat.protobuf.check import check_protobuf
from evcat.formats.base import ParsedSchema, SchemaReference
from evcat.formats.protobuf.format import PROTOBUF_FORMAT

P3 = 'syntax = "proto3";\n'
P2 = 'syntax = "proto2";\n'


def parse(text: str, references: dict[str, tuple[ParsedSchema, int]] | None = None) -> ParsedSchema:
    refs = references or {}
    return PROTOBUF_FORMAT.parse(
        text,
        [SchemaReference(name, name, version) for name, (_, version) in refs.items()],
        {name: schema for name, (schema, _) in refs.items()},
    )


def differences(reader: ParsedSchema, writer: ParsedSchema, roles: tuple[str, str]) -> set:
    found = check_protobuf(reader, writer, reader_role=roles[0], writer_role=roles[1], policy="")
    return {(issue.rule, issue.path) for issue in found}


def both_ways(old: str, new: str) -> tuple[set, set]:
    """(what BACKWARD reports, what FORWARD reports) for ``old`` -> ``new``."""
    before, after = parse(old), parse(new)
    return differences(after, before, ("new", "old")), differences(before, after, ("old", "new"))


INCOMPATIBLE = [
    (
        "PACKAGE_CHANGED",
        'syntax = "proto3";\npackage shop.v1;\nmessage M { int32 a = 1; }',
        'syntax = "proto3";\npackage shop.v2;\nmessage M { int32 a = 1; }',
        {("PACKAGE_CHANGED", "#/")},
        {("PACKAGE_CHANGED", "#/")},
    ),
    (
        "MESSAGE_REMOVED",
        P3 + "message M { int32 a = 1; }\nmessage Gone { int32 b = 1; }",
        P3 + "message M { int32 a = 1; }",
        {("MESSAGE_REMOVED", "#/Gone")},
        set(),
    ),
    (
        "MESSAGE_REMOVED (nested)",
        P3 + "message M { message Inner { int32 b = 1; } int32 a = 1; }",
        P3 + "message M { int32 a = 1; }",
        {("MESSAGE_REMOVED", "#/M/Inner")},
        set(),
    ),
    (
        "FIELD_KIND_CHANGED",
        P3 + "message M { int32 a = 1; }\nmessage N {}",
        P3 + "message M { N a = 1; }\nmessage N {}",
        {("FIELD_KIND_CHANGED", "#/M/1")},
        {("FIELD_KIND_CHANGED", "#/M/1")},
    ),
    (
        "FIELD_KIND_CHANGED (map)",
        P3 + "message M { map<string, int32> a = 1; }",
        P3 + "message M { repeated int32 a = 1; }",
        {("FIELD_KIND_CHANGED", "#/M/1")},
        {("FIELD_KIND_CHANGED", "#/M/1")},
    ),
    (
        "FIELD_SCALAR_KIND_CHANGED",
        P3 + "message M { int64 a = 1; }",
        P3 + "message M { sint64 a = 1; }",
        {("FIELD_SCALAR_KIND_CHANGED", "#/M/1")},
        {("FIELD_SCALAR_KIND_CHANGED", "#/M/1")},
    ),
    (
        "FIELD_SCALAR_KIND_CHANGED (map value)",
        P3 + "message M { map<string, fixed32> a = 1; }",
        P3 + "message M { map<string, fixed64> a = 1; }",
        {("FIELD_SCALAR_KIND_CHANGED", "#/M/1")},
        {("FIELD_SCALAR_KIND_CHANGED", "#/M/1")},
    ),
    (
        "FIELD_NAMED_TYPE_CHANGED",
        P3 + "message M { A a = 1; }\nmessage A {}\nmessage B {}",
        P3 + "message M { B a = 1; }\nmessage A {}\nmessage B {}",
        {("FIELD_NAMED_TYPE_CHANGED", "#/M/1")},
        {("FIELD_NAMED_TYPE_CHANGED", "#/M/1")},
    ),
    (
        "FIELD_NUMERIC_LABEL_CHANGED",
        P3 + "message M { optional double a = 1; }",
        P3 + "message M { repeated double a = 1; }",
        {("FIELD_NUMERIC_LABEL_CHANGED", "#/M/1")},
        {("FIELD_NUMERIC_LABEL_CHANGED", "#/M/1")},
    ),
    (
        "FIELD_NUMERIC_LABEL_CHANGED (proto2 required to optional)",
        P2 + "message M { required int32 a = 1; }",
        P2 + "message M { optional int32 a = 1; }",
        {("FIELD_NUMERIC_LABEL_CHANGED", "#/M/1")},
        {("FIELD_NUMERIC_LABEL_CHANGED", "#/M/1")},
    ),
    (
        "REQUIRED_FIELD_ADDED",
        P2 + "message M { optional int32 a = 1; }",
        P2 + "message M { optional int32 a = 1; required string b = 2; }",
        {("REQUIRED_FIELD_ADDED", "#/M/2")},
        {("REQUIRED_FIELD_REMOVED", "#/M/2")},
    ),
    (
        "REQUIRED_FIELD_REMOVED",
        P2 + "message M { optional int32 a = 1; required string b = 2; }",
        P2 + "message M { optional int32 a = 1; }",
        {("REQUIRED_FIELD_REMOVED", "#/M/2")},
        {("REQUIRED_FIELD_ADDED", "#/M/2")},
    ),
    (
        "ONEOF_FIELD_REMOVED",
        P3 + "message M { oneof pay { string card = 1; int64 points = 2; } }",
        P3 + "message M { oneof pay { string card = 1; } }",
        {("ONEOF_FIELD_REMOVED", "#/M/pay/2")},
        set(),
    ),
    (
        "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
        P3 + "message M { string card = 1; int64 points = 2; }",
        P3 + "message M { oneof pay { string card = 1; int64 points = 2; } }",
        {("MULTIPLE_FIELDS_MOVED_TO_ONEOF", "#/M/pay")},
        set(),
    ),
    (
        "FIELD_MOVED_TO_EXISTING_ONEOF",
        P3 + "message M { string card = 1; oneof pay { int64 points = 2; } }",
        P3 + "message M { oneof pay { string card = 1; int64 points = 2; } }",
        {("FIELD_MOVED_TO_EXISTING_ONEOF", "#/M/pay")},
        set(),
    ),
    (
        "FIELD_MOVED_TO_EXISTING_ONEOF (field moved out of a oneof, read forward)",
        P3 + "message M { oneof pay { string card = 1; int64 points = 2; } }",
        P3 + "message M { string card = 1; oneof pay { int64 points = 2; } }",
        set(),
        {("FIELD_MOVED_TO_EXISTING_ONEOF", "#/M/pay")},
    ),
    (
        "FIELD_SCALAR_KIND_CHANGED (nested message, through the field)",
        P3 + "message M { message I { int32 x = 1; } I i = 1; }",
        P3 + "message M { message I { string x = 1; } I i = 1; }",
        {("FIELD_SCALAR_KIND_CHANGED", "#/M/I/1")},
        {("FIELD_SCALAR_KIND_CHANGED", "#/M/I/1")},
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "backward", "forward"),
    [row[1:] for row in INCOMPATIBLE],
    ids=[row[0] for row in INCOMPATIBLE],
)
def test_each_incompatible_difference_is_reported_in_both_directions(
    old: str, new: str, backward: set, forward: set
) -> None:
    assert both_ways(old, new) == (backward, forward)


@pytest.mark.parametrize(
    ("old", "new", "backward", "forward"),
    [row[1:] for row in INCOMPATIBLE],
    ids=[row[0] for row in INCOMPATIBLE],
)
def test_swapping_the_schemas_mirrors_the_verdicts(
    old: str, new: str, backward: set, forward: set
) -> None:
    assert both_ways(new, old) == (forward, backward)


COMPATIBLE = {
    "field added": (
        P3 + "message M { int32 a = 1; }",
        P3 + "message M { int32 a = 1; int32 b = 2; }",
    ),
    "field removed": (
        P3 + "message M { int32 a = 1; int32 b = 2; }",
        P3 + "message M { int32 a = 1; }",
    ),
    "field renamed": (P3 + "message M { int32 a = 1; }", P3 + "message M { int32 renamed = 1; }"),
    "varint group": (P3 + "message M { int32 a = 1; }", P3 + "message M { uint64 a = 1; }"),
    "int to enum": (
        P3 + "message M { int32 a = 1; }",
        P3 + "message M { E a = 1; }\nenum E { Z = 0; }",
    ),
    "bool to int": (P3 + "message M { bool a = 1; }", P3 + "message M { int64 a = 1; }"),
    "string and bytes": (P3 + "message M { string a = 1; }", P3 + "message M { bytes a = 1; }"),
    "fixed32 group": (P3 + "message M { fixed32 a = 1; }", P3 + "message M { sfixed32 a = 1; }"),
    "string label": (
        P3 + "message M { optional string a = 1; }",
        P3 + "message M { repeated string a = 1; }",
    ),
    "message label": (
        P3 + "message M { optional N a = 1; }\nmessage N {}",
        P3 + "message M { repeated N a = 1; }\nmessage N {}",
    ),
    "implicit proto3 label": (
        P3 + "message M { int32 a = 1; }",
        P3 + "message M { optional int32 a = 1; }",
    ),
    "enum value added and removed": (
        P3 + "enum E { A = 0; B = 1; }\nmessage M { E e = 1; }",
        P3 + "enum E { A = 0; C = 2; }\nmessage M { E e = 1; }",
    ),
    "enum added and removed": (
        P3 + "enum E { A = 0; }\nmessage M {}",
        P3 + "enum F { A = 0; }\nmessage M {}",
    ),
    "messages reordered": (P3 + "message A {}\nmessage B {}", P3 + "message B {}\nmessage A {}"),
    "one field into a new oneof": (
        P3 + "message M { int32 a = 1; int32 b = 2; }",
        P3 + "message M { int32 a = 1; oneof o { int32 b = 2; int32 c = 3; } }",
    ),
    "oneof member added": (
        P3 + "message M { oneof o { int32 a = 1; } }",
        P3 + "message M { oneof o { int32 a = 1; int32 b = 2; } }",
    ),
    "oneof renamed": (
        P3 + "message M { oneof o { int32 a = 1; int32 b = 2; } }",
        P3 + "message M { oneof p { int32 a = 1; int32 b = 2; } }",
    ),
    "whole oneof removed": (
        P3 + "message M { int32 keep = 1; oneof o { int32 a = 2; int32 b = 3; } }",
        P3 + "message M { int32 keep = 1; }",
    ),
    "map key in varint group": (
        P3 + "message M { map<int32, string> m = 1; }",
        P3 + "message M { map<int64, string> m = 1; }",
    ),
    "type name written differently": (
        'syntax = "proto3";\npackage p;\nmessage M { message S {} S s = 1; }',
        'syntax = "proto3";\npackage p;\nmessage M { message S {} .p.M.S s = 1; }',
    ),
}


@pytest.mark.parametrize(("old", "new"), COMPATIBLE.values(), ids=COMPATIBLE.keys())
def test_compatible_change_reports_nothing_backward(old: str, new: str) -> None:
    assert both_ways(old, new)[0] == set()


def test_added_message_is_forward_incompatible_as_in_confluent() -> None:
    old, new = P3 + "message M {}", P3 + "message M {}\nmessage Added {}"
    assert both_ways(old, new) == (set(), {("MESSAGE_REMOVED", "#/Added")})


def test_numeric_label_change_without_explicit_label_is_not_reported_as_in_confluent() -> None:
    assert both_ways(
        P3 + "message M { int32 a = 1; }", P3 + "message M { repeated int32 a = 1; }"
    ) == (
        set(),
        set(),
    )


def test_group_replaced_by_message_field_is_a_kind_change() -> None:
    old = P2 + "message M { optional group G = 1 { optional int32 x = 1; } }"
    new = P2 + "message M { optional G g = 1; message G { optional int32 x = 1; } }"
    assert both_ways(old, new)[0] == {("FIELD_KIND_CHANGED", "#/M/1")}


def test_schema_is_compatible_with_itself() -> None:
    text = P2 + (
        "message M { required int32 a = 1; map<string, M> kids = 2; optional group G = 3 {"
        " optional int32 x = 1; } oneof o { string s = 4; int64 n = 5; } }"
    )
    assert both_ways(text, text) == (set(), set())


def test_messages_name_the_roles_and_the_fix_names_the_tag() -> None:
    old, new = (
        parse(P3 + "message M { int32 qty = 7; }"),
        parse(P3 + "message M { string qty = 7; }"),
    )
    [issue] = check_protobuf(new, old, reader_role="new", writer_role="old", policy="STRICT")
    assert issue.rule == "FIELD_SCALAR_KIND_CHANGED"
    assert issue.path == "#/M/7"
    assert "string in the new schema but int32 in the old schema" in issue.message
    assert "'#/M/7'" in issue.message
    assert "reserve tag 7" in issue.fix
    [mirror] = check_protobuf(old, new, reader_role="old", writer_role="new", policy="STRICT")
    assert "int32 in the old schema but string in the new schema" in mirror.message


def test_removed_message_fix_names_the_message() -> None:
    old, new = parse(P3 + "message Keep {}\nmessage Gone {}"), parse(P3 + "message Keep {}")
    [issue] = check_protobuf(new, old, reader_role="new", writer_role="old", policy="STRICT")
    assert "keep message 'Gone'" in issue.fix
    assert "of the old schema is missing from the new schema" in issue.message


def test_recursive_messages_are_compared_once() -> None:
    node = P3 + "message Node { repeated Node children = 1; Leaf leaf = 2; }\n"
    old, new = node + "message Leaf { int32 v = 1; }", node + "message Leaf { string v = 1; }"
    assert both_ways(old, new)[0] == {("FIELD_SCALAR_KIND_CHANGED", "#/Leaf/1")}


ADDRESS = P3 + "package acme.common;\nmessage Address {{ string street = 1; {zip} zip = 2; }}"
ADDRESS_V1, ADDRESS_V2 = ADDRESS.format(zip="int32"), ADDRESS.format(zip="string")
ORDER = (
    'syntax = "proto3";\npackage acme.orders;\nimport "acme/address.proto";\n'
    "message Order { acme.common.Address ship_to = 1; }"
)


def test_change_inside_a_referenced_file_is_followed_through_the_field() -> None:
    old = parse(ORDER, {"acme/address.proto": (parse(ADDRESS_V1), 1)})
    new = parse(ORDER, {"acme/address.proto": (parse(ADDRESS_V2), 2)})
    assert differences(new, old, ("new", "old")) == {
        ("FIELD_SCALAR_KIND_CHANGED", "#/Address/2"),
        ("FIELD_NAMED_TYPE_CHANGED", "#/Order/1"),
    }


def test_the_same_subject_version_on_both_sides_is_not_compared_again() -> None:
    # Both schemas claim version 1 of the address subject, so Confluent does not look inside:
    # one subject version always holds the same content.
    old = parse(ORDER, {"acme/address.proto": (parse(ADDRESS_V1), 1)})
    new = parse(ORDER, {"acme/address.proto": (parse(ADDRESS_V2), 1)})
    assert differences(new, old, ("new", "old")) == set()


def test_referenced_message_may_move_to_another_package() -> None:
    moved = ADDRESS_V1.replace("acme.common", "acme.shared")
    old = parse(ORDER, {"acme/address.proto": (parse(ADDRESS_V1), 1)})
    new = parse(
        ORDER.replace("acme.common.Address", "acme.shared.Address"),
        {"acme/address.proto": (parse(moved), 2)},
    )
    assert differences(new, old, ("new", "old")) == set()


def test_very_long_chains_of_imported_messages_are_refused_not_crashed() -> None:
    def chain(last: str) -> ParsedSchema:
        body = "\n".join(f"message M{i} {{ M{i + 1} next = 1; }}" for i in range(300))
        return parse(f"{P3}package c;\n{body}\nmessage M300 {{ {last} v = 1; }}")

    top = 'syntax = "proto3";\nimport "c.proto";\nmessage Top { c.M0 m = 1; }'
    old = parse(top, {"c.proto": (chain("int32"), 1)})
    new = parse(top, {"c.proto": (chain("int32"), 2)})
    found = check_protobuf(new, old, reader_role="new", writer_role="old", policy="STRICT")
    assert found and {issue.rule for issue in found} == {"FIELD_NAMED_TYPE_CHANGED"}
    assert "more than 64 message types" in found[0].message


def test_message_moved_into_an_import_is_a_removed_message() -> None:
    order = P3 + "package acme.common;\nmessage Order { Address a = 1; }\n"
    old = parse(order + "message Address { int32 zip = 2; }")
    address = parse('syntax = "proto3";\npackage acme.common;\nmessage Address { int32 zip = 2; }')
    new = parse(
        P3 + 'package acme.common;\nimport "address.proto";\nmessage Order { Address a = 1; }',
        {"address.proto": (address, 1)},
    )
    assert differences(new, old, ("new", "old")) == {("MESSAGE_REMOVED", "#/Address")}


def test_full_level_checks_old_reading_new_then_new_reading_old() -> None:
    old = parse(P3 + "message M {}\nmessage Gone {}")
    new = parse(P3 + "message M {}\nmessage Added {}")
    found = check_pair(new, old, CompatibilityLevel.FULL)
    assert [(i.rule, i.path, i.direction) for i in found] == [
        ("MESSAGE_REMOVED", "#/Added", "FORWARD"),
        ("MESSAGE_REMOVED", "#/Gone", "BACKWARD"),
    ]


# --- differential test against buf breaking (WIRE rules) ----------------------------------

BUF = Path(sys.executable).parent / "buf"
SCALARS = [
    "int32", "int64", "uint32", "uint64", "bool", "sint32", "sint64", "string", "bytes",
    "fixed32", "sfixed32", "fixed64", "sfixed64", "float", "double",
]  # fmt: skip
BASE = """syntax = "proto3";
package diff.{name};
message Item {{ string sku = 1; int64 qty = 2; }}
message Other {{ string note = 1; }}
message Order {{
  string id = 1;
  {count_type} count = 2;
  {total_label}int64 total = 3;
  {item_type} item = 4;
  map<string, {value_type}> tags = 5;
  repeated double prices = 6;
  oneof pay {{ string card = 7; int64 points = 8; }}
  {extra}
}}
"""
DEFAULTS = {
    "count_type": "int32",
    "total_label": "optional ",
    "item_type": "Item",
    "value_type": "int32",
    "extra": "",
}


def _agreeing_pairs() -> dict[str, tuple[str, str]]:
    """Old/new pairs on which Confluent's rules and buf's WIRE rules should agree."""
    pairs: dict[str, tuple[str, str]] = {}

    def add(name: str, **change: str) -> None:
        old = BASE.format(name=name, **DEFAULTS)
        pairs[name] = (old, BASE.format(name=name, **{**DEFAULTS, **change}))

    # buf and Confluent disagree on enum <-> integer and bytes -> string (see the docs).
    for i, scalar in enumerate(SCALARS):
        add(f"count{i}", count_type=scalar)
        add(f"tagvalue{i}", value_type=scalar)
    rng = random.Random(20_24)
    for i in range(12):
        old_type, new_type = rng.sample(SCALARS, 2)
        if (old_type, new_type) == ("bytes", "string"):
            continue
        old = BASE.format(name=f"rand{i}", **{**DEFAULTS, "count_type": old_type})
        new = BASE.format(name=f"rand{i}", **{**DEFAULTS, "count_type": new_type})
        pairs[f"rand{i}"] = (old, new)
    add("repeated_total", total_label="repeated ")
    add("item_other", item_type="Other")
    add("item_scalar", item_type="string")
    add("item_map", item_type="map<string, string>")
    add("added_field", extra="bool gift = 9;")
    add("added_message_field", extra="Other other = 9;")
    pairs["renamed"] = (
        BASE.format(name="renamed", **DEFAULTS),
        BASE.format(name="renamed", **DEFAULTS).replace("string id = 1", "string order_id = 1"),
    )
    pairs["deleted_reserved"] = (
        BASE.format(name="deleted_reserved", **DEFAULTS),
        BASE.format(name="deleted_reserved", **DEFAULTS).replace(
            "repeated double prices = 6;", "reserved 6;"
        ),
    )
    pairs["nested_type"] = (
        BASE.format(name="nested_type", **DEFAULTS),
        BASE.format(name="nested_type", **DEFAULTS).replace("int64 qty = 2", "double qty = 2"),
    )
    pairs["pkgmove"] = (
        BASE.format(name="pkgmove", **DEFAULTS),
        BASE.format(name="pkgmove", **DEFAULTS).replace("diff.pkgmove", "diff.pkgmove2"),
    )
    pairs["two_into_oneof"] = (
        BASE.format(name="two_into_oneof", **DEFAULTS),
        BASE.format(name="two_into_oneof", **DEFAULTS).replace(
            "string id = 1;\n  int32 count = 2;", "oneof key { string id = 1; int32 count = 2; }"
        ),
    )
    pairs["into_existing_oneof"] = (
        BASE.format(name="into_existing_oneof", **DEFAULTS),
        BASE.format(name="into_existing_oneof", **DEFAULTS)
        .replace("string id = 1;\n", "")
        .replace("oneof pay {", "oneof pay { string id = 1;"),
    )
    required = P2 + "package diff.{n};\nmessage M {{ optional int32 a = 1; {extra} }}\n"
    pairs["required_added"] = (
        required.format(n="required_added", extra=""),
        required.format(n="required_added", extra="required string b = 2;"),
    )
    pairs["required_removed"] = (
        required.format(n="required_removed", extra="required string b = 2;"),
        required.format(n="required_removed", extra="reserved 2;"),
    )
    return pairs


# Where the two tools disagree: (old, new, evcat BACKWARD incompatible?, buf incompatible?).
DOCUMENTED_DIFFERENCES = {
    "message_removed": (P3 + "message M {}\nmessage Gone {}", P3 + "message M {}", True, False),
    "field_deleted_without_reserving": (
        P3 + "message M { int32 a = 1; int32 b = 2; }",
        P3 + "message M { int32 a = 1; }",
        False,
        True,
    ),
    "enum_value_deleted": (
        P3 + "enum E { A = 0; B = 1; }\nmessage M { E e = 1; }",
        P3 + "enum E { A = 0; }\nmessage M { E e = 1; }",
        False,
        True,
    ),
    "int_to_enum": (
        P3 + "message M { int32 a = 1; }",
        P3 + "message M { E a = 1; }\nenum E { Z = 0; }",
        False,
        True,
    ),
    "bytes_to_string": (
        P3 + "message M { bytes a = 1; }",
        P3 + "message M { string a = 1; }",
        False,
        True,
    ),
    "implicit_to_repeated_number": (
        P3 + "message M { int32 a = 1; }",
        P3 + "message M { repeated int32 a = 1; }",
        False,
        True,
    ),
    "optional_to_repeated_string": (
        P3 + "message M { optional string a = 1; }",
        P3 + "message M { repeated string a = 1; }",
        False,
        True,
    ),
    "one_field_into_new_oneof": (
        P3 + "message M { int32 a = 1; int32 b = 2; }",
        P3 + "message M { int32 a = 1; oneof o { int32 b = 2; } }",
        False,
        True,
    ),
    "oneof_member_removed_and_reserved": (
        P3 + "message M { oneof o { int32 a = 1; int32 b = 2; } }",
        P3 + "message M { oneof o { int32 a = 1; } reserved 2; }",
        True,
        False,
    ),
    "default_changed": (
        P2 + "message M { optional int32 a = 1 [default = 1]; }",
        P2 + "message M { optional int32 a = 1 [default = 2]; }",
        False,
        True,
    ),
    "reserved_range_removed": (
        P3 + "message M { int32 a = 1; reserved 5; }",
        P3 + "message M { int32 a = 1; }",
        False,
        True,
    ),
}


def _buf_verdicts(pairs: dict[str, tuple[str, str]], root: Path) -> dict[str, set[str]]:
    """Run buf once over all pairs; returns the rules it reports for each pair."""
    for side in ("old", "new"):
        (root / side).mkdir()
        (root / side / "buf.yaml").write_text("version: v2\nbreaking:\n  use:\n    - WIRE\n")
    for name, (old, new) in pairs.items():
        package = f"package diff.{name};\n" if "package " not in old else ""
        (root / "old" / f"{name}.proto").write_text(old.replace("\n", "\n" + package, 1))
        (root / "new" / f"{name}.proto").write_text(new.replace("\n", "\n" + package, 1))
    command = [str(BUF), "breaking", "new", "--against", "old", "--error-format", "json"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 100), result.stderr
    verdicts: dict[str, set[str]] = {name: set() for name in pairs}
    for line in result.stdout.splitlines():
        report = json.loads(line)
        verdicts[Path(report["path"]).stem].add(report["type"])
    return verdicts


def _evcat_backward(old: str, new: str) -> set[str]:
    return {rule for rule, _ in both_ways(old, new)[0]}


@pytest.mark.skipif(not BUF.exists(), reason="buf is installed by the dev extra (buf-bin)")
def test_verdicts_agree_with_buf_wire_rules_on_generated_pairs(tmp_path: Path) -> None:
    pairs = _agreeing_pairs()
    buf = _buf_verdicts(pairs, tmp_path)
    disagreements = {
        name: (sorted(_evcat_backward(*pair)), sorted(buf[name]))
        for name, pair in pairs.items()
        if bool(_evcat_backward(*pair)) != bool(buf[name])
    }
    assert disagreements == {}
    assert sum(bool(rules) for rules in buf.values()) > len(pairs) // 3  # the pairs do break


@pytest.mark.skipif(not BUF.exists(), reason="buf is installed by the dev extra (buf-bin)")
def test_documented_differences_from_buf_still_hold(tmp_path: Path) -> None:
    pairs = {name: (old, new) for name, (old, new, _, _) in DOCUMENTED_DIFFERENCES.items()}
    buf = _buf_verdicts(pairs, tmp_path)
    observed = {name: (bool(_evcat_backward(*pairs[name])), bool(buf[name])) for name in pairs}
    assert observed == {name: (row[2], row[3]) for name, row in DOCUMENTED_DIFFERENCES.items()}
