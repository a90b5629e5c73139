"""Pieces of AsyncAPI messages that need format knowledge: inlined Avro, CloudEvents headers."""

from __future__ import annotations

from typing import Any

from evcat.catalog import spec as s


def cloudevents_headers(envelope: s.CloudEventsEnvelope, name: str) -> dict[str, Any]:
    """The ``ce_*`` headers of Kafka binary mode as an AsyncAPI (JSON) schema."""
    text = {"type": "string"}
    properties: dict[str, Any] = {
        "ce_id": text,
        "ce_source": text,
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_type": {"type": "string", "const": envelope.type or name},
        "ce_time": {"type": "string", "format": "date-time"},
    }
    if envelope.subject:
        properties["ce_subject"] = text
    for extension in envelope.extensions:
        properties[f"ce_{extension}"] = text
    return {
        "type": "object",
        "required": ["ce_id", "ce_source", "ce_specversion", "ce_type"],
        "properties": properties,
    }


def inline_avro(model: Any) -> Any:
    """The normalized Avro tree with every referenced named type defined at first use.

    Names are fully qualified in the normalized tree, so references by full name resolve
    wherever the definition lands.
    """
    defined: set[str] = set()

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            if node in model.named and node not in defined:
                return walk(model.named[node])
            return node
        if isinstance(node, list):
            return [walk(branch) for branch in node]
        if not isinstance(node, dict):
            return node
        out = dict(node)
        if out.get("type") in ("record", "error", "enum", "fixed"):
            defined.add(out["name"])
            # AsyncAPI's Avro schema wants a simple name and the namespace beside it.
            namespace, _, short = str(out.pop("name")).rpartition(".")
            head = {"type": out.pop("type"), "name": short}
            out = head | ({"namespace": namespace} if namespace else {}) | out
        if "fields" in out:
            out["fields"] = [{**f, "type": walk(f["type"])} for f in out["fields"]]
        for key in ("items", "values"):
            if key in out:
                out[key] = walk(out[key])
        return out

    return walk(model.schema)
