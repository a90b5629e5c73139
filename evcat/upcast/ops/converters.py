"""Named value converters for ``convert`` and ``from_metadata``: units and representations.

Each converter declares the shape kinds it accepts and the kind it produces, so the static
checker can compare them with the source and target fields. All are pure and deterministic:
times are converted in UTC, never in the machine's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

_INTS = frozenset({"int", "long"})
_NUMBERS = frozenset({"int", "long", "float", "double"})
_TEXT = frozenset({"string"})
_ANY = frozenset({"any"})


@dataclass(frozen=True)
class Converter:
    name: str
    accepts: frozenset[str]
    produces: str
    """A shape kind: string, long, double, boolean..."""
    fn: Callable[[Any], Any]
    doc: str


def _decimal(value: Any) -> Decimal:
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def _cents_to_decimal_str(value: Any) -> str:
    if value.__class__ is not int and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"cents must be a whole number, not {value!r}")
    units, cents = divmod(abs(value), 100)  # integer arithmetic: exact, and fast
    return f"{'-' if value < 0 else ''}{units}.{cents:02d}"


def _decimal_str_to_cents(value: Any) -> int:
    cents = _decimal(value).scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"{value!r} has fractions of a cent")
    return int(cents)


def _iso(moment: datetime) -> str:
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _epoch_ms_to_iso8601(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"epoch milliseconds must be a whole number, not {value!r}")
    return _iso(datetime.fromtimestamp(value / 1000, tz=UTC))


def _parse_iso(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        raise TypeError(f"{value!r} is not an ISO 8601 time")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso8601_to_epoch_ms(value: Any) -> int:
    moment = _parse_iso(value)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def _iso8601(value: Any) -> str:
    return _iso(_parse_iso(value))


def _seconds_to_millis(value: Any) -> int:
    if isinstance(value, float):
        return round(value * 1000)
    return int(value) * 1000


def _str_to_int(value: Any) -> int:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"{value!r} is not a whole number")
    return int(value.strip())


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    raise TypeError(f"cannot turn {type(value).__name__} into a string")


def _str_to_bool(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise ValueError(f"{value!r} is not a boolean")


CONVERTERS: dict[str, Converter] = {
    c.name: c
    for c in (
        Converter(
            "cents_to_decimal_str", _INTS, "string", _cents_to_decimal_str, "1234 -> '12.34'"
        ),
        Converter("decimal_str_to_cents", _TEXT, "long", _decimal_str_to_cents, "'12.34' -> 1234"),
        Converter("seconds_to_millis", _NUMBERS, "long", _seconds_to_millis, "2 -> 2000"),
        Converter("millis_to_seconds", _INTS, "long", lambda v: int(v) // 1000, "2500 -> 2"),
        Converter(
            "epoch_ms_to_iso8601",
            _INTS,
            "string",
            _epoch_ms_to_iso8601,
            "0 -> '1970-01-01T00:00:00Z'",
        ),
        Converter(
            "iso8601_to_epoch_ms",
            _TEXT | _ANY,
            "long",
            _iso8601_to_epoch_ms,
            "'1970-01-01T00:00:01Z' -> 1000",
        ),
        Converter(
            "iso8601",
            _TEXT | _ANY,
            "string",
            _iso8601,
            "a time (text or datetime) as ISO 8601 text in UTC",
        ),
        Converter("str_to_int", _TEXT, "long", _str_to_int, "' 42' -> 42"),
        Converter("str_to_float", _TEXT, "double", lambda v: float(_decimal(v)), "'1.5' -> 1.5"),
        Converter("str_to_bool", _TEXT, "boolean", _str_to_bool, "'yes' -> true"),
        Converter("to_string", _NUMBERS | _TEXT | {"boolean"}, "string", _to_string, "42 -> '42'"),
        Converter(
            "celsius_from_fahrenheit",
            _NUMBERS,
            "double",
            lambda v: (float(v) - 32.0) * 5.0 / 9.0,
            "212 -> 100.0",
        ),
        Converter(
            "fahrenheit_from_celsius",
            _NUMBERS,
            "double",
            lambda v: float(v) * 9.0 / 5.0 + 32.0,
            "100 -> 212.0",
        ),
        Converter("lower", _TEXT, "string", lambda v: str(v).lower(), "'EUR' -> 'eur'"),
        Converter("upper", _TEXT, "string", lambda v: str(v).upper(), "'eur' -> 'EUR'"),
        Converter("trim", _TEXT, "string", lambda v: str(v).strip(), "' a ' -> 'a'"),
    )
}
