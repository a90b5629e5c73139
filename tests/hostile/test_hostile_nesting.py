"""Schemas nested past EVCAT_SCHEMA_MAX_DEPTH are refused at registration with 42201 naming
the limit, quickly, and never reach a recursive parser, printer or generated codec."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tests.hostile.conftest import still_answers


def records(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "record", "name": "R0", "fields": []}
    for level in range(1, depth):
        schema = {"type": "record", "name": f"R{level}", "fields": [{"name": "f", "type": schema}]}
    return schema


def arrays(depth: int) -> Any:
    schema: Any = "string"
    for _ in range(depth):
        schema = {"type": "array", "items": schema}
    return schema


def maps(depth: int) -> Any:
    schema: Any = "string"
    for _ in range(depth):
        schema = {"type": "map", "values": schema}
    return schema


def unions(depth: int) -> Any:
    schema: Any = "string"
    for _ in range(depth):
        schema = ["null", {"type": "array", "items": schema}]
    return schema


@pytest.mark.parametrize("build", [records, arrays, maps, unions])
def test_avro_nested_past_the_limit_is_42201(client: httpx.Client, build: Any) -> None:
    started = time.monotonic()
    answer = client.post(
        "/subjects/deep-value/versions", json={"schema": json.dumps(build(200))}, timeout=30
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error_code"] == 42201
    assert "EVCAT_SCHEMA_MAX_DEPTH" in answer.json()["message"]
    assert time.monotonic() - started < 5
    still_answers(client)


def test_avro_nested_within_the_limit_registers(client: httpx.Client) -> None:
    answer = client.post(
        "/subjects/deep-ok-value/versions", json={"schema": json.dumps(records(30))}
    )
    assert answer.status_code == 200, answer.text


def test_json_nested_past_the_limit_is_42201(client: httpx.Client) -> None:
    schema = '{"type": "array", "items": ' * 3000 + "{}" + "}" * 3000
    answer = client.post(
        "/subjects/deep-json-value/versions", json={"schemaType": "JSON", "schema": schema}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error_code"] == 42201
    still_answers(client)
