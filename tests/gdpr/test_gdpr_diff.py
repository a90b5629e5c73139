"""F8: semantic diff of two versions: fields, verdicts, privacy changes, touched consumers."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from evcat.compat import LEVELS

SUBJECT = "shop.orders-value"
V3 = {
    "type": "record",
    "name": "OrderPlaced",
    "namespace": "shop",
    "doc": "A customer placed an order.",
    "fields": [
        {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "customer_email", "type": "string", "confluent:tags": ["PII"]},
        {"name": "total_cents", "type": "long"},
        {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "allergy", "type": "string", "confluent:tags": ["health-record"]},
    ],
}


@pytest.fixture
def with_v3(api: TestClient) -> TestClient:
    api.put(f"/config/{SUBJECT}", json={"compatibility": "NONE"})
    answer = api.post(f"/subjects/{SUBJECT}/versions", json={"schema": json.dumps(V3)})
    assert answer.status_code == 200, answer.text
    return api


def diff(api: TestClient, event: str, old: int, new: int) -> dict[str, object]:
    answer = api.get(f"/v1/events/{event}/diff", params={"from": old, "to": new})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_diff_lists_added_removed_and_changed_fields(with_v3: TestClient) -> None:
    found = diff(with_v3, "OrderPlaced", 2, 3)
    assert [f["path"] for f in found["added"]] == ["allergy"]
    assert [f["path"] for f in found["removed"]] == ["currency"]
    assert found["changed"] == []
    removed_lines = [
        line for line in str(found["unified_diff"]).splitlines() if line.startswith("-")
    ]
    assert '-      "name": "currency",' in removed_lines


def test_removed_field_read_by_billing_lists_billing_as_touched(with_v3: TestClient) -> None:
    touched = diff(with_v3, "OrderPlaced", 2, 3)["consumers_touched"]
    assert [(c["service"], c["fields"], c["removed"]) for c in touched] == [
        ("billing-service", ["currency"], ["currency"]),
        ("payment-service", ["currency"], ["currency"]),
    ]


def test_new_health_field_appears_under_privacy_changes(with_v3: TestClient) -> None:
    assert diff(with_v3, "OrderPlaced", 2, 3)["privacy_changes"] == [
        {"path": "allergy", "change": "added", "gained": ["health-record"], "lost": []}
    ]


@pytest.mark.parametrize(
    ("event", "subject", "old", "new"),
    [
        ("OrderPlaced", SUBJECT, 1, 3),
        ("OrderPlaced", SUBJECT, 2, 3),
    ],
)
def test_avro_verdicts_equal_the_compatibility_endpoint(
    with_v3: TestClient, event: str, subject: str, old: int, new: int
) -> None:
    verdicts = diff(with_v3, event, old, new)["compatibility"]
    schema = with_v3.get(f"/subjects/{subject}/versions/{new}").json()
    for level in LEVELS:
        if level.endswith("_TRANSITIVE"):
            continue
        with_v3.put(f"/config/{subject}", json={"compatibility": level})
        answer = with_v3.post(
            f"/compatibility/subjects/{subject}/versions/{old}",
            json={"schema": schema["schema"], "schemaType": schema.get("schemaType", "AVRO")},
        )
        assert verdicts[level]["compatible"] == answer.json()["is_compatible"], level


def _register_pair(api: TestClient, subject: str, kind: str, first: str, second: str) -> None:
    api.put(f"/config/{subject}", json={"compatibility": "NONE"})
    for text in (first, second):
        answer = api.post(
            f"/subjects/{subject}/versions", json={"schema": text, "schemaType": kind}
        )
        assert answer.status_code == 200, answer.text


PROTO_1 = 'syntax = "proto3";\npackage d.p;\nmessage Ev { string a = 1; int32 b = 2; }\n'
PROTO_2 = 'syntax = "proto3";\npackage d.p;\nmessage Ev { string a = 1; string b = 2; }\n'
JSON_1 = json.dumps(
    {
        "title": "d.J",
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
    }
)
JSON_2 = json.dumps(
    {
        "title": "d.J",
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["b"],
        "additionalProperties": False,
    }
)


@pytest.mark.parametrize(
    ("event", "subject", "kind", "first", "second"),
    [
        ("d.p.Ev", "dp-value", "PROTOBUF", PROTO_1, PROTO_2),
        ("d.J", "dj-value", "JSON", JSON_1, JSON_2),
    ],
)
def test_protobuf_and_json_verdicts_equal_the_compatibility_endpoint(
    api: TestClient, event: str, subject: str, kind: str, first: str, second: str
) -> None:
    _register_pair(api, subject, kind, first, second)
    verdicts = diff(api, event, 1, 2)["compatibility"]
    assert not all(v["compatible"] for v in verdicts.values())
    for level in LEVELS:
        if level.endswith("_TRANSITIVE"):
            continue
        api.put(f"/config/{subject}", json={"compatibility": level})
        answer = api.post(
            f"/compatibility/subjects/{subject}/versions/1",
            json={"schema": second, "schemaType": kind},
        )
        assert verdicts[level]["compatible"] == answer.json()["is_compatible"], level


def test_diff_of_unknown_version_is_404(api: TestClient) -> None:
    answer = api.get("/v1/events/OrderPlaced/diff", params={"from": 1, "to": 9})
    assert answer.status_code == 404
