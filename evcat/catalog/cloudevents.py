"""CloudEvents (F12): each event's envelope, its ``dataschema`` URLs, and a sample validator.

The envelope comes from the event's ``cloudevents`` declaration with defaults filled in: the
type defaults to the event name, the content mode to binary, ``datacontenttype`` to the media
type of the schema's format. ``dataschema`` is an evcat URL that resolves to the exact schema
version (with a strong ETag); the Confluent ``/schemas/ids/{id}`` URL is given beside it.

The data-classification extension values are derived from the event's declared field
categories: any special category (GDPR Art. 9) makes the event ``restricted`` /
``special-category``; other personal data makes it ``confidential`` / ``standard``; both carry
``dataregulation: GDPR``. The special categories are those the data map's vocabulary marks
as GDPR Art. 9 (``evcat.catalog.categories``).

Sample events are checked twice: by evcat's own rules (attribute naming, required attributes,
absolute ``dataschema``, ``type`` and ``source`` against the declaration, personal data in
``subject``) and by the ``cloudevents`` SDK, which parses the event as a Kafka record in
structured or binary mode and reports what it rejects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import orjson
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, from_structured
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat

from evcat.catalog import spec as s
from evcat.catalog.categories import SPECIAL_CATEGORIES
from evcat.catalog.discovery import EventVersion
from evcat.formats import AVRO, JSON, PROTOBUF
from evcat.formats.jsonschema.patterns import literal, search

SCHEMA_MEDIA_TYPES = {
    AVRO: "application/vnd.apache.avro+json",
    JSON: "application/schema+json",
    PROTOBUF: "application/vnd.google.protobuf",
}
DATA_CONTENT_TYPES = {
    AVRO: "application/avro",
    JSON: "application/json",
    PROTOBUF: "application/protobuf",
}
REQUIRED = ("id", "source", "specversion", "type")
_NAME = re.compile(r"^[a-z0-9]+$")
_PLACEHOLDER = re.compile(r"\{[^{}]+\}")


def dataschema_url(base_url: str, event: str, version: int) -> str:
    """The evcat URL of one event version's schema text."""
    return f"{base_url.rstrip('/')}/v1/events/{quote(event, safe='')}/versions/{version}/schema"


def classification(event: s.Event | None) -> dict[str, str]:
    """The data-classification extension values derived from declared field categories."""
    categories = {c for f in (event.fields if event else []) for c in f.categories}
    if categories & SPECIAL_CATEGORIES:
        return {
            "dataclassification": "restricted",
            "dataregulation": "GDPR",
            "datacategory": "special-category",
        }
    if categories:
        return {
            "dataclassification": "confidential",
            "dataregulation": "GDPR",
            "datacategory": "standard",
        }
    return {"dataclassification": "internal", "datacategory": "non-sensitive"}


def envelope(
    name: str, event: s.Event | None, versions: list[EventVersion], base_url: str
) -> dict[str, Any]:
    """The CloudEvents envelope of an event, defaults filled in, per-version schema URLs."""
    declared = (event.cloudevents if event else None) or s.CloudEventsEnvelope()
    latest = versions[-1] if versions else None
    content_type = declared.datacontenttype or (
        DATA_CONTENT_TYPES[latest.schema_type] if latest else None
    )
    base = base_url.rstrip("/")
    return {
        "event": name,
        "declared": event is not None and event.cloudevents is not None,
        "specversion": "1.0",
        "type": declared.type or name,
        "source": declared.source,
        "subject": declared.subject,
        "content_mode": declared.content_mode,
        "datacontenttype": content_type,
        "dataschema": dataschema_url(base, name, latest.version) if latest else None,
        "extensions": declared.extensions,
        "classification": classification(event),
        "versions": [
            {
                "version": v.version,
                "dataschema": dataschema_url(base, name, v.version),
                "confluent_schema": f"{base}/schemas/ids/{v.schema_id}",
                "schema_id": v.schema_id,
            }
            for v in versions
        ],
    }


@dataclass(frozen=True)
class Finding:
    """One result of validating a sample event."""

    level: Literal["error", "warning"]
    attribute: str
    message: str


def _source_matches(pattern: str, source: str) -> bool:
    # Adjacent placeholders would make a backtracking engine try every split of the source.
    parts = _PLACEHOLDER.split(pattern)
    return search("^" + "[^/]+".join(literal(part) for part in parts) + "$", source)


def _identifying_fields(event: s.Event | None) -> set[str]:
    return {
        f.path
        for f in (event.fields if event else [])
        if f.identifier == "direct" or set(f.categories) & SPECIAL_CATEGORIES
    }


def check_attributes(
    attributes: dict[str, Any], expected: dict[str, Any], event: s.Event | None
) -> list[Finding]:
    """evcat's rules on the context attributes of a sample event."""
    found: list[Finding] = []
    for name in attributes:
        if not _NAME.match(name):
            found.append(
                Finding("error", name, "attribute names use only lowercase letters a-z and 0-9")
            )
        elif len(name) > 20:
            found.append(
                Finding("warning", name, "attribute names should not exceed 20 characters")
            )
    for name in REQUIRED:
        if attributes.get(name) in (None, ""):
            found.append(Finding("error", name, f"the required attribute '{name}' is missing"))
    if attributes.get("specversion") not in (None, "1.0"):
        found.append(Finding("error", "specversion", "specversion must be '1.0'"))
    dataschema = attributes.get("dataschema")
    if dataschema is not None:
        parts = urlsplit(str(dataschema))
        if not parts.scheme or not (parts.netloc or parts.path):
            found.append(
                Finding("error", "dataschema", f"dataschema '{dataschema}' is not an absolute URI")
            )
        elif not any(
            str(dataschema).endswith(urlsplit(v["dataschema"]).path) for v in expected["versions"]
        ):
            found.append(
                Finding("warning", "dataschema", "dataschema names no version of this event")
            )
    kind = attributes.get("type")
    if kind is not None and kind != expected["type"]:
        found.append(
            Finding(
                "error", "type", f"type '{kind}' does not match the catalog's '{expected['type']}'"
            )
        )
    source = attributes.get("source")
    pattern = expected["source"]
    if source is not None and pattern and not _source_matches(pattern, str(source)):
        found.append(Finding("error", "source", f"source '{source}' does not match '{pattern}'"))
    template = expected["subject"] or ""
    leaking = sorted(
        set(_PLACEHOLDER.findall(template)) & {f"{{{p}}}" for p in _identifying_fields(event)}
    )
    if "subject" in attributes and leaking:
        found.append(
            Finding(
                "warning",
                "subject",
                f"subject is built from {', '.join(leaking)}: personal data in clear text on "
                "every hop",
            )
        )
    return found


def _sdk(parse: Any, message: KafkaMessage) -> list[Finding]:
    try:
        parse(message, JSONFormat())
    except BaseCloudEventException as exc:
        return [Finding("error", "(sdk)", f"cloudevents SDK: {exc}")]
    except (ValueError, TypeError, KeyError) as exc:
        return [Finding("error", "(sdk)", f"cloudevents SDK: {type(exc).__name__}: {exc}")]
    return []


def validate_structured(
    body: bytes, expected: dict[str, Any], event: s.Event | None
) -> list[Finding]:
    """A structured-mode sample: the whole event as ``application/cloudevents+json``."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return [Finding("error", "(event)", f"not JSON: {exc}")]
    if not isinstance(document, dict):
        return [Finding("error", "(event)", "a structured event is a JSON object")]
    attributes = {k: v for k, v in document.items() if k not in ("data", "data_base64")}
    message = KafkaMessage({"content-type": JSONFormat.CONTENT_TYPE.encode()}, None, body)
    return check_attributes(attributes, expected, event) + _sdk(from_structured, message)


def validate_binary(
    headers: dict[str, bytes],
    value: bytes,
    key: bytes | None,
    expected: dict[str, Any],
    event: s.Event | None,
) -> list[Finding]:
    """A Kafka binary-mode sample: ``ce_*`` headers, ``content-type``, the value as is."""
    attributes: dict[str, Any] = {}
    for header, raw in headers.items():
        lowered = header.lower()
        if lowered.startswith("ce_"):
            # Keep the name as sent: an upper-case attribute name is an error to report.
            attributes[header[3:]] = raw.decode("utf-8", "replace")
        elif lowered == "content-type":
            attributes["datacontenttype"] = raw.decode("utf-8", "replace")
    declared = expected["datacontenttype"]
    found = check_attributes(attributes, expected, event)
    if declared and attributes.get("datacontenttype") not in (None, declared):
        found.append(
            Finding(
                "warning",
                "datacontenttype",
                f"content-type '{attributes['datacontenttype']}' differs from '{declared}'",
            )
        )
    return found + _sdk(from_binary, KafkaMessage(headers, key, value))
