"""The registry's rules: register, look up, test compatibility, delete. One place for all of them.

Reads run in plain transactions; every write runs inside ``db.write_session``, which holds the
registry write lock, so versions and ids are allocated without races across processes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from evcat.audit import ANONYMOUS, Actor, record, resources, sha256_hex
from evcat.compat import CompatibilityLevel
from evcat.db import current_epoch, read_session, write_session
from evcat.errors import (
    IncompatibleSchemaError,
    InvalidSchemaError,
    LimitExceededError,
    ReferenceExistsError,
    SchemaNotFoundError,
    SchemaTooLargeError,
    SubjectNotFoundError,
    VersionNotFoundError,
)
from evcat.formats import ParsedSchema, SchemaReference, get_format
from evcat.registry import checks, contracts, policy, rules, store
from evcat.registry.entities import (
    CompatibilityResult,
    SchemaRequest,
    StoredSchema,
    SubjectVersion,
    identity,
)
from evcat.registry.rules import LATEST, validate_subject
from evcat.registry.store import LIVE, Page, VersionRecord
from evcat.settings import Settings

Cached = TypeVar("Cached")
EVERYTHING = Page()


def now_ms() -> int:
    return int(time.time() * 1000)


def _live(rows: Sequence[VersionRecord]) -> list[VersionRecord]:
    return [row for row in rows if not row.deleted]


MAX_REFERENCE_DEPTH = 100

Contract = tuple[dict[str, Any] | None, dict[str, Any] | None]
"""A registration's ``metadata`` and ``ruleSet``."""


def _as_sent(request: SchemaRequest) -> Contract:
    """The request's own metadata and rule set; an empty one is the same as none."""
    return (
        None if contracts.is_empty(request.metadata) else request.metadata,
        None if contracts.is_empty(request.ruleset) else request.ruleset,
    )


def _identity(
    parsed: ParsedSchema, metadata: dict[str, Any] | None, ruleset: dict[str, Any] | None
) -> tuple[str, str]:
    return identity(parsed.schema_type, parsed.canonical, parsed.references, metadata, ruleset)


def _audit_registration(
    session: Session,
    actor: Actor,
    registered: SubjectVersion,
    live: Sequence[VersionRecord],
    mode: str,
    force: bool,
) -> None:
    """The record of a new version: the schema as a digest, never its text."""
    schema = registered.schema
    after: dict[str, object] = {
        "version": registered.version,
        "id": schema.id,
        "guid": schema.guid,
        "schemaType": schema.schema_type,
        "schema_sha256": sha256_hex(schema.text),
        "references": [
            {"name": r.name, "subject": r.subject, "version": r.version} for r in schema.references
        ],
    }
    if force:
        after["force"] = True  # the compatibility check was skipped on request
    if mode == policy.IMPORT:
        after["mode"] = mode
    before = {"version": live[-1].version, "id": live[-1].schema_id} if live else None
    record(
        session,
        actor,
        "schema.register",
        resources.subject(registered.subject),
        before=before,
        after=after,
    )


class Registry:
    """The schema registry over one database. Safe to share between requests and threads."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._parsed: OrderedDict[int, ParsedSchema] = OrderedDict()
        self._normalized: OrderedDict[int, str] = OrderedDict()
        # Request threads share the LRU caches: a read's move_to_end must not meet another
        # thread's eviction of the same entry. Held for dict operations only, never a parse.
        self._cache_lock = threading.Lock()

    # -- parsed-schema cache: schema contents never change, so entries stay valid -----------

    def _cached(self, cache: OrderedDict[int, Cached], schema_id: int) -> Cached | None:
        with self._cache_lock:
            found = cache.get(schema_id)
            if found is not None:
                cache.move_to_end(schema_id)
            return found

    def parsed(self, session: Session, schema_id: int, depth: int = 0) -> ParsedSchema:
        """The parsed schema with ``schema_id``, parsing it (and its references) once."""
        cached = self._cached(self._parsed, schema_id)
        if cached is not None:
            return cached
        row = store.get_schema(session, schema_id)
        if row is None:
            raise SchemaNotFoundError(schema_id)
        stored = store.to_stored(row)
        references, dependencies = self._resolve(
            session, stored.references, for_new_schema=False, depth=depth + 1
        )
        parsed = get_format(stored.schema_type).parse(stored.text, references, dependencies)
        self._remember(self._parsed, schema_id, parsed)
        return parsed

    def normalized_canonical(self, session: Session, schema_id: int) -> str:
        """The canonical text of schema ``schema_id`` in normalized form, computed once.

        A lookup that finds no exact match compares the request with every version of the
        subject in this form; without the cache each miss re-parsed all of them.
        """
        cached = self._cached(self._normalized, schema_id)
        if cached is not None:
            return cached
        old = self.parsed(session, schema_id)
        again = get_format(old.schema_type).parse(
            old.canonical, old.references, old.dependencies, normalize=True
        )
        self._remember(self._normalized, schema_id, again.canonical)
        return again.canonical

    def _remember(self, cache: OrderedDict[int, Cached], schema_id: int, value: Cached) -> None:
        with self._cache_lock:
            cache[schema_id] = value
            if len(cache) > self.settings.schema_cache_size:
                cache.popitem(last=False)

    def forget(self, schema_ids: Sequence[int]) -> None:
        with self._cache_lock:
            for schema_id in schema_ids:
                self._parsed.pop(schema_id, None)
                self._normalized.pop(schema_id, None)

    def _resolve(
        self,
        session: Session,
        references: Sequence[SchemaReference],
        *,
        for_new_schema: bool,
        depth: int = 0,
    ) -> tuple[tuple[SchemaReference, ...], dict[str, ParsedSchema]]:
        """Pin ``-1`` reference versions and parse every referenced schema."""
        if depth > MAX_REFERENCE_DEPTH:
            raise InvalidSchemaError(
                f"References nest deeper than {MAX_REFERENCE_DEPTH} levels; flatten them"
            )
        pinned: list[SchemaReference] = []
        dependencies: dict[str, ParsedSchema] = {}
        for reference in references:
            rows = store.versions_of(session, reference.subject)
            if reference.version == LATEST:
                live = _live(rows)
                row = live[-1] if live else None
            else:
                row = next((r for r in rows if r.version == reference.version), None)
            if row is None or (for_new_schema and row.deleted):
                raise InvalidSchemaError(
                    f'No schema reference found for subject "{reference.subject}" and version '
                    f"{reference.version}: register that subject-version first or fix the "
                    f"reference named '{reference.name}'"
                )
            pinned.append(SchemaReference(reference.name, reference.subject, row.version))
            dependencies[reference.name] = self.parsed(session, row.schema_id, depth)
        return tuple(pinned), dependencies

    def _parse_request(
        self, session: Session, request: SchemaRequest, normalize: bool
    ) -> ParsedSchema:
        """Parse a client's schema, resolving its references."""
        if request.schema is None or not request.schema.strip():
            raise InvalidSchemaError("Empty schema: send the schema text in the 'schema' field")
        if len(request.schema.encode()) > self.settings.max_schema_bytes:
            raise SchemaTooLargeError(
                f"Schema is larger than {self.settings.max_schema_bytes} bytes; split it with "
                "references"
            )
        schema_format = get_format(request.schema_type)
        references, dependencies = self._resolve(session, request.references, for_new_schema=True)
        return schema_format.parse(request.schema, references, dependencies, normalize=normalize)

    @staticmethod
    def _match(
        session: Session,
        subject: str,
        fingerprint: str,
        request: SchemaRequest,
        *,
        include_deleted: bool = False,
    ) -> VersionRecord | None:
        """The newest version of ``subject`` holding exactly this content (one indexed query)."""
        for row in reversed(store.versions_with_fingerprint(session, subject, fingerprint)):
            if row.deleted and not include_deleted:
                continue
            if request.id not in (None, -1, row.schema_id):
                continue
            if request.version not in (None, LATEST, row.version):
                continue
            return row
        return None

    def _subject_version(self, session: Session, row: VersionRecord) -> SubjectVersion:
        schema_row = store.get_schema(session, row.schema_id)
        if schema_row is None:  # pragma: no cover - foreign key guarantees it
            raise SchemaNotFoundError(row.schema_id)
        return SubjectVersion(
            subject=row.subject,
            version=row.version,
            schema=store.to_stored(schema_row),
            deleted=row.deleted,
            created_ms=row.created_ms,
        )

    # -- data contracts: the metadata and rule set a registration ends up with -------------

    @staticmethod
    def _contract(
        session: Session,
        rows: Sequence[VersionRecord],
        request: SchemaRequest,
        config: policy.EffectiveConfig,
        mode: str,
    ) -> Contract:
        """The request's metadata and rule set, completed from the latest version and config.

        IMPORT copies schemas from another registry as they were: nothing is added to them.
        """
        if mode == policy.IMPORT:
            return _as_sent(request)
        live = _live(rows)
        latest = store.get_schema(session, live[-1].schema_id) if live else None
        previous = store.to_stored(latest) if latest is not None else None
        return contracts.completed(
            config.fields,
            request.metadata,
            request.ruleset,
            previous.metadata if previous else None,
            previous.ruleset if previous else None,
        )

    def _candidates(
        self,
        session: Session,
        rows: Sequence[VersionRecord],
        request: SchemaRequest,
        config: policy.EffectiveConfig,
        mode: str,
    ) -> list[Contract]:
        """The contracts under which an existing version counts as this registration.

        First the schema exactly as sent, as Confluent's fast path looks it up (unless the
        config adds metadata or rules to everything), then as it would be stored. So
        re-registering a schema without metadata returns the version that carries it.
        """
        found: list[Contract] = []
        if not contracts.has_defaults_or_overrides(config.fields):
            found.append(_as_sent(request))
        completed = self._contract(session, rows, request, config, mode)
        if completed not in found:
            found.append(completed)
        return found

    def _existing(
        self,
        session: Session,
        subject: str,
        parsed: ParsedSchema,
        request: SchemaRequest,
        candidates: Sequence[Contract],
    ) -> VersionRecord | None:
        for metadata, ruleset in candidates:
            fingerprint, _ = _identity(parsed, metadata, ruleset)
            row = self._match(session, subject, fingerprint, request)
            if row is not None:
                return row
        return None

    # -- register --------------------------------------------------------------------------

    def register(
        self,
        subject: str,
        request: SchemaRequest,
        *,
        normalize: bool = False,
        force: bool = False,
        after_insert: Callable[[Session, SubjectVersion], None] | None = None,
        actor: Actor = ANONYMOUS,
    ) -> SubjectVersion:
        """Register ``request`` under ``subject``; an identical live version is returned as is.

        ``after_insert`` runs inside the write transaction once a new version row is written
        (never for an identical version returned as is): whatever it writes commits with the
        version, and if it raises, neither is kept. A new version is audited under ``actor``.
        """
        validate_subject(subject)
        with read_session(self.engine) as session:
            subject = policy.aliased(session, subject)
            config = policy.effective_config(session, subject, self.settings.default_compatibility)
            mode = policy.effective_mode(session, subject)
            rows = store.versions_of(session, subject)
            request = self._with_previous_text(session, rows, request)
            parsed = self._parse_request(session, request, normalize or config.normalize)
            candidates = self._candidates(session, rows, request, config, mode)
            existing = self._existing(session, subject, parsed, request, candidates)
            if existing is not None:
                return self._subject_version(session, existing)
        rules.check_mode_allows_registration(subject, mode, request)
        with write_session(self.engine) as session:
            # Everything read above may have changed before the lock was taken: read it again.
            rows = store.versions_of(session, subject)
            candidates = self._candidates(session, rows, request, config, mode)
            existing = self._existing(session, subject, parsed, request, candidates)
            if existing is not None:
                return self._subject_version(session, existing)
            if len(rows) >= self.settings.max_versions_per_subject:
                raise LimitExceededError(
                    f"Subject '{subject}' already has {len(rows)} versions, the configured "
                    "maximum (EVCAT_MAX_VERSIONS_PER_SUBJECT); delete old versions first"
                )
            metadata, ruleset = candidates[-1]
            if mode != policy.IMPORT and not force:
                self._enforce_compatibility(session, subject, parsed, metadata, rows, config)
            version = rules.next_version(rows, request, mode)
            fingerprint, guid = _identity(parsed, metadata, ruleset)
            schema_id = rules.schema_id_for(session, fingerprint, request, parsed)
            if store.get_schema(session, schema_id) is None:
                store.insert_schema(
                    session,
                    StoredSchema(
                        id=schema_id,
                        schema_type=parsed.schema_type,
                        text=parsed.canonical,
                        references=parsed.references,
                        metadata=metadata,
                        ruleset=ruleset,
                        guid=guid,
                        created_ms=now_ms(),
                    ),
                    fingerprint,
                )
            created = now_ms()
            taken = next((row for row in rows if row.version == version), None)
            if taken is None:
                store.insert_version(session, subject, version, schema_id, created)
            else:
                self._overwrite(session, taken, schema_id, created)
            # After the insert, so the schema row is still held and survives the tombstone.
            others = [row for row in rows if row is not taken]
            rules.tombstone_replaced(session, subject, others, schema_id)
            registered = self._subject_version(
                session, store.VersionRecord(subject, version, schema_id, False, created)
            )
            _audit_registration(session, actor, registered, _live(rows), mode, force)
            if after_insert is not None:
                after_insert(session, registered)
            return registered

    def _overwrite(
        self, session: Session, taken: VersionRecord, schema_id: int, created: int
    ) -> None:
        """IMPORT of a taken version: the imported schema stands, the one it replaces goes
        unless another version holds it. A referenced version is never replaced."""
        if store.live_referrers(session, taken.subject, taken.version):
            raise ReferenceExistsError(taken.subject, taken.version)
        store.replace_version(session, taken.subject, taken.version, schema_id, created)
        if taken.schema_id != schema_id:
            store.drop_unheld(session, [taken.schema_id])
            self.forget([taken.schema_id])

    def _with_previous_text(
        self, session: Session, rows: Sequence[VersionRecord], request: SchemaRequest
    ) -> SchemaRequest:
        """A request without schema text (a metadata update) re-registers the latest text."""
        if request.schema and request.schema.strip():
            return request
        live = _live(rows)
        if not live:
            raise InvalidSchemaError("Empty schema: the subject has no version to copy")
        previous = self._subject_version(session, live[-1]).schema
        return replace(
            request,
            schema=previous.text,
            schema_type=previous.schema_type,
            references=previous.references,
        )

    def _enforce_compatibility(
        self,
        session: Session,
        subject: str,
        parsed: ParsedSchema,
        metadata: dict[str, Any] | None,
        rows: Sequence[VersionRecord],
        config: policy.EffectiveConfig,
    ) -> None:
        issues, previous = checks.compatibility_issues(
            session,
            parsed,
            metadata,
            _live(rows),
            config,
            config.level,
            lambda schema_id: self.parsed(session, schema_id),
        )
        if issues:
            raise IncompatibleSchemaError(
                subject, rules.confluent_messages(issues, previous, config), list(issues)
            )

    # -- lookup and compatibility ----------------------------------------------------------

    def lookup(
        self,
        subject: str,
        request: SchemaRequest,
        *,
        normalize: bool = False,
        deleted: bool = False,
    ) -> SubjectVersion:
        """The version of ``subject`` holding this schema (40401 / 40403 when there is none).

        Tried as sent, then completed with the latest version's metadata and the config's
        defaults and overrides, as a registration would store it.
        """
        with read_session(self.engine) as session:
            subject = policy.aliased(session, subject)
            rows = store.versions_of(session, subject)
            candidates = rows if deleted else _live(rows)
            if not candidates:
                raise SubjectNotFoundError(subject)
            if not request.schema or not request.schema.strip():
                # Confluent looks an empty schema up like any other, and finds nothing.
                raise SchemaNotFoundError()
            config = policy.effective_config(session, subject, self.settings.default_compatibility)
            parsed = self._parse_request(session, request, normalize or config.normalize)
            contracts_tried = [_as_sent(request)]
            completed = self._contract(session, rows, request, config, policy.READWRITE)
            if completed not in contracts_tried:
                contracts_tried.append(completed)
            exact = SchemaRequest(schema=request.schema)
            normalized: ParsedSchema | None = None
            for metadata, ruleset in contracts_tried:
                fingerprint, _ = _identity(parsed, metadata, ruleset)
                row = self._match(session, subject, fingerprint, exact, include_deleted=deleted)
                if row is None:
                    normalized = normalized or self._parse_request(session, request, True)
                    row = self._match_normalized(session, candidates, normalized, metadata, ruleset)
                if row is not None:
                    return self._subject_version(session, row)
            raise SchemaNotFoundError()

    def _match_normalized(
        self,
        session: Session,
        candidates: Sequence[VersionRecord],
        wanted: ParsedSchema,
        metadata: dict[str, Any] | None,
        ruleset: dict[str, Any] | None,
    ) -> VersionRecord | None:
        """Second chance: the same schema once both are normalized (text vs. descriptor...)."""
        wanted_fingerprint, _ = _identity(wanted, metadata, ruleset)
        for row in reversed(candidates):
            old = self.parsed(session, row.schema_id)
            if old.schema_type != wanted.schema_type:
                continue
            fingerprint, _ = identity(
                old.schema_type,
                self.normalized_canonical(session, row.schema_id),
                old.references,
                metadata,
                ruleset,
            )
            if fingerprint == wanted_fingerprint:
                return row
        return None

    def test_compatibility(
        self,
        subject: str,
        request: SchemaRequest,
        version: int | None,
        *,
        normalize: bool = False,
        verbose: bool = False,
    ) -> CompatibilityResult:
        """Would ``request`` be accepted? Against one version, or as registration would check."""
        with read_session(self.engine) as session:
            subject = policy.aliased(session, subject)
            config = policy.effective_config(session, subject, self.settings.default_compatibility)
            rows = store.versions_of(session, subject)
            live = _live(rows)
            if version is None:
                compared = live
            elif version == LATEST:
                compared = live[-1:]
            else:
                match = [row for row in live if row.version == version]
                if not match:
                    raise VersionNotFoundError(version)
                compared = match
            try:
                parsed = self._parse_request(session, request, normalize or config.normalize)
            except InvalidSchemaError as error:
                if verbose:
                    return CompatibilityResult(False, [error.message])
                raise
            mode = policy.effective_mode(session, subject)
            metadata, _ = self._contract(session, rows, request, config, mode)
            level = config.level
            if version is not None and level.transitive:
                level = CompatibilityLevel(level.value.removesuffix("_TRANSITIVE"))
            issues, previous = checks.compatibility_issues(
                session,
                parsed,
                metadata,
                compared,
                config,
                level,
                lambda schema_id: self.parsed(session, schema_id),
            )
        messages = rules.confluent_messages(issues, previous, config) if issues else []
        return CompatibilityResult(not issues, messages, list(issues))

    # -- reads -----------------------------------------------------------------------------

    def schema_by_id(self, schema_id: int) -> StoredSchema:
        with read_session(self.engine) as session:
            row = store.get_schema(session, schema_id)
            if row is None:
                raise SchemaNotFoundError(schema_id)
            return store.to_stored(row)

    def schema_by_guid(self, guid: str) -> StoredSchema:
        with read_session(self.engine) as session:
            row = store.get_schema_by_guid(session, guid)
            if row is None:
                raise SchemaNotFoundError(guid)
            return store.to_stored(row)

    def render(self, schema: StoredSchema, output_format: str) -> str:
        """Schema text in a ``format=`` representation (Protobuf ``serialized``...)."""
        if not output_format:
            return schema.text
        with read_session(self.engine) as session:
            parsed = self.parsed(session, schema.id)
        return get_format(schema.schema_type).render(parsed, output_format)

    def versions_of_schema(self, schema_id: int, *, deleted: bool = False) -> list[tuple[str, int]]:
        with read_session(self.engine) as session:
            if store.get_schema(session, schema_id) is None:
                raise SchemaNotFoundError(schema_id)
            rows = store.versions_holding(session, schema_id)
        return [(row.subject, row.version) for row in rows if deleted or not row.deleted]

    def subjects(
        self,
        prefix: str = "",
        *,
        deleted: bool = False,
        deleted_only: bool = False,
        page: Page = EVERYTHING,
    ) -> list[str]:
        """Subject names in order: with a live version, or every one, or only deleted ones."""
        which: store.Which = store.DELETED if deleted_only else store.EVERY if deleted else LIVE
        with read_session(self.engine) as session:
            return store.subject_names(session, prefix, which, page)

    def versions(
        self,
        subject: str,
        *,
        deleted: bool = False,
        deleted_only: bool = False,
        page: Page = EVERYTHING,
    ) -> list[VersionRecord]:
        """A subject's versions in order; 40401 when it has none to show (an empty page is not)."""
        which: store.Which = store.DELETED if deleted_only else store.EVERY if deleted else LIVE
        with read_session(self.engine) as session:
            subject = policy.aliased(session, subject)
            rows = store.versions_page(session, which, page, subject=subject)
            # Only soft-deleted versions asked for: any version at all proves the subject exists.
            if not rows and not store.has_versions(
                session, subject, store.EVERY if deleted_only else which
            ):
                raise SubjectNotFoundError(subject)
        return rows

    def version(self, subject: str, version: int, *, deleted: bool = False) -> SubjectVersion:
        with read_session(self.engine) as session:
            found = self._find_version(session, policy.aliased(session, subject), version, deleted)
            return self._subject_version(session, found)

    @staticmethod
    def _find_version(session: Session, subject: str, version: int, deleted: bool) -> VersionRecord:
        rows = store.versions_of(session, subject)
        visible = rows if deleted else _live(rows)
        if not visible:
            raise SubjectNotFoundError(subject)
        if version == LATEST:
            return visible[-1]
        row = next((r for r in visible if r.version == version), None)
        if row is None:
            raise VersionNotFoundError(version)
        return row

    def latest_with_metadata(
        self, subject: str, properties: dict[str, str], *, deleted: bool = False
    ) -> SubjectVersion:
        """The newest version whose ``metadata.properties`` hold every given pair."""
        with read_session(self.engine) as session:
            subject = policy.aliased(session, subject)
            rows = store.versions_of(session, subject)
            visible = rows if deleted else _live(rows)
            if not visible:
                raise SubjectNotFoundError(subject)
            for row in reversed(visible):
                version = self._subject_version(session, row)
                held = (version.schema.metadata or {}).get("properties") or {}
                if all(held.get(key) == value for key, value in properties.items()):
                    return version
        raise SchemaNotFoundError()

    def referenced_by(self, subject: str, version: int) -> list[int]:
        with read_session(self.engine) as session:
            subject = policy.aliased(session, subject)
            row = self._find_version(session, subject, version, deleted=True)
            return store.live_referrers(session, subject, row.version)

    def all_schemas(
        self,
        prefix: str = "",
        *,
        deleted: bool = False,
        latest_only: bool = False,
        page: Page = EVERYTHING,
    ) -> list[SubjectVersion]:
        """Subject versions with their schemas, by subject then version: two queries a page."""
        which: store.Which = store.EVERY if deleted else LIVE
        with read_session(self.engine) as session:
            rows = store.versions_page(session, which, page, prefix=prefix, latest_only=latest_only)
            schemas = store.stored_schemas(session, {row.schema_id for row in rows})
        return [
            SubjectVersion(
                row.subject, row.version, schemas[row.schema_id], row.deleted, row.created_ms
            )
            for row in rows
        ]

    def refuse_if_read_only(self, session: Session, subject: str | None, what: str) -> None:
        """42205 when ``subject`` (or the registry) is read-only: every write path asks."""
        policy.refuse_if_read_only(session, subject, what)

    def effective_level(self, subject: str) -> str:
        with read_session(self.engine) as session:
            config = policy.effective_config(session, subject, self.settings.default_compatibility)
        return config.level.value

    def delete_epoch(self) -> int:
        """Changes whenever a permanent delete may have removed a schema id."""
        with read_session(self.engine) as session:
            return store.delete_epoch(session)

    def max_schema_id(self) -> int:
        with read_session(self.engine) as session:
            return store.max_schema_id(session)

    # -- reads for the catalog (evcat.catalog reads the registry only through these) --------

    def version_index(self) -> list[tuple[str, int, int, bool]]:
        """Every subject version as ``(subject, version, schema id, deleted)``, in one read."""
        with read_session(self.engine) as session:
            return [
                (row.subject, row.version, row.schema_id, row.deleted)
                for row in store.all_versions(session)
            ]

    def schemas_by_ids(self, schema_ids: Sequence[int]) -> dict[int, StoredSchema]:
        """The stored schemas with these ids (absent ids are left out), a few queries in all."""
        with read_session(self.engine) as session:
            return store.stored_schemas(session, schema_ids)

    def parsed_by_id(self, schema_id: int) -> ParsedSchema:
        """The parsed schema with ``schema_id`` (cached; schema contents never change)."""
        with read_session(self.engine) as session:
            return self.parsed(session, schema_id)

    def change_epoch(self) -> int:
        """A number that changes with every write, so readers can cache derived views."""
        return current_epoch(self.engine)
