"""Throttling refused sign-ins per address, and per-principal rate limits (token buckets).

Both live in the memory of one process. With several workers or several machines each process
keeps its own counters: a client spread over N processes by a load balancer gets up to N times
a principal's rate, and needs up to N times ``FAILURES_PER_WINDOW`` wrong guesses before every
process blocks it. docs/security.md says how to size limits for that.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from evcat.auth.config import Limit

FAILURES_PER_WINDOW = 10
WINDOW_SECONDS = 60.0
_MAX_TRACKED = 100_000


@dataclass
class _Window:
    started: float
    failures: int = 0


class SignInThrottle:
    """After ``FAILURES_PER_WINDOW`` refused sign-ins within a window from one address, that
    address is blocked until the window ends, whatever it sends."""

    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}

    def blocked_for(self, address: str) -> float:
        """Seconds until ``address`` may try again (0: it may now)."""
        window = self._windows.get(address)
        if window is None or window.failures < FAILURES_PER_WINDOW:
            return 0.0
        left = window.started + WINDOW_SECONDS - time.monotonic()
        if left <= 0:
            del self._windows[address]
            return 0.0
        return left

    def refused(self, address: str) -> None:
        """Count one refused sign-in from ``address``."""
        now = time.monotonic()
        window = self._windows.get(address)
        if window is None or now - window.started >= WINDOW_SECONDS:
            if len(self._windows) >= _MAX_TRACKED:
                self._forget_before(now - WINDOW_SECONDS)
            window = self._windows[address] = _Window(now)
        window.failures += 1

    def _forget_before(self, moment: float) -> None:
        self._windows = {a: w for a, w in self._windows.items() if w.started >= moment}


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by key (a principal's name, or an anonymous client's address)."""

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}

    def wait_for(self, key: str, limit: Limit) -> float:
        """Take one token from ``key``'s bucket: 0 when admitted, else seconds to wait."""
        now = time.monotonic()
        per_second = limit.per_minute / 60.0
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_TRACKED:
                self._forget_full(now, per_second, limit.burst)
            bucket = self._buckets[key] = _Bucket(float(limit.burst), now)
        else:
            bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.updated) * per_second)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / per_second

    def _forget_full(self, now: float, per_second: float, burst: int) -> None:
        """Drop buckets that have refilled: forgetting them changes nothing."""
        self._buckets = {
            key: b
            for key, b in self._buckets.items()
            if b.tokens + (now - b.updated) * per_second < burst
        }


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(seconds)))
