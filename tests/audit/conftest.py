"""Helpers of the audit trail tests: the trail as a live server answers it."""

from __future__ import annotations

import json
from typing import Any

import httpx


def records(client: httpx.Client, **params: str) -> list[dict[str, Any]]:
    """Every record matching ``params``, oldest first, through ``GET /v1/audit``."""
    answer = client.get("/v1/audit", params={"order": "asc", "limit": "1000", **params})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["next"] is None, "more records than one page: narrow the filter"
    return list(body["records"])


def avro(name: str, *fields: str, defaults: bool = False) -> str:
    """A record schema with string fields (with defaults, so every change stays BACKWARD)."""
    declared = [
        {"name": field, "type": "string", **({"default": ""} if defaults else {})}
        for field in fields
    ]
    return json.dumps({"type": "record", "name": name, "fields": declared})
