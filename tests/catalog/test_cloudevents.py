"""CloudEvents (F12): envelopes, dataschema URLs with strong ETags, and the sample validator."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from cloudevents.core.bindings import kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from fastapi.testclient import TestClient

from tests.catalog.conftest import DEMO_CATALOG

YAML = {"content-type": "application/yaml"}

BASE = "http://testserver"


def envelope(api: TestClient, name: str) -> dict[str, Any]:
    answer = api.get(f"/v1/events/{name}/cloudevents")
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def test_envelope_of_a_declared_event(api: TestClient) -> None:
    assert envelope(api, "CustomerRegistered") == {
        "event": "com.acme.customers.CustomerRegistered",
        "declared": True,
        "specversion": "1.0",
        "type": "com.acme.customers.registered",
        "source": "//customers.acme.example/{region}",
        "subject": "{customer_id}",
        "content_mode": "binary",
        "datacontenttype": "application/avro",
        "dataschema": f"{BASE}/v1/events/com.acme.customers.CustomerRegistered/versions/2/schema",
        "extensions": ["partitionkey", "traceparent"],
        "classification": {
            "dataclassification": "confidential",
            "dataregulation": "GDPR",
            "datacategory": "standard",
        },
        "versions": [
            {
                "version": 1,
                "dataschema": (
                    f"{BASE}/v1/events/com.acme.customers.CustomerRegistered/versions/1/schema"
                ),
                "confluent_schema": f"{BASE}/schemas/ids/5",
                "schema_id": 5,
            },
            {
                "version": 2,
                "dataschema": (
                    f"{BASE}/v1/events/com.acme.customers.CustomerRegistered/versions/2/schema"
                ),
                "confluent_schema": f"{BASE}/schemas/ids/6",
                "schema_id": 6,
            },
        ],
    }


@pytest.mark.parametrize(
    ("event", "media_type"),
    [
        ("CustomerRegistered", "application/vnd.apache.avro+json"),
        ("InvoiceIssued", "application/schema+json"),
        ("PrescriptionFilled", "application/vnd.google.protobuf"),
    ],
)
def test_dataschema_url_resolves_to_the_exact_version_with_a_strong_etag(
    api: TestClient, event: str, media_type: str
) -> None:
    for version in envelope(api, event)["versions"]:
        answer = api.get(version["dataschema"])
        assert answer.status_code == 200
        assert answer.headers["content-type"] == media_type
        etag = answer.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        confluent = api.get(version["confluent_schema"]).json()
        assert answer.text == confluent["schema"]
        cached = api.get(version["dataschema"], headers={"If-None-Match": etag})
        assert (cached.status_code, cached.headers["etag"]) == (304, etag)


def test_versions_have_different_etags(api: TestClient) -> None:
    first = api.get("/v1/events/CustomerRegistered/versions/1/schema").headers["etag"]
    second = api.get("/v1/events/CustomerRegistered/versions/2/schema").headers["etag"]
    assert first != second


@pytest.mark.parametrize(
    ("event", "classification"),
    [
        (
            "PrescriptionFilled",
            {
                "dataclassification": "restricted",
                "dataregulation": "GDPR",
                "datacategory": "special-category",
            },
        ),
        (
            "shop.OrderPlaced",
            {
                "dataclassification": "confidential",
                "dataregulation": "GDPR",
                "datacategory": "standard",
            },
        ),
        ("DailySignupCount", {"dataclassification": "internal", "datacategory": "non-sensitive"}),
    ],
)
def test_classification_is_derived_from_field_categories(
    api: TestClient, event: str, classification: dict[str, str]
) -> None:
    assert envelope(api, event)["classification"] == classification


def valid_attributes(api: TestClient, name: str) -> dict[str, Any]:
    expected = envelope(api, name)
    return {
        "id": "e-1",
        "source": "//customers.acme.example/eu",
        "type": expected["type"],
        "time": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "dataschema": expected["dataschema"],
        "datacontenttype": "application/json",
    }


def validate(api: TestClient, name: str, sample: dict[str, Any]) -> dict[str, Any]:
    answer = api.post(f"/v1/events/{name}/cloudevents/validate", json=sample)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def structured(event: CloudEvent) -> dict[str, Any]:
    message = kafka.to_structured(event, JSONFormat())
    return {"mode": "structured", "event": orjson.loads(message.value)}


def binary(event: CloudEvent) -> dict[str, Any]:
    message = kafka.to_binary(event, JSONFormat())
    return {
        "mode": "binary",
        "headers": {k: v.decode() for k, v in message.headers.items()},
        "value_base64": base64.b64encode(message.value).decode(),
        "key": message.key if isinstance(message.key, str) else None,
    }


def test_an_sdk_structured_event_is_valid(api: TestClient) -> None:
    event = CloudEvent(valid_attributes(api, "CustomerRegistered"), {"customer_id": "c-1"})
    assert validate(api, "CustomerRegistered", structured(event)) == {
        "valid": True,
        "findings": [],
    }


def test_an_sdk_kafka_binary_event_is_valid(api: TestClient) -> None:
    attributes = valid_attributes(api, "CustomerRegistered") | {"partitionkey": "c-1"}
    attributes["datacontenttype"] = "application/avro"
    event = CloudEvent(attributes, b"\x00\x00\x00\x00\x06\x06c-1")
    result = validate(api, "CustomerRegistered", binary(event))
    assert result == {"valid": True, "findings": []}


def test_personal_data_in_subject_is_a_warning(api: TestClient) -> None:
    document = (DEMO_CATALOG / "events" / "com.acme.customers.CustomerRegistered.yaml").read_text()
    changed = document.replace("subject: '{customer_id}'", "subject: '{email}'")
    assert api.post("/v1/catalog/apply", content=changed, headers=YAML).status_code == 200
    attributes = valid_attributes(api, "CustomerRegistered") | {"subject": "ana@example.com"}
    result = validate(api, "CustomerRegistered", structured(CloudEvent(attributes, None)))
    assert result == {
        "valid": True,
        "findings": [
            {
                "level": "warning",
                "attribute": "subject",
                "message": "subject is built from {email}: personal data in clear text on "
                "every hop",
            }
        ],
    }


def findings(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["level"], f["attribute"], f["message"]) for f in result["findings"]]


def test_validator_rejects_bad_attribute_names_and_warns_on_long_ones(api: TestClient) -> None:
    event = {
        "specversion": "1.0",
        "id": "e-1",
        "source": "//customers.acme.example/eu",
        "type": "com.acme.customers.registered",
        "Trace_Id": "x",
        "averyveryverylongattribute": "y",
    }
    result = validate(api, "CustomerRegistered", {"mode": "structured", "event": event})
    assert result["valid"] is False
    assert findings(result)[:2] == [
        ("error", "Trace_Id", "attribute names use only lowercase letters a-z and 0-9"),
        (
            "warning",
            "averyveryverylongattribute",
            "attribute names should not exceed 20 characters",
        ),
    ]
    assert findings(result)[2][0:2] == ("error", "(sdk)")


def test_validator_rejects_missing_attributes_relative_dataschema_and_wrong_type(
    api: TestClient,
) -> None:
    event = {
        "specversion": "1.0",
        "source": "//customers.acme.example/eu",
        "type": "com.acme.customers.created",
        "dataschema": "/v1/events/x/versions/1/schema",
    }
    result = validate(api, "CustomerRegistered", {"mode": "structured", "event": event})
    assert findings(result)[:3] == [
        ("error", "id", "the required attribute 'id' is missing"),
        (
            "error",
            "dataschema",
            "dataschema '/v1/events/x/versions/1/schema' is not an absolute URI",
        ),
        (
            "error",
            "type",
            "type 'com.acme.customers.created' does not match the catalog's "
            "'com.acme.customers.registered'",
        ),
    ]


def test_validator_checks_the_source_pattern_and_binary_headers(api: TestClient) -> None:
    sample = {
        "mode": "binary",
        "headers": {
            "ce_id": "e-1",
            "ce_source": "//elsewhere.example",
            "ce_specversion": "1.0",
            "ce_type": "com.acme.customers.registered",
            "ce_Region": "eu",
            "content-type": "application/json",
        },
        "value_base64": base64.b64encode(b'{"a": 1}').decode(),
    }
    result = validate(api, "CustomerRegistered", sample)
    assert findings(result)[:3] == [
        ("error", "Region", "attribute names use only lowercase letters a-z and 0-9"),
        (
            "error",
            "source",
            "source '//elsewhere.example' does not match '//customers.acme.example/{region}'",
        ),
        (
            "warning",
            "datacontenttype",
            "content-type 'application/json' differs from 'application/avro'",
        ),
    ]


def test_apply_refuses_a_type_that_is_not_reverse_dns(catalog: Any) -> None:
    from evcat.catalog.errors import CatalogProblems

    document = (
        "kind: Event\nid: shop.OrderPlaced\nowner: orders-team\n"
        "cloudevents:\n  type: order placed\n  extensions: [Trace]\n"
    )
    with pytest.raises(CatalogProblems) as caught:
        catalog.apply_text(document)
    assert [str(p) for p in caught.value.problems] == [
        "(request):5: cloudevents.type: CloudEvents type 'order placed' is not a reverse-DNS "
        "name such as com.example.order.placed",
        "(request):6: cloudevents.extensions[0]: CloudEvents attribute 'Trace' must be 1 to 20 "
        "lowercase letters or digits",
    ]
