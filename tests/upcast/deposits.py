"""A small registry for bulk and CLI tests: bank.Deposited v1 -> v3, and synthetic events.

v1 -> v2 is declarative (cents renamed, ``noise`` events dropped); v2 -> v3 is implicit (a
currency with a default). Events carry a per-stream sequence number to check order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from evcat.db import make_engine
from evcat.migrations import upgrade
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.settings import Settings
from evcat.upcast.service import UpcastService

T = "bank.Deposited"
BASE = [
    {"name": "account", "type": "string"},
    {"name": "seq", "type": "long"},
    {"name": "kind", "type": "string"},
]
SCHEMAS = [
    [*BASE, {"name": "cents", "type": "long"}],
    [*BASE, {"name": "amount_cents", "type": "long"}],
    [
        *BASE,
        {"name": "amount_cents", "type": "long"},
        {"name": "currency", "type": "string", "default": "EUR"},
    ],
]
EDGE = {
    "event": T,
    "from": 1,
    "to": 2,
    "ops": [
        {"drop_event": {"when": "kind == 'noise'"}},
        {"rename": {"from": "cents", "to": "amount_cents"}},
    ],
}


def make_registry(db_url: str) -> UpcastService:
    upgrade(db_url)
    registry = Registry(make_engine(db_url), Settings(db_url=db_url))
    for fields in SCHEMAS:
        text = json.dumps({"type": "record", "name": T, "fields": fields})
        registry.register(T, SchemaRequest(schema=text), force=True)
    service = UpcastService(registry, samples=20)
    service.register(EDGE)
    return service


def event(n: int, streams: int) -> dict[str, Any]:
    stream = n % streams
    seq = n // streams
    version = 1 + n % 3
    data: dict[str, Any] = {
        "account": f"acc-{stream}",
        "seq": seq,
        "kind": "noise" if n % 97 == 0 and version == 1 else "deposit",
    }
    data["cents" if version == 1 else "amount_cents"] = n
    if version == 3:
        data["currency"] = "EUR"
    return {"type": T, "version": version, "id": f"e-{n}", "stream_id": f"s-{stream}", "data": data}


def write_events(path: Path, count: int, streams: int) -> int:
    """Write ``count`` events; returns how many of them are dropped by the v1 -> v2 edge."""
    dropped = 0
    with open(path, "wb") as out:
        for n in range(count):
            record = event(n, streams)
            dropped += record["data"]["kind"] == "noise"
            out.write(orjson.dumps(record) + b"\n")
    return dropped
