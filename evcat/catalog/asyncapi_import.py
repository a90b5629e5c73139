"""AsyncAPI 3.x import (F10): the reverse of ``catalog.asyncapi``.

The document is checked first (every operation's channel and message references must point
into the root channels, and each message must belong to the operation's channel; a problem
names the JSON pointer of the offending reference). Then every payload is registered, in
version order, under its subject (``x-evcat-subject``, else ``<address>-<event>``), and the
service, its channels and events, and the teams, domains, stores and recipients carried in
``x-evcat-*`` are applied as catalog documents without pruning.

The sender owns the message contract: an event's metadata is taken from a document that
sends it; a document that only receives an event creates it when the catalog does not know it
yet and otherwise leaves it alone. Teams, domains, stores and recipients are only created,
never overwritten, so importing one service cannot rewrite what another team declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from evcat.audit import ANONYMOUS, Actor
from evcat.catalog import spec as s
from evcat.catalog.apply import Plan
from evcat.catalog.asyncapi import CLEANUP, SCHEMA_FORMATS
from evcat.catalog.discovery import event_name
from evcat.catalog.durations import from_ms
from evcat.catalog.errors import CatalogProblems, Problem
from evcat.catalog.service import Catalog
from evcat.catalog.yamlio import SourceDocument
from evcat.registry.entities import SchemaRequest

_FORMATS = {prefix.split(";")[0]: kind for kind, prefix in SCHEMA_FORMATS.items()}
_FORMATS |= {
    "application/vnd.apache.avro+json": "AVRO",
    "application/vnd.apache.avro+yaml": "AVRO",
    "application/schema+yaml": "JSON",
    "application/vnd.aai.asyncapi": "JSON",
    "application/vnd.aai.asyncapi+json": "JSON",
    "application/vnd.aai.asyncapi+yaml": "JSON",
}
_POLICIES = {tuple(v): k for k, v in CLEANUP.items()}
_ROLE_KEYS = {"owner": "x-evcat-owner", "steward": "x-evcat-steward"}
_ROLE_KEYS["privacy_contact"] = "x-evcat-privacy-contact"


@dataclass
class ImportResult:
    """What an import registered and what its apply changed."""

    service: str
    registered: list[tuple[str, int]] = field(default_factory=list)
    plan: Plan = field(default_factory=Plan)


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _target(ref: Any) -> list[str] | None:
    if not isinstance(ref, dict) or not isinstance(ref.get("$ref"), str):
        return None
    text = ref["$ref"]
    if not text.startswith("#/"):
        return None
    return [_unescape(p) for p in text[2:].split("/")]


def check_references(document: dict[str, Any], file: str) -> list[Problem]:
    """Operations must name a root channel and only messages of that channel."""
    problems: list[Problem] = []
    channels = document.get("channels") or {}
    for key, operation in (document.get("operations") or {}).items():
        where = f"/operations/{key}"
        channel = _target(operation.get("channel"))
        if (
            not channel
            or len(channel) != 2
            or channel[0] != "channels"
            or channel[1] not in channels
        ):
            problems.append(
                Problem(file, 0, f"{where}/channel", "must reference a channel under #/channels")
            )
            continue
        held = (channels[channel[1]] or {}).get("messages") or {}
        for index, ref in enumerate(operation.get("messages") or []):
            parts = _target(ref)
            inside = parts is not None and parts[:3] == ["channels", channel[1], "messages"]
            if not inside or len(parts or []) != 4 or (parts or [""])[-1] not in held:
                problems.append(
                    Problem(
                        file,
                        0,
                        f"{where}/messages/{index}",
                        f"references {ref.get('$ref') if isinstance(ref, dict) else ref}, "
                        f"which is not a message of channel '{channel[1]}'",
                    )
                )
    if not str(document.get("asyncapi", "")).startswith("3."):
        problems.append(Problem(file, 0, "/asyncapi", "only AsyncAPI 3.x documents are imported"))
    return problems


class _Importer:
    def __init__(self, catalog: Catalog, document: dict[str, Any], file: str, actor: Actor) -> None:
        self.catalog = catalog
        self.document = document
        self.file = file
        self.actor = actor
        self.messages: dict[str, dict[str, Any]] = (document.get("components") or {}).get(
            "messages"
        ) or {}
        self.names: dict[str, str] = {}

    def message(self, ref: dict[str, Any]) -> dict[str, Any]:
        """A message through a channel's ``$ref`` into components (or inline)."""
        parts = _target(ref)
        if parts and parts[:2] == ["components", "messages"]:
            return self.messages.get(parts[2], {})
        return ref

    def register(self) -> list[tuple[str, int]]:
        registry = self.catalog.registry
        done: list[tuple[str, int]] = []
        pending: list[tuple[str, int, str, str, str]] = []
        for key, message in self.messages.items():
            payload = message.get("payload")
            if not isinstance(payload, dict) or "schema" not in payload:
                self.names[key] = str(message.get("x-evcat-event") or message.get("name") or key)
                continue
            kind = _FORMATS.get(str(payload.get("schemaFormat", "")).split(";")[0], "JSON")
            body = payload["schema"]
            text = body if isinstance(body, str) else orjson.dumps(body).decode()
            pending.append(
                (
                    key,
                    int(message.get("x-evcat-version", 0)),
                    kind,
                    text,
                    str(message.get("x-evcat-subject", "")),
                )
            )
        for key, _version, kind, text, subject in sorted(pending, key=lambda p: (p[4], p[1], p[0])):
            if not subject:
                subject = f"{self._address_of(key)}-{self.messages[key].get('name', key)}"
            version = registry.register(
                subject, SchemaRequest(schema=text, schema_type=kind), actor=self.actor
            )
            self.names[key] = event_name(version.schema, registry) or str(
                self.messages[key].get("x-evcat-event") or key
            )
            done.append((subject, version.version))
        return done

    def _address_of(self, message_key: str) -> str:
        for key, channel in (self.document.get("channels") or {}).items():
            for ref in ((channel or {}).get("messages") or {}).values():
                if (_target(ref) or [""])[-1] == message_key:
                    return str(channel.get("address") or key)
        return message_key

    def documents(self) -> Iterator[dict[str, Any]]:
        existing = {key for key in self.catalog.resources()}
        root = self.document
        for kind, extension in (
            ("Team", "x-evcat-teams"),
            ("Domain", "x-evcat-domains"),
            ("Store", "x-evcat-stores"),
            ("Recipient", "x-evcat-recipients"),
        ):
            for ident, body in (root.get(extension) or {}).items():
                if (kind, ident) not in existing:
                    yield {"kind": kind, "id": ident, **body}
        service = self.service()
        sent = {edge["event"] for edge in service["produces"]}
        events: dict[str, dict[str, Any]] = {}
        for key, message in self.messages.items():
            name = self.names.get(key, key)
            if name in events or (name not in sent and ("Event", name) in existing):
                continue
            event = self.event(name, message)
            if event is not None:
                events[name] = event
        yield from events.values()
        yield from self.channels()
        yield service

    def event(self, name: str, message: dict[str, Any]) -> dict[str, Any] | None:
        """The event's document, or None for an event the exporter saw only in the registry."""
        if not message.get("x-evcat-declared", True):
            return None
        event: dict[str, Any] = {"kind": "Event", "id": name}
        for key, value in (
            ("name", message.get("title")),
            ("description", message.get("description")),
            ("type", message.get("x-eventcatalog-message-type")),
            ("domain", message.get("x-evcat-domain")),
            ("subject", message.get("x-evcat-primary-subject")),
            ("cloudevents", message.get("x-evcat-cloudevents")),
            ("fields", message.get("x-evcat-privacy")),
            *((role, message.get(ext)) for role, ext in _ROLE_KEYS.items()),
        ):
            if value is not None:
                event[key] = value
        return event

    def channels(self) -> Iterator[dict[str, Any]]:
        for key, channel in (self.document.get("channels") or {}).items():
            if not channel or channel.get("x-evcat-implicit"):
                continue
            kafka = (channel.get("bindings") or {}).get("kafka") or {}
            config = kafka.get("topicConfiguration") or {}
            address = channel.get("address")
            policy = config.get("cleanup.policy")
            found: dict[str, Any] = {
                "kind": "Channel",
                "id": key,
                "address": address if address not in (None, key) else None,
                "protocol": channel.get("x-evcat-protocol"),
                "cluster": channel.get("x-evcat-cluster"),
                "description": channel.get("description"),
                "partitions": kafka.get("partitions"),
                "replicas": kafka.get("replicas"),
                "retention": from_ms(int(config["retention.ms"]))
                if "retention.ms" in config
                else None,
                "cleanup_policy": _POLICIES.get(tuple(sorted(policy))) if policy else None,
                "tombstone_retention": from_ms(int(config["delete.retention.ms"]))
                if "delete.retention.ms" in config
                else None,
                "residency": channel.get("x-evcat-residency"),
                "key": channel.get("x-evcat-key"),
            }
            found |= {role: channel.get(ext) for role, ext in _ROLE_KEYS.items()}
            yield {k: v for k, v in found.items() if v is not None}

    def service(self) -> dict[str, Any]:
        info = self.document.get("info") or {}
        ident = info.get("x-evcat-service") or str(self.document.get("id", "")).rsplit(":", 1)[-1]
        if not ident:
            # A document from elsewhere: its title, made into an id.
            ident = re.sub(r"[^A-Za-z0-9._-]+", "-", str(info.get("title", ""))).strip("-.").lower()
        domain = next(
            (
                t["name"][7:]
                for t in info.get("tags") or []
                if str(t.get("name", "")).startswith("domain:")
            ),
            None,
        )
        service: dict[str, Any] = {
            "kind": "Service",
            "id": ident,
            "name": info.get("title"),
            "description": info.get("description"),
            "domain": domain,
            "depends_on": info.get("x-evcat-depends-on"),
        }
        service |= {role: info.get(ext) for role, ext in _ROLE_KEYS.items()}
        service = {k: v for k, v in service.items() if v is not None}
        service["produces"], service["consumes"] = [], []
        for operation in (self.document.get("operations") or {}).values():
            service["produces" if operation.get("action") == "send" else "consumes"].extend(
                self.edges(operation)
            )
        service["derivations"] = self.document.get("x-evcat-derivations") or []
        return service

    def edges(self, operation: dict[str, Any]) -> Iterator[dict[str, Any]]:
        channel_key = (_target(operation["channel"]) or ["", ""])[1]
        channel = (self.document.get("channels") or {}).get(channel_key) or {}
        events: list[str] = []
        for ref in operation.get("messages") or []:
            parts = _target(ref) or []
            inner = ((channel.get("messages") or {}).get(parts[-1]) if parts else None) or {}
            key = (_target(inner) or [parts[-1] if parts else ""])[-1]
            name = self.names.get(key, key)
            if name not in events:
                events.append(name)
        group = ((operation.get("bindings") or {}).get("kafka") or {}).get("groupId") or {}
        group_id = (
            (group.get("enum") or [group.get("const")])[0] if isinstance(group, dict) else None
        )
        for name in events:
            edge: dict[str, Any] = {
                "event": name,
                "version": str(operation.get("x-evcat-version", "latest")),
                "channel": None if channel.get("x-evcat-implicit") else channel_key,
                "description": operation.get("description"),
            }
            if operation.get("action") == "send":
                edge["key"] = operation.get("x-evcat-key")
            else:
                edge |= {
                    "fields": operation.get("x-evcat-fields"),
                    "purpose": operation.get("x-evcat-purpose"),
                    "legal_basis": operation.get("x-evcat-legal-basis"),
                    "stores": operation.get("x-evcat-stores"),
                    "recipients": operation.get("x-evcat-recipients"),
                    "group_id": group_id,
                }
            yield {k: v for k, v in edge.items() if v is not None}


def import_document(
    catalog: Catalog, document: Any, file: str = "(asyncapi)", *, actor: Actor = ANONYMOUS
) -> ImportResult:
    """Register the payloads and apply the catalog documents of one AsyncAPI document.

    Each registration and the apply are audited under ``actor``, as when made one by one.
    """
    if not isinstance(document, dict):
        raise CatalogProblems([Problem(file, 0, "/", "an AsyncAPI document is a mapping")])
    problems = check_references(document, file)
    if problems:
        raise CatalogProblems(problems)
    importer = _Importer(catalog, document, file, actor)
    registered = importer.register()
    documents = list(importer.documents())
    sources = [
        SourceDocument(f"{file} ({d['kind']} {d['id']})", index, {"apiVersion": s.API_VERSION, **d})
        for index, d in enumerate(documents)
    ]
    plan = catalog.apply(sources, actor=actor)
    return ImportResult(str(documents[-1]["id"]), registered, plan)
