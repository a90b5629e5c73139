"""Fingerprints of a snapshot: the same in worker processes as here, refusals named by id."""

from __future__ import annotations

import pytest

from evcat.transfer.errors import TransferError
from evcat.transfer.fingerprints import Fingerprinter
from evcat.transfer.schemas_topic import read_schemas_topic
from evcat.transfer.snapshot import Snapshot
from tests.transfer.dumps import dump, record_schema, schema

MONEY = record_schema("com.acme.Money", "units")
ORDER = '{"type":"record","name":"com.acme.Order","fields":[{"name":"m","type":"com.acme.Money"}]}'


def snapshot(*extra: tuple[str, int, str]) -> Snapshot:
    records = [schema(f"s{n}", 1, n, record_schema(f"R{n}", "a", "b")) for n in range(1, 40)]
    records.append(schema("money", 1, 100, MONEY))
    reference = [{"name": "com.acme.Money", "subject": "money", "version": 1}]
    records.append(schema("orders", 1, 101, ORDER, references=reference))
    records += [schema(subject, 1, schema_id, text) for subject, schema_id, text in extra]
    return read_schemas_topic(dump(records)).snapshot


def test_worker_processes_give_the_fingerprints_parsing_here_gives() -> None:
    here = Fingerprinter(snapshot()).all(workers=1)
    in_workers = Fingerprinter(snapshot()).all(workers=2, parallel_from=1)
    assert in_workers == here
    assert len(here) == 41


@pytest.mark.parametrize("workers", [1, 2])
def test_every_refused_schema_is_named_once_by_its_id(workers: int) -> None:
    broken = snapshot(("bad-a", 200, '{"type": "record"}'), ("bad-b", 201, '"nothing"'))
    with pytest.raises(TransferError) as refused:
        Fingerprinter(broken).all(workers=workers, parallel_from=1)
    assert refused.value.message == "2 schemas of the source cannot be imported"
    assert [detail.split(" does not parse")[0] for detail in refused.value.details] == [
        "schema id 200",
        "schema id 201",
    ]
