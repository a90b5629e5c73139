"""Streaming read-through: upcast stored events one by one, counted, with an error policy.

``on_error``: ``fail`` (raise), ``skip`` (count and go on) or ``quarantine`` (hand the event
and its error to a sink, then go on). Only errors about the event itself are handled so;
a broken graph or missing code still stops the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from evcat.errors import EvcatError
from evcat.upcast.errors import ProblemsError
from evcat.upcast.read.dicts import StoredEvent, Upcaster, UpcastEvent

ON_ERROR = ("fail", "skip", "quarantine")
Quarantine = Callable[[StoredEvent, EvcatError], None]


@dataclass
class StreamCounts:
    read: int = 0
    written: int = 0
    dropped: int = 0
    emitted: int = 0
    failed: int = 0


def upcast_one(
    upcaster: Upcaster,
    event: StoredEvent,
    counts: StreamCounts,
    on_error: str = "fail",
    quarantine: Quarantine | None = None,
) -> list[UpcastEvent]:
    """One event at the target version, counted; errors handled by ``on_error``."""
    counts.read += 1
    try:
        results = upcaster.upcast(event)
    except ProblemsError:
        raise
    except EvcatError as error:
        if on_error == "fail":
            raise
        counts.failed += 1
        if quarantine is not None and on_error == "quarantine":
            quarantine(event, error)
        return []
    if not results:
        counts.dropped += 1
    elif len(results) > 1 or results[0].parent_id is not None:
        counts.emitted += len(results)
    counts.written += len(results)
    return results
