"""The Confluent Schema Registry REST API: translation between HTTP and ``registry.service``.

No rules live here. Field names, status codes and error codes follow Confluent's registry so
its clients work unchanged; see docs/api.md for the routes.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool

from evcat import __version__
from evcat.errors import BadRequestError, SchemaNotFoundError
from evcat.formats import SCHEMA_TYPES
from evcat.registry import admin
from evcat.registry.entities import StoredSchema, SubjectVersion
from evcat.registry.http import ApiRequest, ConfluentRouter, Reply, json_bytes
from evcat.registry.requests import MAX_ID, schema_request
from evcat.registry.rules import is_decimal, parse_version
from evcat.registry.service import Registry
from evcat.registry.store import Page

EPOCH_CHECK_SECONDS = 0.5


def references_json(schema: StoredSchema) -> list[dict[str, Any]]:
    return [{"name": r.name, "subject": r.subject, "version": r.version} for r in schema.references]


def schema_body(schema: StoredSchema, text: str) -> dict[str, Any]:
    """The fields every schema-bearing answer shares; empty ones are left out like Confluent."""
    body: dict[str, Any] = {"schemaType": schema.schema_type, "schema": text}
    if schema.references:
        body["references"] = references_json(schema)
    if schema.metadata:
        body["metadata"] = schema.metadata
    if schema.ruleset:
        body["ruleSet"] = schema.ruleset
    return body


class ConfluentApi:
    """Handlers for every Confluent route, bound to one ``Registry``."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        # Answers of GET /schemas/ids/{id}: contents never change, only permanent deletes
        # can invalidate them, and those bump delete_epoch (checked at most every 0.5 s).
        self._by_id: dict[tuple[int, str], bytes] = {}
        self._delete_epoch = -1
        self._epoch_checked = 0.0

    def install(self, router: ConfluentRouter) -> None:
        add = router.add
        add("/", GET=lambda q: Reply({}), POST=lambda q: Reply({}))
        add("/schemas/types", GET=lambda q: Reply(list(SCHEMA_TYPES)))
        add("/schemas", GET=self.list_schemas)
        add("/schemas/ids/{id}", GET=self.schema_by_id)
        router.add_fast("/schemas/ids/{id}", "GET", self.schema_by_id_cached)
        add("/schemas/ids/{id}/schema", GET=self.schema_text_by_id)
        add("/schemas/ids/{id}/subjects", GET=self.subjects_of_schema)
        add("/schemas/ids/{id}/versions", GET=self.versions_of_schema)
        add("/schemas/guids/{guid}", GET=self.schema_by_guid)
        add("/schemas/guids/{guid}/ids", GET=self.ids_of_guid)
        add("/subjects", GET=self.list_subjects)
        add("/subjects/{subject}", POST=self.lookup, DELETE=self.delete_subject)
        add("/subjects/{subject}/metadata", GET=self.latest_with_metadata)
        add("/subjects/{subject}/versions", GET=self.list_versions, POST=self.register)
        add(
            "/subjects/{subject}/versions/{version}",
            GET=self.get_version,
            DELETE=self.delete_version,
        )
        add("/subjects/{subject}/versions/{version}/schema", GET=self.get_version_text)
        add("/subjects/{subject}/versions/{version}/referencedby", GET=self.referenced_by)
        add("/compatibility/subjects/{subject}/versions", POST=self.compatibility)
        add("/compatibility/subjects/{subject}/versions/{version}", POST=self.compatibility)
        add("/config", GET=self.get_config, PUT=self.put_config, DELETE=self.delete_config)
        add(
            "/config/{subject}", GET=self.get_config, PUT=self.put_config, DELETE=self.delete_config
        )
        add("/mode", GET=self.get_mode, PUT=self.put_mode, DELETE=self.delete_mode)
        add("/mode/{subject}", GET=self.get_mode, PUT=self.put_mode, DELETE=self.delete_mode)
        add("/contexts", GET=lambda q: Reply(["."]))
        add("/v1/metadata/id", GET=self.metadata_id)
        add("/v1/metadata/version", GET=lambda q: Reply({"version": __version__, "commitId": ""}))
        # No associations are kept: [] sends Confluent's serializers to TopicNameStrategy.
        add("/associations/resources/{namespace}/{name}", GET=lambda q: Reply([]))

    # -- schemas by id -------------------------------------------------------------------

    @staticmethod
    def _schema_id(request: ApiRequest) -> int:
        raw = request.params["id"]
        # Ids are 32-bit in every store; anything larger cannot exist (and must not reach SQL).
        if not is_decimal(raw) or not 0 < int(raw) <= MAX_ID:
            raise SchemaNotFoundError(raw)
        return int(raw)

    async def schema_by_id_cached(self, request: ApiRequest) -> Reply | None:
        """The hot read path: answered from memory, without touching the database."""
        if request.flag("fetchMaxId"):
            return None
        now = time.monotonic()
        if now - self._epoch_checked > EPOCH_CHECK_SECONDS:
            # Claimed before the await: requests arriving meanwhile must not start checks too.
            self._epoch_checked = now
            epoch = await run_in_threadpool(self.registry.delete_epoch)
            if epoch != self._delete_epoch:
                self._by_id.clear()
                self._delete_epoch = epoch
        try:
            key = (self._schema_id(request), request.text("format"))
        except SchemaNotFoundError:
            return None
        body = self._by_id.get(key)
        if body is None:
            return None
        return Reply(body, raw=True)

    def forget_cached_ids(self) -> None:
        self._by_id.clear()

    def schema_by_id(self, request: ApiRequest) -> Reply:
        schema_id = self._schema_id(request)
        output_format = request.text("format")
        schema = self.registry.schema_by_id(schema_id)
        body = schema_body(schema, self.registry.render(schema, output_format))
        body["guid"] = schema.guid
        if request.flag("fetchMaxId"):
            body["maxId"] = self.registry.max_schema_id()
            return Reply(body)
        encoded = json_bytes(body)
        if len(self._by_id) < self.registry.settings.schema_cache_size:
            # orjson's result keeps its spare buffer (~16 KB for a 2 KB answer); cache a tight copy.
            self._by_id[(schema_id, output_format)] = bytes(memoryview(encoded))
        return Reply(encoded, raw=True)

    def schema_text_by_id(self, request: ApiRequest) -> Reply:
        schema = self.registry.schema_by_id(self._schema_id(request))
        return Reply(self.registry.render(schema, request.text("format")), raw=True)

    def subjects_of_schema(self, request: ApiRequest) -> Reply:
        pairs = self._filtered_holders(request)
        return Reply(sorted({subject for subject, _ in pairs}))

    def versions_of_schema(self, request: ApiRequest) -> Reply:
        pairs = self._filtered_holders(request)
        return Reply([{"subject": s, "version": v} for s, v in pairs])

    def _filtered_holders(self, request: ApiRequest) -> list[tuple[str, int]]:
        pairs = self.registry.versions_of_schema(
            self._schema_id(request), deleted=request.flag("deleted")
        )
        wanted = request.text("subject")
        if wanted:
            pairs = [(s, v) for s, v in pairs if s == wanted]
        return _page(request, pairs)

    def schema_by_guid(self, request: ApiRequest) -> Reply:
        schema = self.registry.schema_by_guid(request.params["guid"])
        body = schema_body(schema, self.registry.render(schema, request.text("format")))
        return Reply({"id": schema.id, "guid": schema.guid} | body)

    def ids_of_guid(self, request: ApiRequest) -> Reply:
        schema = self.registry.schema_by_guid(request.params["guid"])
        return Reply([{"context": ".", "id": schema.id}])

    def list_schemas(self, request: ApiRequest) -> Reply:
        versions = self.registry.all_schemas(
            request.text("subjectPrefix"),
            deleted=request.flag("deleted"),
            latest_only=request.flag("latestOnly"),
            page=_page_of(request),
        )
        return Reply([self._version_body(v, request.text("format")) for v in versions])

    # -- subjects and versions -----------------------------------------------------------

    def _version_body(self, version: SubjectVersion, output_format: str = "") -> dict[str, Any]:
        text = self.registry.render(version.schema, output_format)
        body = {
            "subject": version.subject,
            "version": version.version,
            "id": version.schema.id,
            "guid": version.schema.guid,
        } | schema_body(version.schema, text)
        if version.deleted:
            body["deleted"] = True
        return body

    def list_subjects(self, request: ApiRequest) -> Reply:
        prefix = request.text("subjectPrefix", "subject")
        if prefix == ":*:":
            prefix = ""
        subjects = self.registry.subjects(
            prefix,
            deleted=request.flag("deleted"),
            deleted_only=request.flag("deletedOnly", "deleted_only"),
            page=_page_of(request),
        )
        return Reply(subjects)

    def list_versions(self, request: ApiRequest) -> Reply:
        rows = self.registry.versions(
            request.params["subject"],
            deleted=request.flag("deleted") or request.flag("deletedAsNegative"),
            deleted_only=request.flag("deletedOnly", "deleted_only"),
            page=_page_of(request),
        )
        negative = request.flag("deletedAsNegative")
        return Reply([-row.version if negative and row.deleted else row.version for row in rows])

    def get_version(self, request: ApiRequest) -> Reply:
        version = self.registry.version(
            request.params["subject"],
            parse_version(request.params["version"]),
            deleted=request.flag("deleted"),
        )
        return Reply(self._version_body(version, request.text("format")))

    def latest_with_metadata(self, request: ApiRequest) -> Reply:
        keys, values = request.query.get("key", []), request.query.get("value", [])
        if len(keys) != len(values):
            raise BadRequestError("Send as many 'value' query parameters as 'key' parameters")
        version = self.registry.latest_with_metadata(
            request.params["subject"],
            dict(zip(keys, values, strict=True)),
            deleted=request.flag("deleted"),
        )
        return Reply(self._version_body(version, request.text("format")))

    def get_version_text(self, request: ApiRequest) -> Reply:
        version = self.registry.version(
            request.params["subject"],
            parse_version(request.params["version"]),
            deleted=request.flag("deleted"),
        )
        return Reply(self.registry.render(version.schema, request.text("format")), raw=True)

    def referenced_by(self, request: ApiRequest) -> Reply:
        ids = self.registry.referenced_by(
            request.params["subject"], parse_version(request.params["version"])
        )
        return Reply(_page(request, ids))

    def register(self, request: ApiRequest) -> Reply:
        wanted = schema_request(request.json())
        version = self.registry.register(
            request.params["subject"],
            wanted,
            normalize=request.flag("normalize"),
            force=request.flag("force"),
            actor=request.actor,
        )
        if wanted.version not in (None, -1):
            # An IMPORT naming a taken version may have removed the schema it held.
            self.forget_cached_ids()
        body = {
            "id": version.schema.id,
            "version": version.version,
            "guid": version.schema.guid,
        } | schema_body(
            version.schema, self.registry.render(version.schema, request.text("format"))
        )
        return Reply(body)

    def lookup(self, request: ApiRequest) -> Reply:
        version = self.registry.lookup(
            request.params["subject"],
            schema_request(request.json()),
            normalize=request.flag("normalize"),
            deleted=request.flag("deleted"),
        )
        return Reply(self._version_body(version, request.text("format")))

    def delete_subject(self, request: ApiRequest) -> Reply:
        versions = admin.delete_subject(
            self.registry,
            request.params["subject"],
            permanent=request.flag("permanent"),
            actor=request.actor,
        )
        if request.flag("permanent"):
            self.forget_cached_ids()
        return Reply(versions)

    def delete_version(self, request: ApiRequest) -> Reply:
        version = admin.delete_version(
            self.registry,
            request.params["subject"],
            parse_version(request.params["version"]),
            permanent=request.flag("permanent"),
            actor=request.actor,
        )
        if request.flag("permanent"):
            self.forget_cached_ids()
        return Reply(version)

    def compatibility(self, request: ApiRequest) -> Reply:
        raw_version = request.params.get("version")
        version = None if raw_version is None else parse_version(raw_version)
        verbose = request.flag("verbose")
        result = self.registry.test_compatibility(
            request.params["subject"],
            schema_request(request.json()),
            version,
            normalize=request.flag("normalize"),
            verbose=verbose,
        )
        body: dict[str, Any] = {"is_compatible": result.is_compatible}
        if verbose:
            body["messages"] = result.messages
        return Reply(body)

    # -- config and mode -----------------------------------------------------------------

    def get_config(self, request: ApiRequest) -> Reply:
        config = admin.get_config(
            self.registry,
            request.params.get("subject"),
            default_to_global=request.flag("defaultToGlobal"),
        )
        return Reply(config)

    def put_config(self, request: ApiRequest) -> Reply:
        subject = request.params.get("subject")
        return Reply(admin.set_config(self.registry, subject, request.json(), actor=request.actor))

    def delete_config(self, request: ApiRequest) -> Reply:
        subject = request.params.get("subject")
        return Reply(admin.delete_config(self.registry, subject, actor=request.actor))

    def get_mode(self, request: ApiRequest) -> Reply:
        mode = admin.get_mode(
            self.registry,
            request.params.get("subject"),
            default_to_global=request.flag("defaultToGlobal"),
        )
        return Reply({"mode": mode})

    def put_mode(self, request: ApiRequest) -> Reply:
        body = request.json()
        mode = admin.set_mode(
            self.registry,
            request.params.get("subject"),
            body.get("mode"),
            force=request.flag("force"),
            actor=request.actor,
        )
        return Reply({"mode": mode})

    def delete_mode(self, request: ApiRequest) -> Reply:
        subject = request.params.get("subject")
        return Reply({"mode": admin.delete_mode(self.registry, subject, actor=request.actor)})

    def metadata_id(self, request: ApiRequest) -> Reply:
        cluster = self.registry.settings.cluster_id
        return Reply(
            {
                "scope": {
                    "path": [],
                    "clusters": {"kafka-cluster": cluster, "schema-registry-cluster": cluster},
                }
            }
        )


def _page_of(request: ApiRequest) -> Page:
    """``offset`` and ``limit`` (limit <= 0 means all), as every list endpoint takes them."""
    limit = request.integer("limit", -1)
    return Page(max(request.integer("offset", 0), 0), None if limit <= 0 else limit)


def _page(request: ApiRequest, items: list[Any]) -> list[Any]:
    """``offset``/``limit`` applied to a short list already in memory."""
    page = _page_of(request)
    end = None if page.limit is None else page.offset + page.limit
    return items[page.offset : end]
