"""Writes of the data map found failing by fuzzing, on SQLite and PostgreSQL, over real HTTP."""

from __future__ import annotations

import httpx


def test_tag_mapping_is_audited_on_every_backend(client: httpx.Client) -> None:
    # The audit row's timestamp (ms since 1970) needs 64 bits; PostgreSQL refused it as INTEGER.
    answer = client.put("/v1/gdpr/tags/PII", json={"category": "email-address", "actor": "ana"})
    assert answer.status_code == 200, answer.text
    [entry] = client.get("/v1/gdpr/audit").json()["items"]
    assert (entry["actor"], entry["object"]) == ("anonymous", "tag/PII")


def test_nul_character_in_a_body_is_a_400_naming_the_field(client: httpx.Client) -> None:
    cases = {
        "/v1/gdpr/tags/PII": {"category": "email-address", "actor": "a\x00"},
        "/v1/gdpr/classifications": {"event": "e\x00", "path": "p", "actor": "a"},
        "/v1/gdpr/retention-policies/p": {"category": "email-address", "residency": ["\x00"]},
    }
    for path, body in cases.items():
        answer = client.put(path, json=body)
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert "NUL" in answer.json()["detail"] and "at $." in answer.json()["detail"]
    assert client.get("/v1/gdpr/audit").json()["items"] == []
