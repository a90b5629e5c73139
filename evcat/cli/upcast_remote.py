"""Upcasters over a running evcat server: the registry's contents read through its REST API.

``evcat upcast --registry URL`` upcasts locally, at full speed and with the same error
handling as over a database; only the registry's *contents* come over HTTP, once per command:

- ``GET /schemas?deleted=true``: every subject version with its schema id, type, text and
  references, in one call. Soft-deleted versions are kept aside: they are no event versions,
  but a live schema may reference them.
- ``GET /v1/upcasters``: every stored edge with its stored document (or code pin) and
  fingerprint, in one call. A Confluent registry answers it with 404: not evcat.

Schemas are parsed as the registry parses them (``get_format(type).parse(text, references,
dependencies)``, references resolved through the same listing); stored edges become specs and
pins with ``declared_upcasters``, and the graph is built with ``build_graph``, as
``UpcastService`` does over its database. Python upcasters are never stored as code: they come
from the modules the caller names, and their pins (``code_ref`` and source hash, served with
the edges) are checked against that code as in local mode.

``RegistryContents`` is plain picklable data, so bulk workers receive it from the parent
instead of downloading it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evcat.cli.client import RegistryClient, RegistryError
from evcat.cli.errors import UserError
from evcat.errors import InvalidSchemaError
from evcat.formats import ParsedSchema, SchemaReference, get_format
from evcat.registry.rules import LATEST as LATEST_REFERENCE
from evcat.registry.service import MAX_REFERENCE_DEPTH
from evcat.upcast.edges.assemble import StoredEdge, build_graph, declared_upcasters
from evcat.upcast.edges.spec import UpcasterSpec
from evcat.upcast.errors import Problem
from evcat.upcast.graph.schemas import NodeKey, SchemaIndex
from evcat.upcast.graph.version_graph import LATEST, Target, VersionGraph, check_target
from evcat.upcast.read.dicts import Upcaster

VersionRow = tuple[str, int, int, bool]


@dataclass(frozen=True)
class RemoteSchema:
    """A schema as ``GET /schemas`` lists it."""

    schema_type: str
    text: str
    references: tuple[SchemaReference, ...] = ()


@dataclass(frozen=True)
class RegistryContents:
    """Everything an ``Upcaster`` needs from a registry, as plain (picklable) data."""

    url: str
    versions: tuple[VersionRow, ...]
    """``(subject, version, schema id, deleted)`` of every subject version."""
    schemas: Mapping[int, RemoteSchema]
    edges: tuple[StoredEdge, ...]
    """Every stored edge, in the order the database lists them (event, source, id)."""

    def index(self) -> SchemaIndex:
        """The live versions, their schemas parsed lazily as the registry parses them."""
        return SchemaIndex.from_rows(self.versions, _Parser(self).parsed)

    def upcasts(self, code_modules: Sequence[str] = (), code_drift: str = "warn") -> RemoteUpcasts:
        return RemoteUpcasts(self, code_modules, code_drift)

    def upcaster(
        self, target: Target = LATEST, code_modules: Sequence[str] = (), code_drift: str = "warn"
    ) -> Upcaster:
        return self.upcasts(code_modules, code_drift).upcaster(target)


class RemoteUpcasts:
    """The read side of ``UpcastService`` (``upcaster``, ``problems``) over fetched contents."""

    def __init__(
        self, contents: RegistryContents, code_modules: Sequence[str] = (), code_drift: str = "warn"
    ) -> None:
        self.contents = contents
        specs, code = declared_upcasters(contents.edges, code_modules, code_drift)
        _check_fingerprints(contents, specs)
        self.index = contents.index()
        self.graph: VersionGraph = build_graph(self.index, specs, code)

    def upcaster(self, target: Target = LATEST) -> Upcaster:
        return Upcaster(self.graph, self.index, check_target(target))

    def problems(self, types: Sequence[str] | None = None) -> list[Problem]:
        return self.graph.problems(types)


def fetch_contents(client: RegistryClient) -> RegistryContents:
    """Read every schema version and every stored edge of the evcat server behind ``client``.

    Raises ``UserError`` (one line for the user) when the server cannot be reached, refuses
    the credentials, is not a schema registry, or is a schema registry but not evcat.
    """
    versions, schemas = _schemas(client)
    return RegistryContents(client.url, versions, schemas, tuple(map(_stored_edge, _edges(client))))


# -- reading the answers ----------------------------------------------------------------------


def _not_a_registry(client: RegistryClient, path: str, detail: str) -> UserError:
    return UserError(f"{client.url} did not answer GET {path} like a schema registry ({detail})")


def _schemas(client: RegistryClient) -> tuple[tuple[VersionRow, ...], dict[int, RemoteSchema]]:
    try:
        listed = client.request("GET", "/schemas", params={"deleted": "true"})
    except RegistryError as error:
        if error.status == 404:
            raise _not_a_registry(client, "/schemas", "404 Not Found") from None
        raise
    if not isinstance(listed, list):
        raise _not_a_registry(client, "/schemas", "the answer is not a list")
    rows: list[VersionRow] = []
    schemas: dict[int, RemoteSchema] = {}
    try:
        for item in listed:
            schema_id = int(item["id"])
            rows.append(
                (str(item["subject"]), int(item["version"]), schema_id, bool(item.get("deleted")))
            )
            if schema_id not in schemas:
                references = tuple(
                    SchemaReference(str(r["name"]), str(r["subject"]), int(r["version"]))
                    for r in item.get("references") or ()
                )
                text = item["schema"]
                if not isinstance(text, str):
                    raise TypeError
                schemas[schema_id] = RemoteSchema(
                    str(item.get("schemaType") or "AVRO"), text, references
                )
    except (KeyError, TypeError, ValueError, AttributeError):
        detail = "an entry lacks a valid subject, version, id, schema or references"
        raise _not_a_registry(client, "/schemas", detail) from None
    return tuple(rows), schemas


def _edges(client: RegistryClient) -> list[dict[str, Any]]:
    path = "/v1/upcasters"
    try:
        answer = client.request("GET", path)
    except RegistryError as error:
        if error.status == 404:
            raise UserError(
                f"{client.url} is not an evcat server (GET {path} answered 404: it has no "
                "upcaster routes, as a Confluent registry has not); point --registry at evcat, "
                "or use --db"
            ) from None
        raise
    if not isinstance(answer, list) or not all(
        isinstance(record, dict) and {"id", "event", "from_version", "fingerprint"} <= record.keys()
        for record in answer
    ):
        raise UserError(f"{client.url} did not answer GET {path} with a list of upcasters")
    return answer


def _stored_edge(record: Mapping[str, Any]) -> StoredEdge:
    document = record.get("spec")
    return StoredEdge(
        str(record["event"]),
        int(record["from_version"]),
        str(record["fingerprint"]),
        record.get("code_ref"),
        document if isinstance(document, Mapping) else None,
    )


def _check_fingerprints(contents: RegistryContents, specs: Sequence[UpcasterSpec]) -> None:
    """Each declarative document must read here as it was stored (same canonical form)."""
    stored = [e for e in contents.edges if e.code_ref is None and e.document]
    for edge, spec in zip(stored, specs, strict=True):
        if spec.fingerprint != edge.fingerprint:
            raise UserError(
                f"the upcaster {edge.event} v{edge.from_version} of {contents.url} has fingerprint "
                f"{edge.fingerprint} but reads here as {spec.fingerprint}: this evcat and the "
                "server's differ; upcast with the server's evcat version"
            )


@dataclass
class _Parser:
    """Parses schemas by id, resolving references through the listing, each schema once."""

    contents: RegistryContents
    ids: dict[NodeKey, int] = field(default_factory=dict)
    latest: dict[str, int] = field(default_factory=dict)
    cache: dict[int, ParsedSchema] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for subject, version, schema_id, deleted in sorted(self.contents.versions):
            self.ids[(subject, version)] = schema_id
            if not deleted:
                self.latest[subject] = version

    def parsed(self, schema_id: int, depth: int = 0) -> ParsedSchema:
        cached = self.cache.get(schema_id)
        if cached is not None:
            return cached
        schema = self.contents.schemas.get(schema_id)
        if schema is None:
            raise InvalidSchemaError(
                f"{self.contents.url} did not list the schema with id {schema_id}"
            )
        if depth > MAX_REFERENCE_DEPTH:
            raise InvalidSchemaError(
                f"References nest deeper than {MAX_REFERENCE_DEPTH} levels; flatten them"
            )
        pinned: list[SchemaReference] = []
        dependencies: dict[str, ParsedSchema] = {}
        for reference in schema.references:
            version = reference.version
            if version == LATEST_REFERENCE:
                version = self.latest.get(reference.subject, LATEST_REFERENCE)
            found = self.ids.get((reference.subject, version))
            if found is None:
                raise InvalidSchemaError(
                    f"schema {schema_id} references {reference.subject} v{reference.version} "
                    f"(as '{reference.name}'), which {self.contents.url} did not list"
                )
            pinned.append(SchemaReference(reference.name, reference.subject, version))
            dependencies[reference.name] = self.parsed(found, depth + 1)
        parsed = get_format(schema.schema_type).parse(schema.text, tuple(pinned), dependencies)
        self.cache[schema_id] = parsed
        return parsed
