"""AsyncAPI 3.0 export (F10): one document per service.

Mapping (see docs/catalog.md): the service is the document (``id``, ``info``, owner in
``info.contact`` and ``x-evcat-owner``, domain as a ``domain:`` tag); each channel it uses is a
channel with the Kafka binding's partitions and ``topicConfiguration``; each edge is an
operation (``send`` for produces, ``receive`` for consumes) whose messages are the versions
its spec selects; each event version is a component message whose payload is the registered
schema as a Multi Format Schema (Avro and JSON inlined as objects, Protobuf as a string).
Every version of each event is exported, so an import rebuilds the same version numbers.
What AsyncAPI has no field for travels in ``x-evcat-*`` extensions, and the teams, domains,
stores and recipients the service refers to ride along at the root so an import into an empty
catalog resolves every reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from evcat.catalog import spec as s
from evcat.catalog import store
from evcat.catalog.asyncapi_payloads import cloudevents_headers, inline_avro
from evcat.catalog.cloudevents import DATA_CONTENT_TYPES
from evcat.catalog.discovery import EventVersion, resolve_versions
from evcat.catalog.durations import to_ms
from evcat.catalog.errors import CatalogNotFoundError
from evcat.catalog.service import Catalog
from evcat.db import read_session
from evcat.formats import AVRO, JSON, PROTOBUF

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING = "0.4.0"
SCHEMA_FORMATS = {
    AVRO: "application/vnd.apache.avro;version=1.9.0",
    JSON: "application/schema+json;version=draft-07",
    PROTOBUF: "application/vnd.google.protobuf;version=3",
}
CLEANUP = {"delete": ["delete"], "compact": ["compact"], "both": ["compact", "delete"]}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# Event document keys AsyncAPI has no field for, and the message extension carrying each.
_EVENT_EXTENSIONS = {
    "domain": "x-evcat-domain",
    "subject": "x-evcat-primary-subject",
    "owner": "x-evcat-owner",
    "steward": "x-evcat-steward",
    "privacy_contact": "x-evcat-privacy-contact",
    "cloudevents": "x-evcat-cloudevents",
    "fields": "x-evcat-privacy",
}


@dataclass(frozen=True)
class Servers:
    """Where the service's Kafka cluster and schema registry are, for the ``servers`` block."""

    kafka: str | None = None
    registry_url: str | None = None


def message_key(event: str, version: int | None) -> str:
    """The component key of one event version (AsyncAPI keys allow ``[A-Za-z0-9._-]``)."""
    base = _UNSAFE.sub("_", event)
    return base if version is None else f"{base}.v{version}"


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def _document(resource: s.Resource) -> dict[str, Any]:
    data = s.dump(resource)
    for key in ("apiVersion", "kind", "id"):
        data.pop(key)
    return data


class _Exporter:
    def __init__(self, catalog: Catalog, service_id: str, servers: Servers) -> None:
        self.catalog = catalog
        self.servers = servers
        snapshot = catalog.snapshot()
        with read_session(catalog.engine) as session:
            found = store.read_all(session, ["Service"], only=service_id)
            service = found.get(("Service", service_id))
            if not isinstance(service, s.Service):
                raise CatalogNotFoundError("Service", service_id)
            self.service = service
            edges: list[s.Produce | s.Consume] = [*service.produces, *service.consumes]
            self.events = self._load(session, "Event", {e.event for e in edges})
            self.channels = self._load(session, "Channel", {e.channel for e in edges if e.channel})
            consumes = service.consumes
            self.stores = self._load(session, "Store", {x for e in consumes for x in e.stores})
            self.recipients = self._load(
                session, "Recipient", {x for e in consumes for x in e.recipients}
            )
            self.domains = self._domains(session)
            self.teams = self._teams(session)
        self.versions: dict[str, list[EventVersion]] = {}
        for edge in edges:
            event = self.events.get(edge.event)
            subject = event.subject if isinstance(event, s.Event) else None
            self.versions[edge.event] = snapshot.versions(edge.event, subject)

    @staticmethod
    def _load(session: Any, kind: str, ids: set[str]) -> dict[str, s.Resource]:
        found: dict[str, s.Resource] = {}
        for ident in sorted(ids):
            resource = store.read_all(session, [kind], only=ident).get((kind, ident))
            if resource is not None:
                found[ident] = resource
        return found

    def _domains(self, session: Any) -> dict[str, s.Resource]:
        wanted = {self.service.domain} | {getattr(e, "domain", None) for e in self.events.values()}
        domains: dict[str, s.Resource] = {}
        pending = sorted(d for d in wanted if d)
        while pending:
            ident = pending.pop()
            if ident in domains:
                continue
            domain = store.read_all(session, ["Domain"], only=ident).get(("Domain", ident))
            if isinstance(domain, s.Domain):
                domains[ident] = domain
                if domain.parent:
                    pending.append(domain.parent)
        return dict(sorted(domains.items()))

    def _teams(self, session: Any) -> dict[str, s.Resource]:
        holders = [
            self.service,
            *self.events.values(),
            *self.channels.values(),
            *self.stores.values(),
            *self.recipients.values(),
            *self.domains.values(),
        ]
        owners = {getattr(h, "owner", None) for h in holders} - {None}
        people = {
            getattr(h, role, None) for h in holders for role in ("steward", "privacy_contact")
        } - {None}
        teams = store.read_all(session, ["Team"])
        chosen = {
            team.id: team
            for team in teams.values()
            if isinstance(team, s.Team)
            and (team.id in owners or any(m.id in people for m in team.members))
        }
        return dict(sorted(chosen.items()))

    # -- the document ----------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        service = self.service
        channels: dict[str, Any] = {}
        operations: dict[str, Any] = {}
        messages: dict[str, Any] = {}
        for role, edges in (("send", service.produces), ("receive", service.consumes)):
            for edge in edges:
                channel_key = edge.channel or message_key(edge.event, None)
                channel = channels.setdefault(channel_key, self._channel(edge.channel, edge.event))
                versions = self.versions.get(edge.event, [])
                each: list[EventVersion | None] = [*versions] if versions else [None]
                for version in each:
                    key = message_key(edge.event, version.version if version else None)
                    messages.setdefault(key, self._message(edge.event, version))
                    channel["messages"][key] = {"$ref": _pointer("components", "messages", key)}
                chosen = resolve_versions(edge.version, [v.version for v in versions])
                selected = (
                    [message_key(edge.event, n) for n in chosen]
                    if versions
                    else [message_key(edge.event, None)]
                )
                operation_key = self._operation_key(operations, role, edge.event, channel_key)
                operations[operation_key] = self._operation(role, edge, channel_key, selected)
        document: dict[str, Any] = {
            "asyncapi": ASYNCAPI_VERSION,
            "id": f"urn:evcat:service:{service.id}",
            "info": self._info(),
        }
        if self.servers.kafka:
            document["servers"] = {"kafka": self._server()}
        document["channels"] = channels
        document["operations"] = operations
        document["components"] = {"messages": dict(sorted(messages.items()))}
        extras = {
            "x-evcat-derivations": [
                s.Derivation.model_validate(d.model_dump()).model_dump(
                    mode="json", by_alias=True, exclude_defaults=True
                )
                for d in service.derivations
            ],
            "x-evcat-teams": {k: _document(v) for k, v in self.teams.items()},
            "x-evcat-domains": {k: _document(v) for k, v in self.domains.items()},
            "x-evcat-stores": {k: _document(v) for k, v in self.stores.items()},
            "x-evcat-recipients": {k: _document(v) for k, v in self.recipients.items()},
        }
        document.update(_clean(extras))
        return document

    @staticmethod
    def _operation_key(taken: dict[str, Any], role: str, event: str, channel: str) -> str:
        base = f"{role}.{_UNSAFE.sub('_', event)}.{channel}"
        key, number = base, 1
        while key in taken:
            number += 1
            key = f"{base}.{number}"
        return key

    def _info(self) -> dict[str, Any]:
        service = self.service
        team = self.teams.get(service.owner or "")
        contact = (
            _clean({"name": team.name or team.id, "email": team.email})
            if isinstance(team, s.Team)
            else None
        )
        return _clean(
            {
                "title": service.name or service.id,
                "version": "1.0.0",
                "description": service.description,
                "contact": contact,
                "tags": [{"name": f"domain:{service.domain}"}] if service.domain else None,
                "x-evcat-service": service.id,
                "x-evcat-owner": service.owner,
                "x-evcat-steward": service.steward,
                "x-evcat-privacy-contact": service.privacy_contact,
                "x-evcat-depends-on": service.depends_on,
            }
        )

    def _server(self) -> dict[str, Any]:
        binding: dict[str, Any] = {"schemaRegistryVendor": "confluent"}
        if self.servers.registry_url:
            binding = {"schemaRegistryUrl": self.servers.registry_url, **binding}
        return {
            "host": self.servers.kafka,
            "protocol": "kafka",
            "bindings": {"kafka": {**binding, "bindingVersion": KAFKA_BINDING}},
        }

    def _channel(self, ident: str | None, event: str) -> dict[str, Any]:
        channel = self.channels.get(ident or "")
        if not isinstance(channel, s.Channel):
            return {"address": None, "messages": {}, "x-evcat-implicit": True}
        config = _clean(
            {
                "cleanup.policy": list(CLEANUP[channel.cleanup_policy])
                if channel.cleanup_policy
                else None,
                "retention.ms": to_ms(channel.retention) if channel.retention else None,
                "delete.retention.ms": to_ms(channel.tombstone_retention)
                if channel.tombstone_retention
                else None,
            }
        )
        kafka = _clean(
            {
                "partitions": channel.partitions,
                "replicas": channel.replicas,
                "topicConfiguration": config,
            }
        )
        head = {"address": channel.address or channel.id, "messages": {}}
        return head | _clean(
            {
                "description": channel.description,
                "bindings": {"kafka": {**kafka, "bindingVersion": KAFKA_BINDING}}
                if kafka
                else None,
                "x-evcat-protocol": channel.protocol if channel.protocol != "kafka" else None,
                "x-evcat-cluster": channel.cluster,
                "x-evcat-residency": channel.residency,
                "x-evcat-key": channel.key,
                "x-evcat-owner": channel.owner,
                "x-evcat-steward": channel.steward,
                "x-evcat-privacy-contact": channel.privacy_contact,
            }
        )

    def _operation(
        self, role: str, edge: s.Produce | s.Consume, channel: str, selected: list[str]
    ) -> dict[str, Any]:
        operation: dict[str, Any] = {
            "action": role,
            "channel": {"$ref": _pointer("channels", channel)},
            "messages": [{"$ref": _pointer("channels", channel, "messages", k)} for k in selected],
            "x-evcat-version": edge.version,
        }
        if edge.description:
            operation["description"] = edge.description
        if isinstance(edge, s.Produce):
            return operation | _clean({"x-evcat-key": edge.key})
        if edge.group_id:
            group = {"type": "string", "enum": [edge.group_id]}
            operation["bindings"] = {"kafka": {"groupId": group, "bindingVersion": KAFKA_BINDING}}
        return operation | _clean(
            {
                "x-evcat-fields": edge.fields,
                "x-evcat-purpose": edge.purpose,
                "x-evcat-legal-basis": edge.legal_basis,
                "x-evcat-stores": edge.stores,
                "x-evcat-recipients": edge.recipients,
            }
        )

    def _message(self, name: str, version: EventVersion | None) -> dict[str, Any]:
        event = self.events.get(name)
        declared = event if isinstance(event, s.Event) else None
        message: dict[str, Any] = {"name": name}
        if declared is not None:
            message |= _clean({"title": declared.name, "description": declared.description})
        message["x-eventcatalog-message-type"] = declared.type if declared else "event"
        if version is not None:
            message["x-eventcatalog-message-version"] = str(version.version)
            message["contentType"] = DATA_CONTENT_TYPES[version.schema_type]
            message["payload"] = self._payload(version)
            envelope = declared.cloudevents if declared is not None else None
            if envelope is not None and envelope.content_mode == "binary":
                message["headers"] = cloudevents_headers(envelope, name)
            message |= {
                "x-evcat-version": version.version,
                "x-evcat-subject": version.subject,
                "x-evcat-schema-id": version.schema_id,
            }
        message["x-evcat-event"] = name
        message["x-evcat-declared"] = declared is not None
        if declared is not None:
            extras = _document(declared)
            message |= {
                extension: extras[key]
                for key, extension in _EVENT_EXTENSIONS.items()
                if key in extras
            }
        return message

    def _payload(self, version: EventVersion) -> dict[str, Any]:
        schema = self.catalog.registry.schema_by_id(version.schema_id)
        body: Any = schema.text
        if schema.schema_type == AVRO:
            body = (
                inline_avro(self.catalog.registry.parsed_by_id(version.schema_id).model)
                if schema.references
                else orjson.loads(schema.text)
            )
        elif schema.schema_type == JSON:
            body = orjson.loads(schema.text)
        return {"schemaFormat": SCHEMA_FORMATS[schema.schema_type], "schema": body}


def export_service(
    catalog: Catalog, service_id: str, servers: Servers | None = None
) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of one service."""
    return _Exporter(catalog, service_id, servers or Servers()).build()
