"""Text JSON allows but storage does not (NUL, lone UTF-16 surrogates) is a 400 saying where,
in every body: Confluent routes and /v1, on SQLite and PostgreSQL, never a 500."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.hostile.conftest import still_answers

BAD_TEXT = {
    "NUL": '"a\\u0000b"',
    "lone high surrogate": '"a\\ud800b"',
    "lone low surrogate": '"\\udc00"',
    "high surrogate followed by a letter": '"\\ud83d\\u0041"',
}


@pytest.mark.parametrize("kind", list(BAD_TEXT))
def test_confluent_registration_with_unstorable_text_is_a_400(
    client: httpx.Client, kind: str
) -> None:
    body = (
        b'{"schema": "{\\"type\\": \\"string\\", \\"doc\\": '
        + BAD_TEXT[kind].encode().replace(b'"', b'\\"')
        + b'}"}'
    )
    answer = client.post(
        "/subjects/text-value/versions",
        content=body,
        headers={"content-type": "application/vnd.schemaregistry.v1+json"},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["error_code"] == 40061
    assert "at $.schema" in answer.json()["message"]
    still_answers(client)


@pytest.mark.parametrize("kind", list(BAD_TEXT))
def test_v1_bodies_with_unstorable_text_are_a_400_problem(client: httpx.Client, kind: str) -> None:
    body = (
        b'{"apiVersion": "evcat/v1", "kind": "Team", "id": "t", "name": '
        + BAD_TEXT[kind].encode()
        + b"}"
    )
    answer = client.post(
        "/v1/catalog/apply", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/teams").json()["items"] == []


def test_a_raw_nul_byte_in_a_body_is_a_400(client: httpx.Client) -> None:
    answer = client.put(
        "/config",
        content=b'{"compatibility": "NONE\x00"}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    assert "NUL" in answer.json()["message"]


def test_a_complete_surrogate_pair_and_an_escaped_backslash_are_accepted(
    client: httpx.Client,
) -> None:
    schema = {"type": "string", "doc": "smile \U0001f600 and \\u0000 as text"}
    body = json.dumps({"schema": json.dumps(schema)}).encode()
    assert b"\\\\ud83d" in body or b"\\ud83d" in body
    answer = client.post(
        "/subjects/text-ok-value/versions",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    stored = client.get("/subjects/text-ok-value/versions/1/schema").json()
    assert stored["doc"] == schema["doc"]
