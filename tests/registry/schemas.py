"""Schemas the registry tests register."""

from __future__ import annotations

import json
from typing import Any


def avro_record(name: str = "Order", *fields: dict[str, Any], namespace: str = "shop") -> str:
    """An Avro record as JSON text; ``id: string`` is always the first field."""
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "namespace": namespace,
            "fields": [{"name": "id", "type": "string"}, *fields],
        }
    )


ORDER_V1 = avro_record()
ORDER_V2 = avro_record("Order", {"name": "qty", "type": "int", "default": 1})
ORDER_BREAKING = avro_record("Order", {"name": "qty", "type": "int"})
ADDRESS = json.dumps(
    {
        "type": "record",
        "name": "Address",
        "namespace": "shop",
        "fields": [{"name": "city", "type": "string"}],
    }
)
CUSTOMER_WITH_ADDRESS = json.dumps(
    {
        "type": "record",
        "name": "Customer",
        "namespace": "shop",
        "fields": [{"name": "home", "type": "shop.Address"}],
    }
)


def body(schema: str, **extra: Any) -> dict[str, Any]:
    return {"schema": schema, **extra}
