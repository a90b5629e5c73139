"""AC-OPS: every declarative operation on a golden input gives exactly the expected output, and
never changes its input (nested records included)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from evcat.upcast import UpcastContext, UpcastFailed
from evcat.upcast.ops.catalogue import EventDropped, compile_ops, parse_ops

ORDER = {
    "id": "o-1",
    "customer": {"name": "Ada Lovelace", "email": None, "address": {"city": "London"}},
    "amount_cents": 1250,
    "currency": "EUR",
    "status": "OPEN",
    "items": ["book", "pen"],
    "tag": "gift",
    "count": "42",
}
CONTEXT = UpcastContext(
    event_id="e-1", time="2024-05-06T07:08:09+00:00", source="/shop", metadata={"tenant": "acme"}
)

GOLDEN: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("rename", {"rename": {"from": "tag", "to": "label"}}, {"id": "o-1", "label": "gift"}),
    (
        "rename_into_new_record",
        {"rename": {"from": "currency", "to": "money.currency"}},
        {"money": {"currency": "EUR"}},
    ),
    (
        "move_out_of_record",
        {"move": {"from": "customer.address.city", "to": "city"}},
        {"city": "London", "customer": {"name": "Ada Lovelace", "email": None, "address": {}}},
    ),
    (
        "copy",
        {"copy": {"from": "customer.name", "to": "buyer"}},
        {"buyer": "Ada Lovelace", "customer": ORDER["customer"]},
    ),
    (
        "drop",
        {"drop": ["tag", "customer.email"]},
        {"customer": {"name": "Ada Lovelace", "address": {"city": "London"}}},
    ),
    (
        "select",
        {"select": ["id", "customer.name"]},
        {"id": "o-1", "customer": {"name": "Ada Lovelace"}},
    ),
    (
        "select_top_level_keys",
        {"select": ["tag", "id", "absent"]},
        {"tag": "gift", "id": "o-1"},
    ),
    (
        "set_default_when_missing",
        {"set_default": {"path": "channel", "value": "web"}},
        {"channel": "web"},
    ),
    ("set_default_keeps_value", {"set_default": {"path": "tag", "value": "none"}}, {"tag": "gift"}),
    ("set", {"set": {"path": "status", "value": "ACTIVE"}}, {"status": "ACTIVE"}),
    (
        "coalesce",
        {"coalesce": {"path": "customer.email", "value": "unknown"}},
        {"customer": {"name": "Ada Lovelace", "email": "unknown", "address": {"city": "London"}}},
    ),
    ("derive", {"derive": {"path": "item_count", "expr": "len(items) + 1"}}, {"item_count": 3}),
    (
        "derive_conditional",
        {
            "derive": {
                "path": "size",
                "expr": "'big' if amount_cents > 1000 and status == 'OPEN' else 'small'",
            }
        },
        {"size": "big"},
    ),
    (
        "split",
        {"split": {"from": "customer.name", "into": ["customer.first", "customer.last"]}},
        {
            "customer": {
                "first": "Ada",
                "last": "Lovelace",
                "email": None,
                "address": {"city": "London"},
            }
        },
    ),
    (
        "combine",
        {"combine": {"from": ["currency", "tag"], "to": "code", "separator": "-"}},
        {"code": "EUR-gift"},
    ),
    (
        "nest",
        {"nest": {"fields": ["amount_cents", "currency"], "into": "price"}},
        {"price": {"amount_cents": 1250, "currency": "EUR"}},
    ),
    (
        "unnest",
        {"unnest": {"from": "customer.address"}},
        {"customer": {"name": "Ada Lovelace", "email": None, "city": "London"}},
    ),
    ("wrap_list", {"wrap_list": {"path": "tag"}}, {"tag": ["gift"]}),
    ("unwrap_list", {"unwrap_list": {"path": "items"}}, {"items": "book"}),
    (
        "convert",
        {"convert": {"path": "amount_cents", "using": "cents_to_decimal_str", "to": "amount"}},
        {"amount": "12.50"},
    ),
    ("cast", {"cast": {"path": "count", "to": "int"}}, {"count": 42}),
    (
        "map_enum",
        {"map_enum": {"path": "status", "mapping": {"OPEN": "ACTIVE"}, "default": "UNKNOWN"}},
        {"status": "ACTIVE"},
    ),
    (
        "from_metadata",
        {"from_metadata": {"path": "placed_at", "source": "time", "using": "iso8601"}},
        {"placed_at": "2024-05-06T07:08:09Z"},
    ),
    (
        "from_metadata_extension",
        {"from_metadata": {"path": "tenant", "source": "tenant"}},
        {"tenant": "acme"},
    ),
]
REMOVED = {
    "rename": {"tag"},
    "rename_into_new_record": {"currency"},
    "drop": {"tag"},
    "select": set(ORDER) - {"id", "customer"},
    "select_top_level_keys": set(ORDER) - {"id", "tag"},
    "combine": {"currency", "tag"},
    "nest": {"amount_cents", "currency"},
    "convert": {"amount_cents"},
}


def run(spec: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    ops, problems = parse_ops([spec])
    assert problems == []
    out = dict(data)
    compile_ops(ops)(out, CONTEXT)
    return out


@pytest.mark.parametrize(("name", "spec", "changed"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_ac_ops_golden_output_and_untouched_input(
    name: str, spec: dict[str, Any], changed: dict[str, Any]
) -> None:
    original = copy.deepcopy(ORDER)

    out = run(spec, ORDER)

    expected = {k: v for k, v in ORDER.items() if k not in REMOVED.get(name, set())} | changed
    assert out == expected
    assert original == ORDER


def test_ac_ops_drop_event_filters_when_the_condition_holds() -> None:
    with pytest.raises(EventDropped):
        run({"drop_event": {"when": "status == 'OPEN'"}}, ORDER)
    assert run({"drop_event": {"when": "status == 'CLOSED'"}}, ORDER) == ORDER


def test_ac_ops_missing_source_fields_are_skipped() -> None:
    assert run({"rename": {"from": "absent", "to": "other"}}, {"id": 1}) == {"id": 1}


def test_cast_out_of_range_fails_with_the_operation_named() -> None:
    with pytest.raises(UpcastFailed, match=r"cast\(path=n, to=int\).*does not fit"):
        run({"cast": {"path": "n", "to": "int"}}, {"n": 2**40})


def test_unknown_operation_is_a_problem_naming_its_position() -> None:
    _, problems = parse_ops([{"rename": {"from": "a", "to": "b"}}, {"explode": {}}])

    assert [(p.code, p.op) for p in problems] == [("UNKNOWN_OP", 1)]


def test_operation_with_unknown_argument_is_refused() -> None:
    _, problems = parse_ops([{"rename": {"from": "a", "to": "b", "too": "c"}}])

    assert problems[0].code == "INVALID_OP"
    assert "too" in problems[0].message


def test_a_failing_operation_is_named_by_its_position_in_the_list() -> None:
    ops, problems = parse_ops(
        [
            {"rename": {"from": "tag", "to": "label"}},
            {"set": {"path": "status", "value": "ACTIVE"}},
            {"cast": {"path": "count", "to": "int"}},
            {"cast": {"path": "amount_cents", "to": "int"}},
        ]
    )
    assert problems == []
    run_all = compile_ops(ops, label="shop.OrderPlaced v1->v2 ")

    with pytest.raises(
        UpcastFailed, match=r"^shop.OrderPlaced v1->v2 op #3 cast\(path=amount_cents"
    ):
        run_all(dict(ORDER, amount_cents=2**40), CONTEXT)
    with pytest.raises(UpcastFailed, match=r"op #2 cast\(path=count"):
        run_all(dict(ORDER, count="many"), CONTEXT)
    assert compile_ops([])(dict(ORDER), CONTEXT) is None
