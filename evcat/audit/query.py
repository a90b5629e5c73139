"""Reading the trail: filters checked up front, pages by key (``seq``), never by offset.

A page is one indexed query however deep into the trail it starts: the cursor is the last
record's ``seq``, and the next page continues strictly after it in the chosen order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Select, select
from sqlalchemy.engine import Row

from evcat.audit.chain import Entry, iso_time
from evcat.audit.models import AuditRecordRow
from evcat.audit.resources import bounded
from evcat.audit.vocabulary import ACTIONS, OUTCOMES
from evcat.db import read_session
from evcat.errors import BadRequestError

_TABLE = AuditRecordRow.__table__  # type: ignore[attr-defined]
_COLUMNS = (
    _TABLE.c.seq,
    _TABLE.c.at_ms,
    _TABLE.c.principal,
    _TABLE.c.action,
    _TABLE.c.resource,
    _TABLE.c.outcome,
    _TABLE.c.request_id,
    _TABLE.c.client,
    _TABLE.c.before_json,
    _TABLE.c.after_json,
    _TABLE.c.previous_hash,
    _TABLE.c.hash,
)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_MAX_SEQ = 2**63 - 1


@dataclass(frozen=True)
class Filters:
    """Which records to read. ``resource`` ending in ``*`` matches a prefix."""

    principal: str | None = None
    action: str | None = None
    resource: str | None = None
    outcome: str | None = None
    since_ms: int | None = None
    until_ms: int | None = None


def _text(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if "\x00" in value:
        raise BadRequestError(f"'{name}' holds a NUL character; remove it")
    return value


def parse_time(name: str, value: str | None) -> int | None:
    """An RFC 3339 time with an offset (``2025-06-01T12:00:00Z``) or a date, in UTC ms."""
    if not value:
        return None
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequestError(
            f"'{name}' must be a date (2025-06-01) or a time with an offset "
            f"(2025-06-01T12:00:00Z), got {value!r}"
        )
    return int(moment.timestamp() * 1000)


def parse_filters(
    *,
    principal: str | None = None,
    action: str | None = None,
    resource: str | None = None,
    outcome: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Filters:
    """Check a caller's filters; a bad one is a 400 saying what would be accepted."""
    action = _text("action", action)
    if action is not None and action not in ACTIONS:
        raise BadRequestError(f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    outcome = _text("outcome", outcome)
    if outcome is not None and outcome not in OUTCOMES:
        raise BadRequestError(f"Unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}")
    resource = _text("resource", resource)
    if resource is not None and not resource.endswith("*"):
        resource = bounded(resource)
    principal = _text("principal", principal)
    filters = Filters(
        principal=None if principal is None else bounded(principal),
        action=action,
        resource=resource,
        outcome=outcome,
        since_ms=parse_time("since", since),
        until_ms=parse_time("until", until),
    )
    if (
        filters.since_ms is not None
        and filters.until_ms is not None
        and filters.since_ms >= filters.until_ms
    ):
        raise BadRequestError(f"'since' ({since}) must be before 'until' ({until})")
    return filters


def parse_limit(value: str | None) -> int:
    if not value:
        return DEFAULT_LIMIT
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_LIMIT:
        raise BadRequestError(f"'limit' must be an integer from 1 to {MAX_LIMIT}, got {value!r}")
    return int(value)


def parse_cursor(value: str | None) -> int | None:
    """The ``next`` of an earlier page; anything else is a 400."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= _MAX_SEQ:
        raise BadRequestError(
            f"'cursor' must be the 'next' value of an earlier page, got {value!r}"
        )
    return int(value)


def parse_order(value: str | None) -> bool:
    """``desc`` (newest first, the default) or ``asc``; True for ascending."""
    if value in (None, "", "desc"):
        return False
    if value == "asc":
        return True
    raise BadRequestError(f"'order' must be 'asc' or 'desc', got {value!r}")


def _where(query: Select[Any], filters: Filters) -> Select[Any]:
    c = _TABLE.c
    if filters.principal is not None:
        query = query.where(c.principal == filters.principal)
    if filters.action is not None:
        query = query.where(c.action == filters.action)
    if filters.resource is not None:
        if filters.resource.endswith("*"):
            query = query.where(c.resource.startswith(filters.resource[:-1], autoescape=True))
        else:
            query = query.where(c.resource == filters.resource)
    if filters.outcome is not None:
        query = query.where(c.outcome == filters.outcome)
    if filters.since_ms is not None:
        query = query.where(c.at_ms >= filters.since_ms)
    if filters.until_ms is not None:
        query = query.where(c.at_ms < filters.until_ms)
    return query


def entry_of_row(row: Sequence[Any]) -> Entry:
    """A row of ``_COLUMNS`` as a chain entry."""
    return Entry(
        seq=row[0],
        time=iso_time(row[1]),
        principal=row[2],
        action=row[3],
        resource=row[4],
        outcome=row[5],
        request_id=row[6],
        client=row[7],
        before=row[8].encode(),
        after=row[9].encode(),
        previous_hash=row[10],
        hash=row[11],
    )


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    next: int | None


def page(
    engine: Engine,
    filters: Filters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: int | None = None,
    ascending: bool = False,
) -> Page:
    """One page of matching records and the cursor of the next (None on the last page)."""
    c = _TABLE.c
    query = _where(select(*_COLUMNS), filters)
    if cursor is not None:
        query = query.where(c.seq > cursor if ascending else c.seq < cursor)
    query = query.order_by(c.seq.asc() if ascending else c.seq.desc()).limit(limit + 1)
    with read_session(engine) as session:
        rows: Sequence[Row[Any]] = session.execute(query).all()
    entries = [entry_of_row(row) for row in rows[:limit]]
    more = len(rows) > limit
    return Page(entries, entries[-1].seq if more else None)


def every_entry(
    engine: Engine, filters: Filters | None = None, *, batch: int = 5000
) -> Iterator[Entry]:
    """Every matching record (the whole trail by default), oldest first, read in batches so
    memory stays flat."""
    c = _TABLE.c
    base = _where(select(*_COLUMNS), filters or Filters())
    after = 0
    while True:
        query = base.where(c.seq > after).order_by(c.seq.asc()).limit(batch)
        with read_session(engine) as session:
            rows = session.execute(query).all()
        for row in rows:
            yield entry_of_row(row)
        if len(rows) < batch:
            return
        after = rows[-1][0]
