"""How ``evcat serve`` runs uvicorn so that slow or idle clients cannot pin the server.

uvicorn bounds idle time between requests (``timeout_keep_alive``), open connections
(``limit_concurrency``, 503 beyond) and the size of an unfinished request head
(``h11_max_incomplete_event_size``), but not the time a client takes to send its head: a
connection that opens and then sends a byte a second keeps a slot forever. ``HeadTimeoutH11``
closes any connection whose request line and headers have not all arrived within
``header_read_timeout`` seconds; ``BodyGuard`` does the same for bodies.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from evcat.settings import Settings


@cache
def _configured_head_timeout() -> float:
    # Read once per process: worker processes get the class by name and the settings from
    # the environment ``evcat serve`` passes down.
    return Settings().header_read_timeout


class HeadTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request head arrives too slowly."""

    header_read_timeout: float | None = None
    """Seconds; None reads ``EVCAT_HEADER_READ_TIMEOUT``."""
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm_head_timer()  # the head is in: the body has a deadline of its own

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()  # the next request's head starts its own clock

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        timeout = self.header_read_timeout or _configured_head_timeout()
        self._head_timer = self.loop.call_later(timeout, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn keyword arguments bounding what one client can hold."""
    return {
        "http": HeadTimeoutH11,
        "timeout_keep_alive": settings.timeout_keep_alive,
        "limit_concurrency": settings.limit_concurrency,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
    }
