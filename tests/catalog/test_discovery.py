"""A schema registered through the Confluent API is a catalog event with no extra step."""

from __future__ import annotations

import json

import httpx
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

AVRO = json.dumps(
    {
        "type": "record",
        "name": "CustomerRegistered",
        "namespace": "com.example",
        "fields": [{"name": "email", "type": "string", "confluent:tags": ["PII"]}],
    }
)
PROTO = """syntax = "proto3";
package com.example.billing;
message InvoicePaid { string invoice_id = 1; Money amount = 2; }
message Money { int64 cents = 1; string currency = 2; }
"""
JSON_TITLE = json.dumps(
    {"title": "com.example.Refunded", "type": "object", "properties": {"id": {"type": "string"}}}
)
JSON_ID = json.dumps({"$id": "urn:example:Pinged", "type": "object"})


def register(client: httpx.Client, subject: str, schema: str, kind: str = "AVRO") -> None:
    answer = client.post(
        f"/subjects/{subject}/versions", json={"schema": schema, "schemaType": kind}
    )
    assert answer.status_code == 200, answer.text


def test_confluent_registration_makes_an_undeclared_event(registry_url: str) -> None:
    sr = SchemaRegistryClient({"url": registry_url})
    sr.register_schema("customers-value", Schema(AVRO, "AVRO"))
    view = httpx.get(f"{registry_url}/v1/events/com.example.CustomerRegistered").json()
    assert (view["declared"], view["owner"], view["producers"]) == (False, None, [])
    assert view["versions"] == [
        {"version": 1, "subject": "customers-value", "schema_id": 1, "schema_type": "AVRO"}
    ]
    fields = httpx.get(f"{registry_url}/v1/events/CustomerRegistered/versions/1/fields").json()[
        "fields"
    ]
    assert fields == [
        {
            "path": "email",
            "type": "string",
            "doc": None,
            "optional": False,
            "tags": ["PII"],
            # The inline Confluent tag classifies the field as personal data (GDPR map, F1).
            "classification": {
                "categories": ["personal-data"],
                "subject_types": [],
                "identifier": None,
                "protection": "plain",
                "key_scope": None,
                "special_category": False,
                "tags": ["PII"],
                "sources": [{"source": "inline", "tags": ["PII"], "categories": ["personal-data"]}],
            },
        }
    ]


def test_each_format_names_its_event(client: httpx.Client) -> None:
    register(client, "invoices-value", PROTO, "PROTOBUF")
    register(client, "refunds-value", JSON_TITLE, "JSON")
    register(client, "pings-value", JSON_ID, "JSON")
    register(client, "customers-key", json.dumps({"type": "record", "name": "Key", "fields": []}))
    register(client, "plain-value", '"string"')
    listed = client.get("/v1/events").json()["items"]
    assert [(e["id"], e["schema_type"], e["subject"], e["versions"]) for e in listed] == [
        ("com.example.Refunded", "JSON", "refunds-value", [1]),
        ("com.example.billing.InvoicePaid", "PROTOBUF", "invoices-value", [1]),
        ("urn:example:Pinged", "JSON", "pings-value", [1]),
    ]


def test_new_versions_and_deletes_show_on_the_next_read(client: httpx.Client) -> None:
    register(client, "customers-value", AVRO)
    assert client.get("/v1/events/CustomerRegistered").json()["latest_version"] == 1
    second = json.loads(AVRO)
    second["fields"].append({"name": "name", "type": "string", "default": ""})
    register(client, "customers-value", json.dumps(second))
    assert client.get("/v1/events/CustomerRegistered").json()["latest_version"] == 2
    assert client.delete("/subjects/customers-value/versions/2").status_code == 200
    assert client.get("/v1/events/CustomerRegistered").json()["latest_version"] == 1
    assert client.delete("/subjects/customers-value").status_code == 200
    assert client.get("/v1/events/CustomerRegistered").status_code == 404


def test_an_event_in_two_subjects_is_numbered_by_one_of_them(client: httpx.Client) -> None:
    register(client, "customers-value", AVRO)
    register(client, "customers-com.example.CustomerRegistered", AVRO)
    view = client.get("/v1/events/CustomerRegistered").json()
    assert view["subjects"] == [
        {"subject": "customers-com.example.CustomerRegistered", "versions": [1]},
        {"subject": "customers-value", "versions": [1]},
    ]
    assert [v["subject"] for v in view["versions"]] == ["customers-com.example.CustomerRegistered"]
