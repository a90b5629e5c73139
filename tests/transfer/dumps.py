"""Lines of a ``_schemas`` dump, as kcat -J and kafka-console-consumer print them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import orjson

Record = tuple[dict[str, Any], dict[str, Any] | None]
Writer = Callable[[dict[str, Any], dict[str, Any] | None], bytes]


def kcat(key: dict[str, Any], value: dict[str, Any] | None) -> bytes:
    """``kcat -C -t _schemas -e -J``: key and payload are JSON text inside JSON strings."""
    record = {
        "topic": "_schemas",
        "partition": 0,
        "offset": 0,
        "tstype": "create",
        "ts": 1700000000000,
        "broker": 1,
        "key": orjson.dumps(key).decode(),
        "payload": None if value is None else orjson.dumps(value).decode(),
    }
    return orjson.dumps(record)


def console(key: dict[str, Any], value: dict[str, Any] | None) -> bytes:
    """``kafka-console-consumer --property print.key=true``: key, a tab, value or ``null``."""
    return orjson.dumps(key) + b"\t" + (b"null" if value is None else orjson.dumps(value))


def dump(records: Iterable[Record], writer: Writer = kcat) -> list[bytes]:
    return [writer(key, value) + b"\n" for key, value in records]


def record_schema(name: str, *fields: str) -> str:
    return json.dumps(
        {"type": "record", "name": name, "fields": [{"name": f, "type": "string"} for f in fields]}
    )


def schema(
    subject: str,
    version: int,
    schema_id: int,
    text: str,
    *,
    deleted: bool = False,
    **extra: Any,
) -> Record:
    key = {"keytype": "SCHEMA", "subject": subject, "version": version, "magic": 1}
    value = {
        "subject": subject,
        "version": version,
        "id": schema_id,
        "schema": text,
        "deleted": deleted,
        **extra,
    }
    return key, value


def tombstone(subject: str, version: int) -> Record:
    return {"keytype": "SCHEMA", "subject": subject, "version": version, "magic": 1}, None


def config(subject: str | None, level: str | None) -> Record:
    key = {"keytype": "CONFIG", "subject": subject, "magic": 0}
    return key, None if level is None else {"compatibilityLevel": level}


def mode(subject: str | None, value: str) -> Record:
    return {"keytype": "MODE", "subject": subject, "magic": 0}, {"mode": value}


def delete_subject(subject: str, version: int) -> Record:
    key = {"keytype": "DELETE_SUBJECT", "subject": subject, "magic": 0}
    return key, {"subject": subject, "version": version}


def clear_subject(subject: str | None) -> Record:
    return {"keytype": "CLEAR_SUBJECT", "subject": subject, "magic": 0}, {"subject": subject}


def noop() -> Record:
    return {"keytype": "NOOP", "magic": 0}, None


def topic_of(url: str) -> bytes:
    """The ``_schemas`` records Confluent would hold for the registry at ``url`` (kcat -J)."""
    records = []
    for body in httpx.get(f"{url}/schemas", params={"deleted": "true"}).json():
        value = {k: body[k] for k in ("subject", "version", "id", "schema")}
        value |= {k: body[k] for k in ("schemaType", "references") if k in body}
        value["deleted"] = bool(body.get("deleted"))
        key = {"keytype": "SCHEMA", "subject": body["subject"], "version": body["version"]}
        records.append((key | {"magic": 1}, value))
    return b"".join(dump(records))
