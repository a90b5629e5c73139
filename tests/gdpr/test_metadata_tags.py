"""F1: ``metadata.tags {"**.ssn": ["PII"]}`` tags ``ssn`` at every depth, in every format."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

PATTERN = {"tags": {"**.ssn": ["PII"]}}


def _person(name: str) -> dict[str, object]:
    return {"type": "record", "name": name, "fields": [{"name": "ssn", "type": "string"}]}


AVRO_CASES = {
    "array": ("items", {"type": "array", "items": _person("P1")}, "items.ssn"),
    "map": ("by_id", {"type": "map", "values": _person("P2")}, "by_id.ssn"),
    "union": ("maybe", ["null", _person("P3")], "maybe.ssn"),
    "record": ("holder", _person("P4"), "holder.ssn"),
}


def register(api: TestClient, subject: str, schema: str, kind: str) -> None:
    body = {"schema": schema, "schemaType": kind, "metadata": PATTERN}
    answer = api.post(f"/subjects/{subject}/versions", json=body)
    assert answer.status_code == 200, answer.text


def tagged(api: TestClient, event: str) -> dict[str, list[str]]:
    listed = api.get(f"/v1/gdpr/events/{event}/versions/1/fields").json()["fields"]
    return {
        f["path"]: f["classification"]["categories"]
        for f in listed
        if f["classification"]["categories"]
    }


@pytest.mark.parametrize("case", sorted(AVRO_CASES))
def test_avro_pattern_tags_ssn_inside(api: TestClient, case: str) -> None:
    field, kind, path = AVRO_CASES[case]
    schema = {
        "type": "record",
        "name": f"Avro{case}",
        "namespace": "t",
        "fields": [{"name": "ssn", "type": "string"}, {"name": field, "type": kind}],
    }
    register(api, f"avro-{case}-value", json.dumps(schema), "AVRO")
    assert tagged(api, f"t.Avro{case}") == {"ssn": ["personal-data"], path: ["personal-data"]}


PROTO_CASES = {
    "nested": ("Inner inner = 2;", "inner.ssn"),
    "oneof": ("oneof choice { Inner picked = 2; }", "picked.ssn"),
    "map": ("map<string, Inner> by_id = 2;", "by_id.ssn"),
}


@pytest.mark.parametrize("case", sorted(PROTO_CASES))
def test_protobuf_pattern_tags_ssn_inside(api: TestClient, case: str) -> None:
    line, path = PROTO_CASES[case]
    proto = (
        f'syntax = "proto3";\npackage t.{case};\n'
        f"message Top {{ string ssn = 1; {line} }}\nmessage Inner {{ string ssn = 1; }}\n"
    )
    register(api, f"proto-{case}-value", proto, "PROTOBUF")
    assert tagged(api, f"t.{case}.Top") == {"ssn": ["personal-data"], path: ["personal-data"]}


JSON_CASES = {
    "properties": ({"type": "object", "properties": {"ssn": {"type": "string"}}}, "inner.ssn"),
    "items": (
        {"type": "array", "items": {"type": "object", "properties": {"ssn": {"type": "string"}}}},
        "inner.ssn",
    ),
    "ref": ({"$ref": "#/definitions/Person"}, "inner.ssn"),
    "allOf": ({"allOf": [{"$ref": "#/definitions/Person"}]}, "inner.ssn"),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_json_schema_pattern_tags_ssn_inside(api: TestClient, case: str) -> None:
    inner, path = JSON_CASES[case]
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"t.Json{case}",
        "type": "object",
        "definitions": {"Person": {"type": "object", "properties": {"ssn": {"type": "string"}}}},
        "properties": {"ssn": {"type": "string"}, "inner": inner},
    }
    register(api, f"json-{case}-value", json.dumps(schema), "JSON")
    assert tagged(api, f"t.Json{case}") == {"ssn": ["personal-data"], path: ["personal-data"]}


def test_metadata_source_names_its_pattern(api: TestClient) -> None:
    schema = {
        "type": "record",
        "name": "Solo",
        "namespace": "t",
        "fields": [{"name": "ssn", "type": "string"}],
    }
    register(api, "solo-value", json.dumps(schema), "AVRO")
    listed = api.get("/v1/gdpr/events/t.Solo/versions/1/fields").json()["fields"]
    assert listed[0]["classification"]["sources"] == [
        {
            "source": "metadata",
            "tags": ["PII"],
            "categories": ["personal-data"],
            "pattern": "**.ssn",
        }
    ]
