"""JSON Schema ``pattern`` and ``patternProperties`` run in linear time wherever evcat evaluates
them (registration, compatibility, upcaster samples and outputs): a catastrophic-backtracking
pattern against a long near-match is answered at once, and patterns that need backtracking are
refused when registered."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from evcat.formats.jsonschema.patterns import matcher
from tests.hostile.conftest import still_answers

EVIL = "^(a+)+$"
NEAR_MATCH = "a" * 5000 + "!"


def register(client: httpx.Client, subject: str, schema: dict[str, Any]) -> httpx.Response:
    return client.post(
        f"/subjects/{subject}/versions",
        json={"schemaType": "JSON", "schema": json.dumps(schema)},
        timeout=30,
    )


def test_the_evil_pattern_is_matched_in_linear_time() -> None:
    match = matcher(EVIL)
    assert match is not None
    started = time.monotonic()
    assert not match(NEAR_MATCH)
    assert match("aaaa")
    assert time.monotonic() - started < 0.5


def test_a_pattern_needing_backtracking_is_refused_at_registration(client: httpx.Client) -> None:
    for pattern in ("^(?=a)a+$", "^(a)\\1$"):
        schema = {"type": "object", "properties": {"p": {"type": "string", "pattern": pattern}}}
        answer = register(client, "lookaround-value", schema)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error_code"] == 42201
        assert "linear-time" in answer.json()["message"]
    still_answers(client)


def test_a_pattern_past_the_length_limit_is_refused(client: httpx.Client) -> None:
    schema = {"type": "string", "pattern": "a" * 1001}
    answer = register(client, "long-pattern-value", schema)
    assert answer.status_code == 422, answer.text
    assert "EVCAT_REGEX_MAX_LENGTH" in answer.json()["message"]


def test_compatibility_against_evil_pattern_properties_is_quick(client: httpx.Client) -> None:
    subject = "redos-compat-value"
    client.put(f"/config/{subject}", json={"compatibility": "BACKWARD"})
    first = {"type": "object", "properties": {NEAR_MATCH: {"type": "string"}}}
    assert register(client, subject, first).status_code == 200
    second = {
        "type": "object",
        "properties": {NEAR_MATCH: {"type": "string"}},
        "patternProperties": {EVIL: {"type": "integer"}},
    }
    started = time.monotonic()
    answer = client.post(
        f"/compatibility/subjects/{subject}/versions/latest",
        json={"schemaType": "JSON", "schema": json.dumps(second)},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert time.monotonic() - started < 5
    still_answers(client)


def test_upcaster_output_checked_against_an_evil_pattern_is_refused_quickly(
    client: httpx.Client,
) -> None:
    event = "redos.Upcast"
    client.put(f"/config/{event}", json={"compatibility": "NONE"})
    v1 = {"type": "object", "properties": {"t": {"type": "string"}}, "required": ["t"]}
    v2 = {
        "type": "object",
        "properties": {"t": {"type": "string"}, "n": {"type": "string", "pattern": EVIL}},
        "required": ["t", "n"],
    }
    for schema in (v1, v2):
        assert register(client, event, schema).status_code == 200
    started = time.monotonic()
    answer = client.post(
        f"/v1/events/{event}/versions/2/upcasters",
        json={"ops": [{"set": {"path": "n", "value": "a" * 40 + "!"}}]},
        timeout=60,
    )
    assert answer.status_code == 422, answer.text
    assert "does not match" in answer.text
    assert time.monotonic() - started < 10
    still_answers(client)
