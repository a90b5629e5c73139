"""The derive expression language: what it computes, and what it refuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from evcat.upcast.ops.expr.expression import compile_expression
from evcat.upcast.ops.expr.parse import MAX_NODES, ExprError

PAYLOAD = {
    "first": "Ada",
    "last": None,
    "n": 7,
    "items": [3, 1, 2],
    "customer": {"address": {"city": "London"}},
    "attrs": {"k": "v"},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n * 2 + 1", 15),
        ("n // 2", 3),
        ("n % 4", 3),
        ("-n", -7),
        ("n / 2", 3.5),
        ("first + ' ' + coalesce(last, '?')", "Ada ?"),
        ("customer.address.city", "London"),
        ("attrs['k']", "v"),
        ("items[0]", 3),
        ("items[9]", None),
        ("missing", None),
        ("max(items)", 3),
        ("min(n, 3)", 3),
        ("sum(items)", 6),
        ("len(items) == 3 and not (n < 0)", True),
        ("'x' if last is None else last", "x"),
        ("'A' in first", True),
        ("upper(first)", "ADA"),
        ("join(split('a b c'), '-')", "a-b-c"),
        ("concat(first, n)", "Ada7"),
        ("str(decimal(n) / 4)", "1.75"),
        ("round(2.5)", 2),
        ("substr(first, 1)", "da"),
        ("[1, 2][1]", 2),
        ("n >= 7 if first else False", True),
        ('"quote\\"d"', 'quote"d'),
    ],
)
def test_expression_value(text: str, expected: Any) -> None:
    assert compile_expression(text).run(PAYLOAD) == expected


def test_decimal_arithmetic_is_exact() -> None:
    assert compile_expression("decimal('0.1') + decimal('0.2')").run({}) == Decimal("0.3")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("now()", "NONDETERMINISTIC_EXPR"),
        ("random()", "NONDETERMINISTIC_EXPR"),
        ("uuid4()", "NONDETERMINISTIC_EXPR"),
        ("open('/etc/passwd')", "FORBIDDEN_FUNCTION"),
        ("eval('1')", "FORBIDDEN_FUNCTION"),
        ("exit()", "UNKNOWN_FUNCTION"),
        ("__import__('os')", "FORBIDDEN_NAME"),
        ("first.__class__", "FORBIDDEN_NAME"),
        ("(lambda: 1)()", "INVALID_EXPR"),
        ("items.append(1)", "INVALID_EXPR"),
        ("n ** 2", "INVALID_EXPR"),
        ("n; n", "INVALID_EXPR"),
        ("", "INVALID_EXPR"),
    ],
)
def test_refused_expression(text: str, code: str) -> None:
    with pytest.raises(ExprError) as raised:
        compile_expression(text)
    assert raised.value.code == code


def test_expression_size_is_bounded() -> None:
    with pytest.raises(ExprError) as raised:
        compile_expression(" + ".join(["n"] * (MAX_NODES + 1)))
    assert raised.value.code == "EXPR_TOO_COMPLEX"


def test_expression_nesting_is_bounded() -> None:
    with pytest.raises(ExprError) as raised:
        compile_expression("(" * 60 + "n" + ")" * 60)
    assert raised.value.code == "EXPR_TOO_COMPLEX"


def test_string_repetition_is_refused_at_run_time() -> None:
    with pytest.raises(TypeError):
        compile_expression("first * 100000000").run(PAYLOAD)


def test_int_of_a_huge_decimal_is_refused() -> None:
    with pytest.raises(ValueError, match="EVCAT_EXPR_MAX_DIGITS"):
        compile_expression("int(decimal('1e999999'))").run({})


def test_reads_lists_every_field_the_expression_uses() -> None:
    expression = compile_expression("len(items) + n if customer.address.city else 0")

    assert set(expression.reads) == {("items",), ("n",), ("customer", "address", "city")}
