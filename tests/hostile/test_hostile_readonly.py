"""READONLY and READONLY_OVERRIDE refuse every write with 42205, not only registrations and
deletes: config, catalog apply, GDPR overlays, tag maps, retention policies and upcasters.
Reads and mode changes still work (otherwise a registry could never leave read-only)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

EVENT = "ro.Event"
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Event",
        "namespace": "ro",
        "fields": [{"name": "a", "type": "string"}],
    }
)
SCHEMA_2 = json.dumps(
    {
        "type": "record",
        "name": "Event",
        "namespace": "ro",
        "fields": [
            {"name": "a", "type": "string"},
            {"name": "b", "type": "string", "default": ""},
        ],
    }
)
TEAM = {"apiVersion": "evcat/v1", "kind": "Team", "id": "ro-team", "name": "Read only"}

Write = Callable[[httpx.Client], httpx.Response]

WRITES: dict[str, Write] = {
    "config": lambda c: c.put("/config", json={"compatibility": "NONE"}),
    "catalog apply": lambda c: c.post("/v1/catalog/apply", json=TEAM),
    "classification overlay": lambda c: c.put(
        "/v1/gdpr/classifications",
        json={"event": EVENT, "path": "a", "categories": ["name"], "actor": "x"},
    ),
    "tag map": lambda c: c.put("/v1/gdpr/tags/PII", json={"category": "name", "actor": "x"}),
    "retention policy": lambda c: c.put(
        "/v1/gdpr/retention-policies/p1", json={"category": "name", "max_retention": "P30D"}
    ),
    "upcaster": lambda c: c.post(
        f"/v1/events/{EVENT}/versions/2/upcasters",
        json={"ops": [{"set": {"path": "b", "value": "x"}}]},
    ),
    "upcast policy": lambda c: c.put(
        f"/v1/events/{EVENT}/upcast-policy", json={"policy": "BACKWARD_OR_UPCASTABLE"}
    ),
    # A new schema: re-registering an existing one answers its id, as Confluent does.
    "registration": lambda c: c.post(
        f"/subjects/{EVENT}/versions", json={"schema": SCHEMA_2.replace('"b"', '"c"')}
    ),
}


@pytest.fixture
def registry(client: httpx.Client) -> httpx.Client:
    for text in (SCHEMA, SCHEMA_2):
        answer = client.post(f"/subjects/{EVENT}/versions", json={"schema": text})
        assert answer.status_code == 200, answer.text
    return client


def refused(answer: httpx.Response) -> bool:
    return answer.status_code == 422 and '"error_code":42205' in answer.text.replace(" ", "")


@pytest.mark.parametrize("write", list(WRITES))
def test_global_readonly_refuses_the_write(registry: httpx.Client, write: str) -> None:
    assert registry.put("/mode", json={"mode": "READONLY"}).status_code == 200
    answer = WRITES[write](registry)
    assert refused(answer), answer.text
    assert registry.get(f"/subjects/{EVENT}/versions").json() == [1, 2]
    assert registry.put("/mode", json={"mode": "READWRITE"}).status_code == 200


def test_a_subject_in_readonly_refuses_its_upcasters(registry: httpx.Client) -> None:
    assert registry.put(f"/mode/{EVENT}", json={"mode": "READONLY"}).status_code == 200
    assert refused(WRITES["upcaster"](registry))
    assert refused(WRITES["upcast policy"](registry))
    # Writes elsewhere go on.
    assert registry.post("/v1/catalog/apply", json=TEAM).status_code == 200


def test_global_readonly_override_wins_over_a_subject_readwrite(registry: httpx.Client) -> None:
    assert registry.put(f"/mode/{EVENT}", json={"mode": "READWRITE"}).status_code == 200
    assert registry.put("/mode", json={"mode": "READONLY_OVERRIDE"}).status_code == 200
    for write in ("registration", "upcaster", "catalog apply"):
        assert refused(WRITES[write](registry)), write
    assert registry.get(f"/subjects/{EVENT}/versions/latest").status_code == 200


def test_a_dry_run_apply_is_a_read_and_still_answers(registry: httpx.Client) -> None:
    assert registry.put("/mode", json={"mode": "READONLY"}).status_code == 200
    answer = registry.post("/v1/catalog/apply", params={"dry_run": "true"}, json=TEAM)
    assert answer.status_code == 200, answer.text
