"""Bad input to the upcast routes found by fuzzing: each is a problem saying what to fix,
never a 500 (on SQLite or PostgreSQL). Over real HTTP. The fuzzer also found one good
request that failed: an upcaster between versions with logical types (last test)."""

from __future__ import annotations

import json

import httpx
import pytest

T = "shop.OrderPlaced"
FIELDS = [{"name": "order_id", "type": "string"}]
V1 = json.dumps({"type": "record", "name": T, "fields": FIELDS})
V2 = json.dumps(
    {"type": "record", "name": T, "fields": [*FIELDS, {"name": "n", "type": "long", "default": 0}]}
)
BEYOND_64_BITS = 2**70


@pytest.fixture
def lineage(client: httpx.Client) -> httpx.Client:
    for text in (V1, V2):
        answer = client.post(f"/subjects/{T}/versions", json={"schema": text})
        assert answer.status_code == 200, answer.text
    return client


def problem(answer: httpx.Response, status: int, *words: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    for word in words:
        assert word in answer.json()["detail"], answer.text


def upcast(client: httpx.Client, **body: object) -> httpx.Response:
    return client.post("/v1/upcast", json=body)


def test_target_that_is_not_a_version_is_a_422(lineage: httpx.Client) -> None:
    event = {"type": T, "version": 1, "data": {"order_id": "o-1"}}
    for target in ("abc", "²", BEYOND_64_BITS, -3, {T: "abc"}, {T: BEYOND_64_BITS}):
        answer = upcast(lineage, events=[event], target=target)
        problem(answer, 422, "must be 'latest' or a version")
    for target in ("²", "abc", str(BEYOND_64_BITS)):
        answer = lineage.get(f"/v1/events/{T}/plan", params={"version": 1, "target": target})
        problem(answer, 422, "target must be 'latest' or a version number")
    assert upcast(lineage, events=[event], target="2").json()["events"][0]["version"] == 2


def test_upcaster_versions_beyond_32_bits_are_a_422(lineage: httpx.Client) -> None:
    for path in (
        f"/v1/events/{T}/versions/99999999999/upcasters",
        f"/v1/events/{T}/versions/2/upcasters/99999999999",
        f"/v1/events/{T}/versions/0/upcasters",
    ):
        problem(lineage.get(path), 422, "path.")
    problem(lineage.delete(f"/v1/events/{T}/versions/2/upcasters/{2**40}"), 422, "from_version")
    problem(lineage.get(f"/v1/events/{T}/plan", params={"version": 2**40}), 422, "query.version")


def test_wire_entry_outside_ascii_is_a_400(lineage: httpx.Client) -> None:
    problem(upcast(lineage, wire=["AAAAAAE=é"]), 400, "a wire entry is not base64")


def test_structured_cloudevent_the_sdk_refuses_is_a_400(lineage: httpx.Client) -> None:
    cases = {
        "Missing required attribute: 'source'": {"specversion": "1.0", "id": "1", "type": T},
        "Expected 4 digits": {
            "specversion": "1.0",
            "id": "1",
            "source": "s",
            "type": T,
            "time": "not a time",
        },
    }
    for message, event in cases.items():
        answer = upcast(lineage, cloudevents=[event])
        problem(answer, 400, "not a valid structured-mode CloudEvent", message)


def test_cloudevent_version_attribute_needs_ascii_digits(lineage: httpx.Client) -> None:
    event = {"specversion": "1.0", "id": "1", "source": "s", "type": T, "data": {"order_id": "o"}}
    problem(upcast(lineage, cloudevents=[event | {"dataversion": "²"}]), 422, "names no schema")
    answer = upcast(lineage, cloudevents=[event | {"dataversion": "1"}])
    assert answer.json()["cloudevents"][0]["data"] == {"order_id": "o", "n": 0}


def test_cloudevent_with_a_number_beyond_64_bits_is_read(lineage: httpx.Client) -> None:
    event = {"specversion": "1.0", "id": "1", "source": "s", "type": T, "dataversion": "2"}
    data = {"order_id": "o", "n": 1, "extra": BEYOND_64_BITS}
    answer = upcast(lineage, cloudevents=[event | {"data": data}])
    assert answer.status_code == 200, answer.text
    assert answer.json()["cloudevents"][0]["data"]["extra"] == BEYOND_64_BITS


def test_upcaster_document_with_a_number_beyond_64_bits_is_a_422(lineage: httpx.Client) -> None:
    document = {"ops": [{"set": {"path": "n", "value": BEYOND_64_BITS}}]}
    answer = lineage.post(f"/v1/events/{T}/versions/2/upcasters", json=document)
    problem(answer, 422, "cannot be stored as JSON: Integer exceeds 64-bit range")


def test_schema_metadata_with_a_number_beyond_64_bits_is_a_422(client: httpx.Client) -> None:
    body = {"schema": V1, "metadata": {"extra": BEYOND_64_BITS}}
    problem(client.post(f"/v1/events/{T}/versions", json=body), 422, "beyond 64 bits")
    problem(client.post(f"/v1/subjects/{T}/compatibility", json=body), 422, "beyond 64 bits")


def test_upcaster_between_versions_with_logical_types_is_validated(client: httpx.Client) -> None:
    # The boundary samples were "" for a uuid and 2**63-1 for a timestamp, which fastavro
    # writes but cannot read back: every such registration was a 500.
    logical = [
        {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    ]
    added = {"name": "currency", "type": "string", "default": "EUR"}
    for fields in (logical, [*logical, added]):
        schema = json.dumps({"type": "record", "name": "shop.Order", "fields": fields})
        answer = client.post("/subjects/orders/versions", json={"schema": schema})
        assert answer.status_code == 200, answer.text
    answer = client.post("/v1/events/orders/versions/2/upcasters", json={"ops": []})
    assert answer.status_code == 201, answer.text
    assert answer.json()["report"]["passed"]
    assert answer.json()["report"]["sample_count"] >= 200
