"""The functions ``derive`` expressions may call: pure, deterministic and cheap.

Each costs time linear in its arguments. Those whose result can outgrow their arguments
(``replace``, ``join``, ``concat``, ``split``, conversions such as ``int`` of ``1e999999``)
check the size of the result before building it (``expr_limits``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from evcat.limits import current
from evcat.upcast.ops.expr.limits import check_list_size, check_number, check_string_size

NONDETERMINISTIC = frozenset(
    {
        "now",
        "today",
        "utcnow",
        "time",
        "clock",
        "monotonic",
        "perf_counter",
        "random",
        "rand",
        "randint",
        "uniform",
        "choice",
        "shuffle",
        "uuid",
        "uuid1",
        "uuid4",
        "current_timestamp",
        "timestamp",
    }
)
FORBIDDEN = frozenset(
    {
        "open",
        "print",
        "input",
        "eval",
        "exec",
        "compile",
        "getattr",
        "setattr",
        "delattr",
        "globals",
        "locals",
        "vars",
        "import",
        "sleep",
        "env",
        "getenv",
        "read",
        "write",
        "fetch",
        "http",
    }
)


@dataclass(frozen=True)
class Function:
    impl: Callable[..., Any]
    min_args: int
    max_args: int
    kind: str
    """Result kind; ``arg`` means the common kind of the arguments."""


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}() needs a string, not {type(value).__name__}")
    return value


def _to_int(value: Any) -> int:
    digits = current().expr_max_digits
    if isinstance(value, Decimal | float):
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValueError("int() of a non-finite decimal")
        if Decimal(value).copy_abs() >= Decimal(10) ** digits:
            raise ValueError(
                f"int() of a value with too many digits (over {digits}, EVCAT_EXPR_MAX_DIGITS)"
            )
        return int(value)
    if isinstance(value, str) and len(value.strip()) > digits:
        raise ValueError(
            f"int() of a string with too many digits (over {digits}, EVCAT_EXPR_MAX_DIGITS)"
        )
    return int(value)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        # A decimal's text is at most its digits, its exponent and a few marks.
        check_string_size(len(value), "decimal()")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"decimal() cannot read {value!r:.40}") from None
    if not result.is_finite():
        raise ValueError(f"decimal() of a non-finite value {value!r:.40}")
    check_number(result, "decimal()")
    return result


def _to_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(f"str() of a {type(value).__name__} is not defined; pick a field inside it")


def _many(values: Sequence[Any]) -> Sequence[Any]:
    """``min(a, b)`` and ``min(list)`` both work, as in Python."""
    if len(values) == 1 and isinstance(values[0], list):
        return list(values[0])
    return values


def _coalesce(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _split(value: Any, separator: Any = None, limit: Any = -1) -> list[str]:
    most = current().expr_max_list
    if not isinstance(limit, int):
        raise TypeError("split() needs a whole number as its limit")
    if limit < 0 or limit > most:
        limit = most  # one piece more than allowed is enough to know the list is too long
    pieces = _text(value, "split").split(separator, limit)
    check_list_size(len(pieces), "split()")
    return pieces


def _joined(parts: list[str], separator: str, what: str) -> str:
    size = sum(map(len, parts)) + len(separator) * max(len(parts) - 1, 0)
    check_string_size(size, what)
    return separator.join(parts)


def _join(values: Any, separator: Any = "") -> str:
    if not isinstance(values, list):
        raise TypeError("join() needs a list")
    return _joined([_to_str(item) for item in values], _text(separator, "join"), "join()")


def _concat(*values: Any) -> str:
    return _joined([_to_str(value) for value in values], "", "concat()")


def _replace(value: Any, old: Any, new: Any) -> str:
    text, old, new = _text(value, "replace"), _text(old, "replace"), _text(new, "replace")
    if len(new) > len(old):
        check_string_size(len(text) + text.count(old) * (len(new) - len(old)), "replace()")
    return text.replace(old, new)


def _round(value: Any, digits: Any = 0) -> Any:
    most = current().expr_max_digits
    if not isinstance(digits, int) or not -most < digits < most:
        raise ValueError("round() needs a small whole number of digits")
    result = round(value, digits)
    return int(result) if digits == 0 and not isinstance(result, Decimal) else result


def _length(value: Any) -> int:
    if not isinstance(value, str | list | dict):
        raise TypeError(f"len() of a {type(value).__name__} is not defined")
    return len(value)


def _sum(values: Any) -> Any:
    if not isinstance(values, list):
        raise TypeError("sum() needs a list")
    return sum(values)


FUNCTIONS: dict[str, Function] = {
    "len": Function(_length, 1, 1, "int"),
    "str": Function(_to_str, 1, 1, "string"),
    "int": Function(_to_int, 1, 1, "int"),
    "float": Function(float, 1, 1, "float"),
    "decimal": Function(_to_decimal, 1, 1, "decimal"),
    "bool": Function(bool, 1, 1, "boolean"),
    "round": Function(_round, 1, 2, "number"),
    "abs": Function(abs, 1, 1, "arg"),
    "min": Function(lambda *v: min(_many(v)), 1, 16, "any"),
    "max": Function(lambda *v: max(_many(v)), 1, 16, "any"),
    "sum": Function(_sum, 1, 1, "number"),
    "lower": Function(lambda v: _text(v, "lower").lower(), 1, 1, "string"),
    "upper": Function(lambda v: _text(v, "upper").upper(), 1, 1, "string"),
    "strip": Function(lambda v: _text(v, "strip").strip(), 1, 1, "string"),
    "split": Function(_split, 1, 3, "list"),
    "join": Function(_join, 1, 2, "string"),
    "concat": Function(_concat, 1, 16, "string"),
    "coalesce": Function(_coalesce, 1, 16, "arg"),
    "replace": Function(_replace, 3, 3, "string"),
    "startswith": Function(lambda v, p: _text(v, "startswith").startswith(p), 2, 2, "boolean"),
    "endswith": Function(lambda v, p: _text(v, "endswith").endswith(p), 2, 2, "boolean"),
    "substr": Function(lambda v, a, b=None: _text(v, "substr")[a:b], 2, 3, "string"),
}
