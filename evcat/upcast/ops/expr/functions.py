"""The functions ``derive`` expressions may call: pure, deterministic and cheap.

Each costs time linear in its arguments. Conversions that could build unbounded values from
small inputs (``int`` of ``1e999999``) are refused at run time instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# Integers beyond this many decimal digits are refused: far past any real payload value.
MAX_INT_DIGITS = 400

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
    if isinstance(value, Decimal | float):
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValueError("int() of a non-finite decimal")
        if Decimal(value).copy_abs() >= Decimal(10) ** MAX_INT_DIGITS:
            raise ValueError("int() of a value with too many digits")
        return int(value)
    if isinstance(value, str) and len(value.strip()) > MAX_INT_DIGITS:
        raise ValueError("int() of a string with too many digits")
    return int(value)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"decimal() cannot read {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"decimal() of a non-finite value {value!r}")
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
    return _text(value, "split").split(separator, limit)


def _join(values: Any, separator: Any = "") -> str:
    if not isinstance(values, list):
        raise TypeError("join() needs a list")
    return _text(separator, "join").join(_to_str(item) for item in values)


def _round(value: Any, digits: Any = 0) -> Any:
    if not isinstance(digits, int) or not -MAX_INT_DIGITS < digits < MAX_INT_DIGITS:
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
    "concat": Function(lambda *v: "".join(_to_str(x) for x in v), 1, 16, "string"),
    "coalesce": Function(_coalesce, 1, 16, "arg"),
    "replace": Function(lambda v, a, b: _text(v, "replace").replace(a, b), 3, 3, "string"),
    "startswith": Function(lambda v, p: _text(v, "startswith").startswith(p), 2, 2, "boolean"),
    "endswith": Function(lambda v, p: _text(v, "endswith").endswith(p), 2, 2, "boolean"),
    "substr": Function(lambda v, a, b=None: _text(v, "substr")[a:b], 2, 3, "string"),
}
