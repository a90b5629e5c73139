"""Reserved fields: with config ``validateFields``, ``confluent:reserved`` names are enforced.

Over real HTTP on both databases. The property lists names (comma-separated) the subject
promises never to use as top-level fields; a new version may not use one, nor drop one the
latest version reserved. Both are 409s, as in Confluent 8, whatever the compatibility level.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.registry.schemas import avro_record, body

EMAIL = {"name": "email", "type": "string"}
WITH_EMAIL = avro_record("Customer", EMAIL)
WITHOUT_EMAIL = avro_record("Customer")


def reserving(names: str) -> dict[str, Any]:
    return {"properties": {"confluent:reserved": names}}


def register(client: httpx.Client, schema: str, **extra: Any) -> httpx.Response:
    return client.post("/subjects/customers-value/versions", json=body(schema, **extra))


@pytest.fixture
def validating(client: httpx.Client) -> httpx.Client:
    """A registry validating fields everywhere, at compatibility NONE (reserved names alone)."""
    client.put("/config", json={"compatibility": "NONE", "validateFields": True})
    return client


def test_a_field_with_a_reserved_name_is_409(validating: httpx.Client) -> None:
    answer = register(validating, WITH_EMAIL, metadata=reserving("email"))
    assert (answer.status_code, answer.json()["error_code"]) == (409, 409)
    assert "conflicts with the reserved field email" in answer.json()["message"]


def test_reserving_names_the_schema_does_not_use_registers(validating: httpx.Client) -> None:
    answer = register(validating, WITHOUT_EMAIL, metadata=reserving("email"))
    assert answer.status_code == 200


def test_reserved_names_are_a_trimmed_comma_separated_list(validating: httpx.Client) -> None:
    answer = register(validating, WITH_EMAIL, metadata=reserving("phone , email"))
    assert "conflicts with the reserved field email" in answer.json()["message"]
    assert "reserved field phone" not in answer.json()["message"]


def test_dropping_a_name_the_latest_version_reserved_is_409(validating: httpx.Client) -> None:
    register(validating, WITHOUT_EMAIL, metadata=reserving("email"))
    answer = register(
        validating,
        avro_record("Customer", {"name": "age", "type": "int"}),
        metadata=reserving("phone"),
    )
    assert answer.status_code == 409
    assert "reserved field email removed" in answer.json()["message"]


def test_keeping_the_reserved_names_and_adding_more_registers(validating: httpx.Client) -> None:
    register(validating, WITHOUT_EMAIL, metadata=reserving("email"))
    answer = register(
        validating,
        avro_record("Customer", {"name": "age", "type": "int"}),
        metadata=reserving("email,phone"),
    )
    assert answer.status_code == 200


def test_inherited_reserved_names_stop_a_version_that_uses_one(validating: httpx.Client) -> None:
    register(validating, WITHOUT_EMAIL, metadata=reserving("email"))
    answer = register(validating, WITH_EMAIL)
    assert answer.status_code == 409


def test_reserved_names_are_not_enforced_without_validate_fields(client: httpx.Client) -> None:
    answer = register(client, WITH_EMAIL, metadata=reserving("email"))
    assert answer.status_code == 200


def test_subject_validate_fields_wins_over_the_global_setting(client: httpx.Client) -> None:
    client.put("/config", json={"validateFields": False})
    client.put("/config/customers-value", json={"validateFields": True})
    assert register(client, WITH_EMAIL, metadata=reserving("email")).status_code == 409


def test_the_409_reports_validate_fields_on(validating: httpx.Client) -> None:
    answer = register(validating, WITH_EMAIL, metadata=reserving("email"))
    assert "{validateFields: 'true', compatibility: 'NONE'}" in answer.json()["message"]


def test_protobuf_fields_of_the_first_message_are_checked(validating: httpx.Client) -> None:
    proto = 'syntax = "proto3";\nmessage Customer {\n  string email = 1;\n}\n'
    answer = register(validating, proto, schemaType="PROTOBUF", metadata=reserving("email"))
    assert answer.status_code == 409


def test_json_schema_top_level_properties_are_checked(validating: httpx.Client) -> None:
    document = json.dumps({"type": "object", "properties": {"email": {"type": "string"}}})
    answer = register(validating, document, schemaType="JSON", metadata=reserving("email"))
    assert answer.status_code == 409


def test_compatibility_check_reports_a_reserved_conflict(validating: httpx.Client) -> None:
    register(validating, WITHOUT_EMAIL, metadata=reserving("email"))
    answer = validating.post(
        "/compatibility/subjects/customers-value/versions",
        params={"verbose": "true"},
        json=body(WITH_EMAIL),
    )
    assert answer.json()["is_compatible"] is False
    assert any("reserved field email" in message for message in answer.json()["messages"])
