"""F1: field classification from inline tags, metadata patterns, the catalog and overlays."""

from __future__ import annotations

import json

import httpx
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from fastapi.testclient import TestClient

CUSTOMER = {
    "type": "record",
    "name": "CustomerRegistered",
    "namespace": "com.example",
    "fields": [
        {"name": "customer_id", "type": "string"},
        {"name": "email", "type": "string", "confluent:tags": ["PII"]},
    ],
}


def fields(api: TestClient, event: str, version: str = "latest") -> dict[str, dict[str, object]]:
    answer = api.get(f"/v1/gdpr/events/{event}/versions/{version}/fields")
    assert answer.status_code == 200, answer.text
    return {f["path"]: f["classification"] for f in answer.json()["fields"]}


def test_confluent_client_inline_tag_classifies_the_field(registry_url: str) -> None:
    sr = SchemaRegistryClient({"url": registry_url})
    schema_id = sr.register_schema("customers-value", Schema(json.dumps(CUSTOMER), "AVRO"))
    listed = httpx.get(
        f"{registry_url}/v1/gdpr/events/CustomerRegistered/versions/1/fields"
    ).json()["fields"]
    email = next(f for f in listed if f["path"] == "email")
    assert email["tags"] == ["PII"]
    assert email["classification"]["categories"] == ["personal-data"]
    assert email["classification"]["sources"] == [
        {"source": "inline", "tags": ["PII"], "categories": ["personal-data"]}
    ]
    # The Confluent view of the schema is what the client sent, under the same id.
    assert json.loads(sr.get_schema(schema_id).schema_str) == CUSTOMER


def test_catalog_declaration_and_inline_tag_merge_with_provenance(api: TestClient) -> None:
    email = fields(api, "shop.OrderPlaced")["customer_email"]
    assert email["categories"] == ["email-address", "personal-data"]
    assert email["subject_types"] == ["customer"]
    assert [s["source"] for s in email["sources"]] == ["inline", "catalog"]
    assert (email["identifier"], email["protection"]) == ("direct", "plain")


def test_protobuf_field_meta_tags_classify_the_field(api: TestClient) -> None:
    proto = """syntax = "proto3";
package t.pb;
import "confluent/meta.proto";
message Patient {
  string ssn = 1 [(confluent.field_meta).tags = "PII"];
  oneof contact { string phone = 2 [(confluent.field_meta) = {tags: ["telephone-number"]}]; }
}
"""
    answer = api.post(
        "/subjects/patients-value/versions", json={"schema": proto, "schemaType": "PROTOBUF"}
    )
    assert answer.status_code == 200, answer.text
    found = fields(api, "t.pb.Patient")
    assert found["ssn"]["categories"] == ["personal-data"]
    assert found["phone"]["categories"] == ["telephone-number"]
    assert found["phone"]["sources"][0]["source"] == "inline"


def test_unknown_category_is_422_listing_valid_ids(api: TestClient) -> None:
    answer = api.put(
        "/v1/gdpr/classifications",
        json={
            "event": "CustomerRegistered",
            "path": "email",
            "categories": ["emial"],
            "actor": "ana",
        },
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    detail = answer.json()["detail"]
    assert "'emial'" in detail
    assert "did you mean email-address" in detail
    assert "health-record" in detail  # every valid id is listed


def test_unknown_path_is_422_naming_the_nearest_path(api: TestClient) -> None:
    answer = api.put(
        "/v1/gdpr/classifications",
        json={
            "event": "CustomerRegistered",
            "path": "emial",
            "categories": ["email-address"],
            "actor": "ana",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == ("Unknown field path of version 2 'emial'; nearest: email")


def test_overlay_keeps_versions_and_ids_and_writes_an_audit_row(api: TestClient) -> None:
    subject = "customers-com.acme.customers.CustomerRegistered"
    before = [api.get(f"/subjects/{subject}/versions/{v}").json() for v in (1, 2)]
    answer = api.put(
        "/v1/gdpr/classifications",
        json={
            "event": "CustomerRegistered",
            "version": "1",
            "path": "registered_at",
            "categories": ["behavioural"],
            "subject_types": ["customer"],
            "actor": "ana",
        },
    )
    assert answer.status_code == 200, answer.text
    assert api.get(f"/subjects/{subject}/versions").json() == [1, 2]
    assert [api.get(f"/subjects/{subject}/versions/{v}").json() for v in (1, 2)] == before
    audit = api.get("/v1/gdpr/audit").json()["items"]
    assert len(audit) == 1
    entry = audit[0]
    # The principal is the verified one (anonymous without sign-in); the typed name is a claim.
    assert (entry["actor"], entry["action"], entry["object"]) == (
        "anonymous",
        "classify",
        "com.acme.customers.CustomerRegistered/v1/registered_at",
    )
    assert entry["before"] is None
    assert entry["after"]["categories"] == ["behavioural"]
    assert entry["after"]["claimed_actor"] == "ana"
    assert entry["at_ms"] > 0


def test_overlay_carries_over_to_the_next_version_marked_inherited(api: TestClient) -> None:
    api.put(
        "/v1/gdpr/classifications",
        json={
            "event": "CustomerRegistered",
            "version": "1",
            "path": "registered_at",
            "categories": ["behavioural"],
            "actor": "ana",
        },
    )
    v1 = fields(api, "CustomerRegistered", "1")["registered_at"]
    v2 = fields(api, "CustomerRegistered", "2")["registered_at"]
    assert v1["sources"] == [{"source": "overlay", "categories": ["behavioural"]}]
    assert v2["sources"] == [
        {"source": "overlay", "categories": ["behavioural"], "inherited-from": "v1"}
    ]


def test_overlay_does_not_carry_over_when_the_path_is_gone(api: TestClient) -> None:
    subject = "customers-com.acme.customers.CustomerRegistered"
    v3 = json.loads(json.dumps(CUSTOMER))
    v3["namespace"] = "com.acme.customers"
    v3["fields"] = [{"name": "customer_id", "type": "string"}, {"name": "email", "type": "string"}]
    api.put(f"/config/{subject}", json={"compatibility": "NONE"})
    assert (
        api.post(f"/subjects/{subject}/versions", json={"schema": json.dumps(v3)}).status_code
        == 200
    )
    api.put(
        "/v1/gdpr/classifications",
        json={
            "event": "CustomerRegistered",
            "version": "2",
            "path": "registered_at",
            "categories": ["behavioural"],
            "actor": "ana",
        },
    )
    assert "registered_at" not in fields(api, "CustomerRegistered", "3")


def test_tag_mapping_refines_pii_for_every_schema(api: TestClient) -> None:
    answer = api.put("/v1/gdpr/tags/PII", json={"category": "email-address", "actor": "dpo"})
    assert answer.status_code == 200
    email = fields(api, "shop.OrderPlaced")["customer_email"]
    assert email["sources"][0] == {
        "source": "inline",
        "tags": ["PII"],
        "categories": ["email-address"],
    }
    assert api.get("/v1/gdpr/audit", params={"object": "tag/"}).json()["items"][0]["after"] == {
        "category": "email-address",
        "claimed_actor": "dpo",
    }
