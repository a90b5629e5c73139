"""Checking the chain: the first record whose content, place or link is not what it claims.

An edited record no longer matches its own hash; a record re-hashed after an edit no longer
matches the next record's ``previous_hash``; a deleted record leaves a gap in ``seq``. Only
removing records from the very end leaves a shorter chain that is still whole: keep the head
hash somewhere else (``evcat audit verify`` prints it) and pass it as ``anchor`` to catch that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evcat.audit.chain import GENESIS, Entry


@dataclass(frozen=True)
class Break:
    """The first broken record and what is wrong with it."""

    seq: int
    reason: str


@dataclass(frozen=True)
class Verdict:
    count: int
    head: str
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _fault(entry: Entry, expected_seq: int, previous: str) -> str | None:
    if entry.computed_hash() != entry.hash:
        return "its content does not match its hash: the record was altered"
    if entry.seq > expected_seq:
        missing = (
            f"record {expected_seq} is"
            if entry.seq == expected_seq + 1
            else f"records {expected_seq} to {entry.seq - 1} are"
        )
        return f"{missing} missing before it: deleted"
    if entry.seq < expected_seq:
        return f"it comes after record {expected_seq - 1}: records are out of order or repeated"
    if entry.previous_hash != previous:
        return (
            f"its previous_hash {entry.previous_hash[:16]}... is not the hash of record "
            f"{entry.seq - 1} ({previous[:16]}...): a record before it was altered and re-hashed"
        )
    return None


def verify(entries: Iterable[Entry], *, anchor: str | None = None) -> Verdict:
    """Walk ``entries`` oldest first; stop at the first broken one.

    With ``anchor`` (a head hash printed by an earlier verify), a chain that no longer holds
    a record with that hash is broken too: its end was cut off.
    """
    expected, previous, count = 1, GENESIS, 0
    anchored = anchor is None or anchor == GENESIS
    for entry in entries:
        fault = _fault(entry, expected, previous)
        if fault is not None:
            return Verdict(count, previous, Break(entry.seq, fault))
        count += 1
        expected, previous = entry.seq + 1, entry.hash
        anchored = anchored or entry.hash == anchor
    if not anchored:
        return Verdict(
            count,
            previous,
            Break(
                expected, f"no record has the anchor hash {anchor}: records at the end were removed"
            ),
        )
    return Verdict(count, previous)
