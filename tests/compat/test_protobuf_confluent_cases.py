"""Protobuf oneof verdicts against Confluent's labelled cases, BACKWARD and FORWARD.

The first rows restate, in our own words, the oneof cases of Confluent's Protobuf
``diff-schema-examples`` (labelled for BACKWARD: the new schema reads old data); FORWARD is the
same differ with the roles swapped, as Confluent's FORWARD check runs it. The last rows are the
mirror images Confluent's ``MessageSchemaDiff`` and ``OneOfDiff`` decide: a field compared by
tag wherever its oneof went, and only fields that were outside any oneof counted as moved in.
"""

from __future__ import annotations

from typing import Any

import pytest

from evcat.compat.levels import CompatibilityLevel, check_pair
from evcat.formats.protobuf.format import PROTOBUF_FORMAT

COMPATIBLE = True
INCOMPATIBLE = False


def message(body: str) -> str:
    return f'syntax = "proto3";\nmessage TestMessage {{ {body} }}\n'


def case(tag: str, old: str, new: str, backward: bool, forward: bool) -> Any:
    return pytest.param(message(old), message(new), backward, forward, id=tag)


def compatible(old: str, new: str, level: CompatibilityLevel) -> bool:
    return not check_pair(PROTOBUF_FORMAT.parse(new), PROTOBUF_FORMAT.parse(old), level)


LABELLED = [
    case(
        "field_moved_into_a_new_oneof_with_a_new_member",
        "string a = 1; string b = 2;",
        "string a = 1; oneof o { string b = 2; int32 c = 3; }",
        COMPATIBLE,
        COMPATIBLE,
    ),
    case(
        "two_fields_moved_into_a_new_oneof",
        "string a = 1; string b = 2;",
        "oneof o { string a = 1; string b = 2; int32 c = 3; }",
        INCOMPATIBLE,
        COMPATIBLE,
    ),
    case(
        "member_added_to_a_oneof",
        "oneof o { string a = 1; string b = 2; }",
        "oneof o { string a = 1; string b = 2; int32 c = 3; }",
        COMPATIBLE,
        INCOMPATIBLE,
    ),
    case(
        "member_removed_from_a_oneof",
        "oneof o { string a = 1; string b = 2; int32 c = 3; }",
        "oneof o { string a = 1; string b = 2; }",
        INCOMPATIBLE,
        COMPATIBLE,
    ),
    case(
        "field_moved_into_a_new_single_member_oneof",
        "string a = 1; string b = 2;",
        "string a = 1; oneof o { string b = 2; }",
        COMPATIBLE,
        COMPATIBLE,
    ),
    case(
        "field_moved_into_an_existing_oneof",
        "string a = 1; oneof o { string b = 2; string c = 3; }",
        "oneof o { string a = 1; string b = 2; string c = 3; }",
        INCOMPATIBLE,
        COMPATIBLE,
    ),
    case(
        "field_moved_into_an_existing_oneof_that_is_renamed",
        "string a = 1; oneof o { string b = 2; string c = 3; }",
        "oneof p { string a = 1; string b = 2; string c = 3; }",
        INCOMPATIBLE,
        COMPATIBLE,
    ),
]

MIRRORED = [
    case(
        "member_moved_out_of_its_oneof",
        "oneof o { string a = 1; string b = 2; }",
        "string a = 1; oneof o { string b = 2; }",
        COMPATIBLE,
        INCOMPATIBLE,
    ),
    case(
        "oneof_renamed",
        "oneof o { string a = 1; string b = 2; }",
        "oneof p { string a = 1; string b = 2; }",
        COMPATIBLE,
        COMPATIBLE,
    ),
    case(
        "oneof_renamed_and_a_member_type_changed",
        "oneof o { string a = 1; string b = 2; }",
        "oneof p { string a = 1; int32 b = 2; }",
        INCOMPATIBLE,
        INCOMPATIBLE,
    ),
    case(
        "field_moved_into_a_oneof_with_another_type",
        "string a = 1; int32 b = 2;",
        "string a = 1; oneof o { string b = 2; }",
        INCOMPATIBLE,
        INCOMPATIBLE,
    ),
    case(
        "member_moved_out_of_its_oneof_with_another_type",
        "oneof o { string a = 1; string b = 2; }",
        "int32 a = 1; oneof o { string b = 2; }",
        INCOMPATIBLE,
        INCOMPATIBLE,
    ),
    case(
        "member_moved_to_another_oneof",
        "oneof o { string a = 1; string b = 2; }",
        "oneof o { string a = 1; } oneof p { string b = 2; }",
        COMPATIBLE,
        COMPATIBLE,
    ),
    case(
        "two_oneofs_merged",
        "oneof o { string a = 1; } oneof p { string b = 2; }",
        "oneof o { string a = 1; string b = 2; }",
        COMPATIBLE,
        COMPATIBLE,
    ),
]


@pytest.mark.parametrize(("old", "new", "backward", "forward"), LABELLED + MIRRORED)
def test_oneof_verdict_matches_confluent_both_ways(
    old: str, new: str, backward: bool, forward: bool
) -> None:
    got = (
        compatible(old, new, CompatibilityLevel.BACKWARD),
        compatible(old, new, CompatibilityLevel.FORWARD),
    )
    assert got == (backward, forward)
