"""The hash chain: a record's canonical bytes, its SHA-256, and the record as plain values.

A record's ``hash`` is the SHA-256 (hex) of its JSON object without the ``hash`` member,
keys sorted, no whitespace, UTF-8 (``orjson`` with sorted keys). That object holds
``previous_hash``, so each hash covers the whole chain before it, and anyone can check an
exported trail with a few lines of code in any language.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS = "0" * 64
"""The ``previous_hash`` of the first record."""

_SORTED = orjson.OPT_SORT_KEYS


def json_bytes(value: Any) -> bytes:
    """``value`` as canonical JSON: sorted keys at every level, no whitespace."""
    return orjson.dumps(value, option=_SORTED)


@functools.lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    # Records come in runs within the same second: verifying 100,000 formats few of them.
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.")


def iso_time(at_ms: int) -> str:
    """Milliseconds since 1970 as RFC 3339 UTC with milliseconds (``...T12:00:00.123Z``)."""
    seconds, millis = divmod(at_ms, 1000)
    return f"{_second(seconds)}{millis:03d}Z"


def ms_of(time: str) -> int:
    """The milliseconds since 1970 that ``iso_time`` printed as ``time``."""
    return int(datetime.fromisoformat(time).timestamp()) * 1000 + int(time[20:23])


def sha256_hex(data: str | bytes) -> str:
    """The SHA-256 of ``data`` (UTF-8 for text) in hex: the digest kept instead of content."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """One record as the chain sees it; ``before`` and ``after`` are canonical JSON bytes."""

    seq: int
    time: str
    principal: str
    action: str
    resource: str
    outcome: str
    request_id: str | None
    client: str | None
    before: bytes
    after: bytes
    previous_hash: str
    hash: str

    def content(self) -> bytes:
        """The canonical JSON the hash covers, assembled without re-encoding before/after.

        Keys in sorted order; equal to ``json_bytes`` of ``as_dict()`` without ``hash``
        (a test holds the two together).
        """
        d = orjson.dumps
        return b"".join(
            (
                b'{"action":',
                d(self.action),
                b',"after":',
                self.after,
                b',"before":',
                self.before,
                b',"client":',
                d(self.client),
                b',"outcome":',
                d(self.outcome),
                b',"previous_hash":',
                d(self.previous_hash),
                b',"principal":',
                d(self.principal),
                b',"request_id":',
                d(self.request_id),
                b',"resource":',
                d(self.resource),
                b',"seq":',
                d(self.seq),
                b',"time":',
                d(self.time),
                b"}",
            )
        )

    def computed_hash(self) -> str:
        return hashlib.sha256(self.content()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        """The record as the API and ``evcat audit export`` show it."""
        return {
            "seq": self.seq,
            "time": self.time,
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "outcome": self.outcome,
            "request_id": self.request_id,
            "client": self.client,
            "before": orjson.loads(self.before),
            "after": orjson.loads(self.after),
            "previous_hash": self.previous_hash,
            "hash": self.hash,
        }


class MalformedRecordError(ValueError):
    """A record read from a file or an answer lacks a member or has one of the wrong type."""


def _text(record: Mapping[str, Any], key: str, *, optional: bool = False) -> Any:
    value = record.get(key)
    if isinstance(value, str) or (optional and value is None):
        return value
    raise MalformedRecordError(f"'{key}' must be a string{' or null' if optional else ''}")


def entry_of(record: Mapping[str, Any]) -> Entry:
    """An exported or served record (a JSON object) as a chain entry."""
    seq = record.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise MalformedRecordError("'seq' must be an integer")
    return Entry(
        seq=seq,
        time=_text(record, "time"),
        principal=_text(record, "principal"),
        action=_text(record, "action"),
        resource=_text(record, "resource"),
        outcome=_text(record, "outcome"),
        request_id=_text(record, "request_id", optional=True),
        client=_text(record, "client", optional=True),
        before=json_bytes(record.get("before")),
        after=json_bytes(record.get("after")),
        previous_hash=_text(record, "previous_hash"),
        hash=_text(record, "hash"),
    )
