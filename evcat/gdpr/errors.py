"""GDPR errors: bad input that names the bad value and the valid or nearest ones.

The error class lives in the one catalogue (``evcat.errors``); ``unknown`` builds it.
"""

from __future__ import annotations

from collections.abc import Iterable

from evcat.errors import GdprInputError
from evcat.gdpr.vocabulary import nearest

__all__ = ["GdprInputError", "unknown"]


def unknown(
    what: str, value: str, valid: Iterable[str], *, list_all: bool = False
) -> GdprInputError:
    """An error for ``value`` not among ``valid``: the nearest values, or every valid one."""
    options = sorted(set(valid))
    close = nearest(value, options)
    if list_all:
        hint = f"valid {what}s: {', '.join(options)}"
        if close:
            hint = f"did you mean {', '.join(close)}? {hint}"
        return GdprInputError(f"Unknown {what} '{value}'; {hint}", value, close or options)
    hint = f"nearest: {', '.join(close)}" if close else "no close match"
    return GdprInputError(f"Unknown {what} '{value}'; {hint}", value, close)
