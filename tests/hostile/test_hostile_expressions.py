"""Expressions in upcasters cannot grow a value or an event past the limits: each refusal
names the setting, registration over HTTP is a 422 in well under a second, and the server
keeps answering."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest

from evcat.upcast.ops.catalogue import compile_ops, parse_ops
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.expr.expression import compile_expression
from evcat.upcast.ops.expr.limits import ExprLimitError, start_event
from tests.hostile.conftest import still_answers

EVENT = "shop.Hostile"
V1 = {"type": "record", "name": "Hostile", "fields": [{"name": "text", "type": "string"}]}
V2 = {
    "type": "record",
    "name": "Hostile",
    "fields": [
        {"name": "text", "type": "string"},
        {"name": "grown", "type": "string", "default": ""},
    ],
}

NO_CONTEXT = UpcastContext()


def run(text: str, payload: dict[str, Any] | None = None) -> Any:
    start_event()
    return compile_expression(text).run(payload or {})


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        # Each replace multiplies the length by ten: 10**7 characters after seven.
        ("replace(" * 7 + "'xx'" + ", 'x', 'xxxxxxxxxx')" * 7, "EVCAT_EXPR_MAX_STRING"),
        ("str(decimal('1e999999'))", "EVCAT_EXPR_MAX_DIGITS"),
        ("decimal('1e300') * decimal('1e300')", "EVCAT_EXPR_MAX_DIGITS"),
    ],
)
def test_values_are_bounded_while_evaluating(text: str, setting: str) -> None:
    with pytest.raises(ValueError, match=setting):
        run(text)


def test_a_list_past_the_item_limit_is_refused() -> None:
    long_text = " ".join(["w"] * 20_000)
    with pytest.raises(ExprLimitError, match="EVCAT_EXPR_MAX_LIST"):
        run("split(text)", {"text": long_text})


def test_join_of_one_long_string_many_times_is_refused_before_it_is_built() -> None:
    payload = {"text": "x" * 900_000}
    with pytest.raises(ExprLimitError, match="EVCAT_EXPR_MAX_STRING"):
        run("join([text, text, text], '')", payload)


def test_integers_squared_by_successive_derives_stop_at_the_digit_limit() -> None:
    ops, problems = parse_ops([{"derive": {"path": "n", "expr": "n * n"}}] * 20)
    assert not problems
    with pytest.raises(Exception, match="EVCAT_EXPR_MAX_DIGITS"):
        compile_ops(ops)({"n": 10**9}, NO_CONTEXT)


def test_everything_one_event_builds_is_charged_to_one_budget() -> None:
    # Each derive builds 900,000 characters: allowed alone, not twenty times in one event.
    ops, _ = parse_ops([{"derive": {"path": f"f{i}", "expr": "text + text"}} for i in range(20)])
    transform = compile_ops(ops)
    with pytest.raises(Exception, match="EVCAT_EVENT_MAX_BYTES"):
        transform({"text": "x" * 450_000}, NO_CONTEXT)
    # The budget starts again with the next event.
    small = {"text": "y"}
    transform(small, NO_CONTEXT)
    assert small["f19"] == "yy"


def test_for_each_work_is_charged_per_element() -> None:
    ops, _ = parse_ops(
        [
            {
                "for_each": {
                    "path": "items",
                    "ops": [{"derive": {"path": "v", "expr": " + ".join(["1"] * 100)}}],
                }
            }
        ]
    )
    with pytest.raises(Exception, match="EVCAT_UPCAST_MAX_STEPS"):
        compile_ops(ops)({"items": [{}] * 100_000}, NO_CONTEXT)


def test_decimal_within_the_limits_still_computes() -> None:
    assert run("decimal('1.5') * decimal('2')") == Decimal("3.0")


@pytest.fixture
def lineage(client: httpx.Client) -> httpx.Client:
    client.put(f"/config/{EVENT}", json={"compatibility": "NONE"})
    for schema in (V1, V2):
        answer = client.post(f"/subjects/{EVENT}/versions", json={"schema": json.dumps(schema)})
        assert answer.status_code == 200, answer.text
    return client


def test_an_upcaster_whose_expression_explodes_is_refused_quickly(lineage: httpx.Client) -> None:
    explosive = "replace(" * 7 + "text" + ", '', 'xxxxxxxxxx')" * 7
    started = time.monotonic()
    answer = lineage.post(
        f"/v1/events/{EVENT}/versions/2/upcasters",
        json={"ops": [{"derive": {"path": "grown", "expr": explosive}}]},
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert answer.status_code == 422, answer.text
    assert "EVCAT_EXPR_MAX_STRING" in answer.text
    assert elapsed < 5
    still_answers(lineage)
