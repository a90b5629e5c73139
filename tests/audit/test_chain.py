"""The hash chain on its own: canonical bytes, hashes, and what verification catches."""

from __future__ import annotations

import dataclasses
import hashlib

import orjson
from hypothesis import given
from hypothesis import strategies as st

from evcat.audit.chain import GENESIS, Entry, entry_of, iso_time, json_bytes, ms_of
from evcat.audit.verify import verify

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def chain(count: int) -> list[Entry]:
    """``count`` well-formed records, each chained to the one before."""
    entries: list[Entry] = []
    previous = GENESIS
    for seq in range(1, count + 1):
        unsigned = Entry(
            seq=seq,
            time=iso_time(1_700_000_000_000 + seq),
            principal="ci-bot",
            action="schema.register",
            resource=f"subject:s{seq}",
            outcome="success",
            request_id=f"r{seq}",
            client="10.0.0.1",
            before=b"null",
            after=json_bytes({"version": seq}),
            previous_hash=previous,
            hash="",
        )
        entry = dataclasses.replace(unsigned, hash=unsigned.computed_hash())
        entries.append(entry)
        previous = entry.hash
    return entries


@given(
    principal=st.text(),
    resource=st.text(),
    request_id=st.none() | st.text(),
    before=JSON,
    after=JSON,
    seq=st.integers(1, 2**62),
)
def test_the_hash_covers_the_record_as_sorted_compact_json_without_its_hash(
    principal: str, resource: str, request_id: str | None, before: object, after: object, seq: int
) -> None:
    unsigned = Entry(
        seq=seq,
        time=iso_time(1_700_000_000_123),
        principal=principal,
        action="config.set",
        resource=resource,
        outcome="success",
        request_id=request_id,
        client=None,
        before=json_bytes(before),
        after=json_bytes(after),
        previous_hash=GENESIS,
        hash="",
    )
    shown = unsigned.as_dict()
    del shown["hash"]

    expected = hashlib.sha256(orjson.dumps(shown, option=orjson.OPT_SORT_KEYS)).hexdigest()
    assert unsigned.computed_hash() == expected


def test_a_record_read_back_from_its_json_has_the_same_hash() -> None:
    entry = chain(1)[0]

    again = entry_of(orjson.loads(orjson.dumps(entry.as_dict())))

    assert again.computed_hash() == entry.hash


def test_times_print_in_utc_with_milliseconds_and_read_back_exactly() -> None:
    assert iso_time(1_700_000_000_123) == "2023-11-14T22:13:20.123Z"
    assert all(ms_of(iso_time(ms)) == ms for ms in (0, 999, 1_700_000_000_001))


def test_an_untouched_chain_verifies_and_names_its_head() -> None:
    entries = chain(5)

    verdict = verify(entries)

    assert (verdict.intact, verdict.count, verdict.head) == (True, 5, entries[-1].hash)


def test_an_edited_record_is_the_first_broken_one() -> None:
    entries = chain(5)
    entries[2] = dataclasses.replace(entries[2], principal="mallory")

    broken = verify(entries).broken

    assert broken is not None and broken.seq == 3
    assert "altered" in broken.reason


def test_an_edited_and_rehashed_record_breaks_the_link_of_the_next() -> None:
    entries = chain(5)
    edited = dataclasses.replace(entries[2], principal="mallory")
    entries[2] = dataclasses.replace(edited, hash=edited.computed_hash())

    broken = verify(entries).broken

    assert broken is not None and broken.seq == 4
    assert "previous_hash" in broken.reason


def test_a_deleted_record_leaves_a_gap_named_at_the_record_after_it() -> None:
    entries = chain(5)
    del entries[1]

    broken = verify(entries).broken

    assert broken is not None and broken.seq == 3
    assert "record 2 is missing" in broken.reason


def test_records_cut_from_the_end_are_caught_by_an_anchor() -> None:
    entries = chain(5)
    anchor = entries[-1].hash

    assert verify(entries[:3]).intact
    broken = verify(entries[:3], anchor=anchor).broken

    assert broken is not None and "anchor" in broken.reason
