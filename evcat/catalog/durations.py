"""Retention durations: ISO-8601 text in the catalog, milliseconds on Kafka.

Kafka counts retention in milliseconds and uses ``-1`` for "keep forever"; the catalog writes
ISO-8601 durations (``P7D``, ``PT12H``) or ``infinite``. Years and months have no fixed length,
so for conversion a year is 365 days and a month 30 days; a value converted from milliseconds
is always written in days, hours, minutes or seconds, so it converts back to the same number.
"""

from __future__ import annotations

import re
from decimal import Decimal

INFINITE = "infinite"
_DURATION = re.compile(
    r"^P(?!$)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d{1,3})?)S)?)?$"
)
_MS = {
    "Y": 365 * 86_400_000,
    "M": 30 * 86_400_000,
    "W": 7 * 86_400_000,
    "D": 86_400_000,
    "h": 3_600_000,
    "m": 60_000,
}


def check_duration(value: str | None) -> str | None:
    """Validator: ``value`` must be an ISO-8601 duration or ``infinite``."""
    if value is None or value == INFINITE or _DURATION.match(value):
        return value
    raise ValueError(f"'{value}' is not an ISO-8601 duration (such as P7D or PT12H) or 'infinite'")


def to_ms(value: str) -> int:
    """Milliseconds for a duration; ``infinite`` is Kafka's ``-1``."""
    if value == INFINITE:
        return -1
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"'{value}' is not an ISO-8601 duration")
    total = Decimal(0)
    for unit, text in match.groupdict().items():
        if text is not None:
            total += Decimal(text) * (1000 if unit == "s" else _MS[unit])
    return int(total)


def from_ms(ms: int) -> str:
    """The shortest exact duration for a Kafka millisecond value (``-1`` is ``infinite``)."""
    if ms < 0:
        return INFINITE
    for unit, size in (("D", 86_400_000), ("H", 3_600_000), ("M", 60_000)):
        if ms and ms % size == 0:
            return f"P{ms // size}D" if unit == "D" else f"PT{ms // size}{unit}"
    seconds = Decimal(ms) / 1000
    return f"PT{seconds.normalize():f}S"


def to_days(value: str) -> float | None:
    """Days for a duration (None when infinite), for reports that compare retention."""
    ms = to_ms(value)
    return None if ms < 0 else ms / 86_400_000
