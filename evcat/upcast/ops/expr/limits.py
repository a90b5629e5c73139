"""What upcasting one event may cost: bounds on each value an expression builds, and a budget.

Expressions have no loops, but strings and lists can still grow fast (``replace`` of a long
text, ``join`` of a list holding one long string many times), and ``for_each`` multiplies
every operation by the length of a list. So each value an expression builds is checked
against the size limits, everything built while upcasting one event is charged to a budget
(characters of strings, 8 per list item), and so is the work (expression nodes evaluated,
operations run per element). The budget is per thread and starts again with each event's run
of operations (``start_event``), so one event can never cost more than the limits allow.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from evcat.limits import current

LIST_ITEM_BYTES = 8
"""What one list item is charged: a pointer; the item itself is charged when it is built."""


class ExprLimitError(ValueError):
    """A value or an event past a limit; the message names the limit's setting."""


class _Budget(threading.local):
    spent = 0
    steps = 0


_budget = _Budget()


def start_event() -> None:
    """A new event's operations start: nothing spent yet."""
    _budget.spent = 0
    _budget.steps = 0


def charge_steps(count: int) -> None:
    """Charge ``count`` units of work (expression nodes, operations on list elements)."""
    steps = _budget.steps + count
    limit = current().upcast_max_steps
    if steps > limit:
        raise ExprLimitError(
            f"upcasting one event took more than {limit} steps (EVCAT_UPCAST_MAX_STEPS); "
            "simplify the expressions or the for_each operations"
        )
    _budget.steps = steps


def _charge(size: int, what: str) -> None:
    spent = _budget.spent + size
    limit = current().event_max_bytes
    if spent > limit:
        raise ExprLimitError(
            f"the values built while upcasting one event reached {spent} bytes with {what}, "
            f"more than {limit} (EVCAT_EVENT_MAX_BYTES)"
        )
    _budget.spent = spent


def check_string_size(size: int, what: str) -> None:
    """Refuse, before it is built, a string of ``size`` characters past the limit."""
    limit = current().expr_max_string
    if size > limit:
        raise ExprLimitError(
            f"{what} would build a string of {size} characters, more than {limit} "
            "(EVCAT_EXPR_MAX_STRING)"
        )


def check_list_size(size: int, what: str) -> None:
    """Refuse, before it is built, a list of ``size`` items past the limit."""
    limit = current().expr_max_list
    if size > limit:
        raise ExprLimitError(
            f"{what} would build a list of {size} items, more than {limit} (EVCAT_EXPR_MAX_LIST)"
        )


def check_number(value: int | Decimal, what: str) -> None:
    """Refuse an integer, or a decimal's digits or exponent, past the digit limit."""
    limit = current().expr_max_digits
    if isinstance(value, int):
        # bit_length is exact and cheap; 3.33 bits per decimal digit.
        if value.bit_length() > limit * 3.33:
            raise ExprLimitError(
                f"{what} gave an integer of more than {limit} digits (EVCAT_EXPR_MAX_DIGITS)"
            )
        return
    if not value.is_finite():
        return
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if len(value.as_tuple().digits) > limit or abs(exponent) > limit:
        raise ExprLimitError(
            f"{what} gave a decimal with more than {limit} digits or an exponent beyond "
            f"±{limit} (EVCAT_EXPR_MAX_DIGITS)"
        )


def bounded(value: Any, what: str = "the expression") -> Any:
    """``value``, once checked against the size limits and charged to the event's budget."""
    cls = value.__class__
    if cls is str:
        check_string_size(len(value), what)
        _charge(len(value), what)
    elif cls is list:
        check_list_size(len(value), what)
        _charge(len(value) * LIST_ITEM_BYTES, what)
    elif cls is int or cls is Decimal:
        check_number(value, what)
    return value
