"""CloudEvents in and out: find the stored version, upcast the data, rewrite the envelope.

The version of an event's data is found, first match wins, from:

1. ``dataschema``: an evcat or Confluent URL naming the version (``.../schemas/ids/{id}``,
   ``.../v1/events/{type}/versions/{n}[/schema]``, ``.../subjects/{subject}/versions/{n}``);
2. a ``.vN`` suffix of ``type`` (``shop.OrderPlaced.v1``; the pattern is configurable);
3. an extension attribute (``dataversion`` by default) with ``type`` as the event type;
4. data in Confluent wire format: the schema id in its header;

else ``UnresolvableSchemaVersion``. The upcast event keeps ``id``, ``source``, ``subject``,
``time`` and every extension; ``type`` follows a rename (keeping the suffix convention),
``dataschema`` names the target version in the style it came in, and ``upcastedfrom`` records
the original ``dataschema`` (or ``type@version``). Events emitted by 1:N edges get derived ids
and ``upcastparent``. Both structured (JSON) and binary Kafka modes use the cloudevents SDK.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from cloudevents.core.base import BaseCloudEvent
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, to_binary
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from evcat.upcast.errors import InvalidStoredEvent, UnresolvableSchemaVersion
from evcat.upcast.graph.schemas import NodeKey
from evcat.upcast.read.dicts import StoredEvent, Upcaster, UpcastEvent
from evcat.upcast.read.wire import WireUpcaster, read_header

_IDS = re.compile(r"/schemas/ids/(?P<id>\d+)/?$")
_EVENTS = re.compile(r"/v1/events/(?P<type>[^/]+)/versions/(?P<version>\d+)(?:/schema)?/?$")
_SUBJECTS = re.compile(r"/subjects/(?P<type>[^/]+)/versions/(?P<version>\d+)(?:/schema)?/?$")
_FORMAT = JSONFormat()


@dataclass(frozen=True)
class CloudEventsConfig:
    """How versions are found in envelopes and how new ``dataschema`` URLs are minted."""

    type_pattern: str = r"^(?P<name>.+)\.v(?P<version>\d+)$"
    version_attribute: str = "dataversion"
    dataschema_base: str | None = None


@dataclass(frozen=True)
class _Found:
    node: NodeKey
    style: str  # how the version was named: ids, events, subjects, suffix, attribute, wire
    base: str = ""


class CloudEventUpcaster:
    """Upcasts CloudEvents objects, structured JSON bodies and Kafka records."""

    def __init__(self, upcaster: Upcaster, config: CloudEventsConfig | None = None) -> None:
        self.upcaster = upcaster
        self.config = config or CloudEventsConfig()
        self.wire = WireUpcaster(upcaster)
        self._type_pattern = re.compile(self.config.type_pattern)

    def resolve(self, event: BaseCloudEvent) -> NodeKey:
        """The event type and version the event's data was written with."""
        return self._find(event).node

    def _find(self, event: BaseCloudEvent) -> _Found:
        index = self.upcaster.index
        dataschema = event.get_dataschema()
        if dataschema:
            found = _from_dataschema(str(dataschema), index.node_for_id)
            if found is not None:
                return found
        kind = event.get_type()
        match = self._type_pattern.match(kind)
        if match and index.has((match["name"], int(match["version"]))):
            return _Found((match["name"], int(match["version"])), "suffix")
        version = event.get_extension(self.config.version_attribute)
        if version is not None and _is_number(str(version)) and index.has((kind, int(version))):
            return _Found((kind, int(version)), "attribute")
        data = event.get_data()
        if isinstance(data, bytes) and data[:1] == b"\x00" and len(data) >= 5:
            return _Found(index.node_for_id(read_header(data), kind), "wire")
        raise UnresolvableSchemaVersion(
            f"CloudEvent {event.get_id()} of type '{kind}' names no schema version: set "
            "dataschema to the version's URL, suffix the type with .vN, or set the "
            f"'{self.config.version_attribute}' attribute"
        )

    def upcast(self, event: BaseCloudEvent) -> list[BaseCloudEvent]:
        """The event at the target version; the same object when it is already there."""
        found = self._find(event)
        if self.upcaster.route(found.node) is None:
            return [event]
        data = event.get_data()
        stored = StoredEvent(
            found.node[0],
            found.node[1],
            self.wire.decode_raw(data) if isinstance(data, bytes) else data,
            id=event.get_id(),
            time=event.get_time(),
            source=event.get_source(),
            subject=event.get_subject(),
            metadata=event.get_attributes(),
        )
        return [
            self._envelope(event, found, result, isinstance(data, bytes))
            for result in self.upcaster.upcast(stored)
        ]

    def _envelope(
        self, event: BaseCloudEvent, found: _Found, result: UpcastEvent, wire: bool
    ) -> BaseCloudEvent:
        attributes = dict(event.get_attributes())
        source_type, source_version = found.node
        kind = attributes["type"]
        if found.style == "suffix":
            attributes["type"] = f"{result.event_type}.v{result.version}"
        elif kind == source_type or result.event_type != source_type:
            attributes["type"] = result.event_type
        original = event.get_dataschema()
        attributes["upcastedfrom"] = (
            str(original) if original else (f"{source_type}@{source_version}")
        )
        dataschema = self._dataschema(found, result, str(original) if original else None)
        if dataschema:
            attributes["dataschema"] = dataschema
        if result.parent_id is not None:
            attributes["id"] = result.id
            attributes["upcastparent"] = result.parent_id
        data: Any = result.data
        if wire:
            data = self.wire.encode((result.event_type, result.version), result.data)
        return CloudEvent(attributes, data)

    def _dataschema(self, found: _Found, result: UpcastEvent, original: str | None) -> str | None:
        node = (result.event_type, result.version)
        if original and found.style in ("ids", "events", "subjects"):
            base = found.base
            if found.style == "ids":
                return f"{base}/schemas/ids/{self.upcaster.index.schema_id(node)}"
            middle = "v1/events" if found.style == "events" else "subjects"
            tail = "/schema" if original.rstrip("/").endswith("/schema") else ""
            return f"{base}/{middle}/{quote(node[0], safe='')}/versions/{node[1]}{tail}"
        if self.config.dataschema_base:
            base = self.config.dataschema_base.rstrip("/")
            return f"{base}/v1/events/{quote(node[0], safe='')}/versions/{node[1]}/schema"
        return original

    # -- bindings ------------------------------------------------------------------------------

    def upcast_structured(self, body: bytes) -> list[bytes]:
        """A structured-mode JSON CloudEvent body in, one body per resulting event out."""
        event = _read_structured(body)
        results = self.upcast(event)
        if results == [event]:
            return [body]
        return [_FORMAT.write(item) for item in results]

    def upcast_kafka(self, message: KafkaMessage) -> list[KafkaMessage]:
        """A binary-mode Kafka record (``ce_*`` headers) in, one record per resulting event."""
        headers = {k.lower(): v for k, v in message.headers.items()}
        if "ce_specversion" not in headers:
            event = _read_structured(message.value)
            return [
                KafkaMessage(
                    {"content-type": _FORMAT.get_content_type().encode()},
                    message.key,
                    _FORMAT.write(item),
                )
                for item in self.upcast(event)
            ]
        try:
            event = from_binary(message, _FORMAT)
        except (BaseCloudEventException, ValueError) as error:
            raise InvalidStoredEvent(f"not a valid binary-mode CloudEvent: {error}"[:600]) from None
        if message.value[:1] == b"\x00":
            # The SDK would read framed bytes as text; the frame is what the data is.
            event = CloudEvent(event.get_attributes(), bytes(message.value))
        results = self.upcast(event)
        if results == [event]:
            return [message]
        out = []
        for item in results:
            record = to_binary(item, _FORMAT)
            out.append(KafkaMessage(record.headers, message.key, record.value))
        return out


def _read_structured(body: bytes) -> BaseCloudEvent:
    """A structured-mode JSON CloudEvent, or 400 saying what the SDK found wrong with it."""
    try:
        return _FORMAT.read(CloudEvent, body)
    except (BaseCloudEventException, ValueError) as error:  # ValueError: JSON, time, base64
        raise InvalidStoredEvent(f"not a valid structured-mode CloudEvent: {error}"[:600]) from None


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _from_dataschema(url: str, node_for_id: Callable[[int], NodeKey]) -> _Found | None:
    match = _IDS.search(url)
    if match:
        return _Found(node_for_id(int(match["id"])), "ids", url[: match.start()])
    for style, pattern in (("events", _EVENTS), ("subjects", _SUBJECTS)):
        match = pattern.search(url)
        if match:
            node = (unquote(match["type"]), int(match["version"]))
            return _Found(node, style, url[: match.start()])
    return None
