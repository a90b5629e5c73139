"""The registry's rules: register, look up, test compatibility, delete. One place for all of them.

Reads run in plain transactions; every write runs inside ``db.write_session``, which holds the
registry write lock, so versions and ids are allocated without races across processes.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from evcat import compat
from evcat.compat import CompatibilityLevel
from evcat.db import current_epoch, read_session, write_session
from evcat.errors import (
    IncompatibleSchemaError,
    InvalidSchemaError,
    LimitExceededError,
    SchemaNotFoundError,
    SchemaTooLargeError,
    SubjectNotFoundError,
    VersionNotFoundError,
)
from evcat.formats import ParsedSchema, SchemaReference, get_format
from evcat.registry import policy, rules, store
from evcat.registry.entities import (
    CompatibilityResult,
    SchemaRequest,
    StoredSchema,
    SubjectVersion,
    identity,
)
from evcat.registry.models import SchemaRow
from evcat.registry.rules import LATEST, validate_subject
from evcat.registry.store import VersionRecord
from evcat.settings import Settings

Cached = TypeVar("Cached")


def now_ms() -> int:
    return int(time.time() * 1000)


def _live(rows: Sequence[VersionRecord]) -> list[VersionRecord]:
    return [row for row in rows if not row.deleted]


MAX_REFERENCE_DEPTH = 100


class Registry:
    """The schema registry over one database. Safe to share between requests and threads."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._parsed: OrderedDict[int, ParsedSchema] = OrderedDict()
        self._normalized: OrderedDict[int, str] = OrderedDict()

    # -- parsed-schema cache: schema contents never change, so entries stay valid -----------

    def parsed(self, session: Session, schema_id: int, depth: int = 0) -> ParsedSchema:
        """The parsed schema with ``schema_id``, parsing it (and its references) once."""
        cached = self._parsed.get(schema_id)
        if cached is not None:
            self._parsed.move_to_end(schema_id)
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
        cached = self._normalized.get(schema_id)
        if cached is not None:
            self._normalized.move_to_end(schema_id)
            return cached
        old = self.parsed(session, schema_id)
        again = get_format(old.schema_type).parse(
            old.canonical, old.references, old.dependencies, normalize=True
        )
        self._remember(self._normalized, schema_id, again.canonical)
        return again.canonical

    def _remember(self, cache: OrderedDict[int, Cached], schema_id: int, value: Cached) -> None:
        cache[schema_id] = value
        if len(cache) > self.settings.schema_cache_size:
            cache.popitem(last=False)

    def forget(self, schema_ids: Sequence[int]) -> None:
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
    ) -> tuple[ParsedSchema, str, str]:
        """Parse a client's schema; returns it with its fingerprint and GUID."""
        if request.schema is None or not request.schema.strip():
            raise InvalidSchemaError("Empty schema: send the schema text in the 'schema' field")
        if len(request.schema.encode()) > self.settings.max_schema_bytes:
            raise SchemaTooLargeError(
                f"Schema is larger than {self.settings.max_schema_bytes} bytes; split it with "
                "references"
            )
        schema_format = get_format(request.schema_type)
        references, dependencies = self._resolve(session, request.references, for_new_schema=True)
        parsed = schema_format.parse(request.schema, references, dependencies, normalize=normalize)
        fingerprint, guid = identity(
            parsed.schema_type, parsed.canonical, references, request.metadata, request.ruleset
        )
        return parsed, fingerprint, guid

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

    # -- register --------------------------------------------------------------------------

    def register(
        self,
        subject: str,
        request: SchemaRequest,
        *,
        normalize: bool = False,
        force: bool = False,
        after_insert: Callable[[Session, SubjectVersion], None] | None = None,
    ) -> SubjectVersion:
        """Register ``request`` under ``subject``; an identical live version is returned as is.

        ``after_insert`` runs inside the write transaction once a new version row is written
        (never for an identical version returned as is): whatever it writes commits with the
        version, and if it raises, neither is kept.
        """
        validate_subject(subject)
        with read_session(self.engine) as session:
            config = policy.effective_config(session, subject, self.settings.default_compatibility)
            request = self._with_previous_text(session, subject, request)
            parsed, fingerprint, guid = self._parse_request(
                session, request, normalize or config.normalize
            )
            existing = self._match(session, subject, fingerprint, request)
            if existing is not None:
                return self._subject_version(session, existing)
            mode = policy.effective_mode(session, subject)
        rules.check_mode_allows_registration(subject, mode, request)
        with write_session(self.engine) as session:
            existing = self._match(session, subject, fingerprint, request)
            if existing is not None:
                return self._subject_version(session, existing)
            rows = store.versions_of(session, subject)
            if len(rows) >= self.settings.max_versions_per_subject:
                raise LimitExceededError(
                    f"Subject '{subject}' already has {len(rows)} versions, the configured "
                    "maximum (EVCAT_MAX_VERSIONS_PER_SUBJECT); delete old versions first"
                )
            if mode != policy.IMPORT and not force:
                self._enforce_compatibility(session, subject, parsed, _live(rows), config)
            version = rules.next_version(rows, request, mode)
            schema_id = rules.schema_id_for(session, fingerprint, request, parsed)
            if store.get_schema(session, schema_id) is None:
                store.insert_schema(
                    session,
                    StoredSchema(
                        id=schema_id,
                        schema_type=parsed.schema_type,
                        text=parsed.canonical,
                        references=parsed.references,
                        metadata=request.metadata,
                        ruleset=request.ruleset,
                        guid=guid,
                        created_ms=now_ms(),
                    ),
                    fingerprint,
                )
            created = now_ms()
            store.insert_version(session, subject, version, schema_id, created)
            # After the insert, so the schema row is still held and survives the tombstone.
            rules.tombstone_replaced(session, subject, rows, schema_id)
            registered = self._subject_version(
                session, store.VersionRecord(subject, version, schema_id, False, created)
            )
            if after_insert is not None:
                after_insert(session, registered)
            return registered

    def _with_previous_text(
        self, session: Session, subject: str, request: SchemaRequest
    ) -> SchemaRequest:
        """A metadata-only request (no schema text) re-registers the latest schema's text."""
        if request.schema or (request.metadata is None and request.ruleset is None):
            return request
        live = _live(store.versions_of(session, subject))
        if not live:
            raise InvalidSchemaError("Empty schema: the subject has no version to copy")
        previous = self._subject_version(session, live[-1]).schema
        return SchemaRequest(
            schema=previous.text,
            schema_type=previous.schema_type,
            references=previous.references,
            metadata=request.metadata if request.metadata is not None else previous.metadata,
            ruleset=request.ruleset if request.ruleset is not None else previous.ruleset,
            id=request.id,
            version=request.version,
        )

    def _enforce_compatibility(
        self,
        session: Session,
        subject: str,
        parsed: ParsedSchema,
        live: Sequence[VersionRecord],
        config: policy.EffectiveConfig,
    ) -> None:
        # Parse only the versions the level compares: the latest, or all for transitive levels.
        if config.level is CompatibilityLevel.NONE:
            return
        compared = live if config.level.transitive else live[-1:]
        previous = [(row.version, self.parsed(session, row.schema_id)) for row in compared]
        issues = compat.check(parsed, previous, config.level, config.policy)
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
        """The version of ``subject`` holding this schema (40401 / 40403 when there is none)."""
        with read_session(self.engine) as session:
            rows = store.versions_of(session, subject)
            candidates = rows if deleted else _live(rows)
            if not candidates:
                raise SubjectNotFoundError(subject)
            config = policy.effective_config(session, subject, self.settings.default_compatibility)
            _parsed, fingerprint, _ = self._parse_request(
                session, request, normalize or config.normalize
            )
            exact = SchemaRequest(schema=request.schema)
            row = self._match(session, subject, fingerprint, exact, include_deleted=deleted)
            if row is None:
                row = self._match_normalized(session, candidates, request)
            if row is None:
                raise SchemaNotFoundError()
            return self._subject_version(session, row)

    def _match_normalized(
        self, session: Session, candidates: Sequence[VersionRecord], request: SchemaRequest
    ) -> VersionRecord | None:
        """Second chance: the same schema once both are normalized (text vs. descriptor...)."""
        wanted, wanted_fingerprint, _ = self._parse_request(session, request, True)
        for row in reversed(candidates):
            old = self.parsed(session, row.schema_id)
            if old.schema_type != wanted.schema_type:
                continue
            fingerprint, _ = identity(
                old.schema_type,
                self.normalized_canonical(session, row.schema_id),
                old.references,
                request.metadata,
                request.ruleset,
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
                parsed, _, _ = self._parse_request(session, request, normalize or config.normalize)
            except InvalidSchemaError as error:
                if verbose:
                    return CompatibilityResult(False, [error.message])
                raise
            previous = [(row.version, self.parsed(session, row.schema_id)) for row in compared]
            level = config.level
            if version is not None and level.transitive:
                level = CompatibilityLevel(level.value.removesuffix("_TRANSITIVE"))
            issues = compat.check(parsed, previous, level, config.policy)
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
        self, prefix: str = "", *, deleted: bool = False, deleted_only: bool = False
    ) -> list[str]:
        with read_session(self.engine) as session:
            summary = store.subjects_summary(session)
        return [
            subject
            for subject, has_live in summary
            if subject.startswith(prefix)
            and ((not has_live) if deleted_only else (has_live or deleted))
        ]

    def versions(
        self, subject: str, *, deleted: bool = False, deleted_only: bool = False
    ) -> list[VersionRecord]:
        with read_session(self.engine) as session:
            rows = store.versions_of(session, subject)
        if deleted_only:
            chosen = [row for row in rows if row.deleted]
        elif deleted:
            chosen = rows
        else:
            chosen = _live(rows)
        if not chosen and not (deleted_only and rows):
            raise SubjectNotFoundError(subject)
        return chosen

    def version(self, subject: str, version: int, *, deleted: bool = False) -> SubjectVersion:
        with read_session(self.engine) as session:
            return self._subject_version(
                session, self._find_version(session, subject, version, deleted)
            )

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
            row = self._find_version(session, subject, version, deleted=True)
            return store.referencing_schema_ids(session, subject, row.version)

    def all_schemas(
        self, prefix: str = "", *, deleted: bool = False, latest_only: bool = False
    ) -> list[SubjectVersion]:
        with read_session(self.engine) as session:
            rows = [r for r in store.all_versions(session, prefix) if deleted or not r.deleted]
            if latest_only:
                latest: dict[str, VersionRecord] = {}
                for row in rows:
                    latest[row.subject] = row
                rows = list(latest.values())
            return [self._subject_version(session, row) for row in rows]

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
        wanted = sorted(set(schema_ids))
        found: dict[int, StoredSchema] = {}
        with read_session(self.engine) as session:
            # Chunks keep each IN list far below every backend's parameter limit.
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = select(SchemaRow).where(col(SchemaRow.id).in_(chunk))
                found.update((row.id, store.to_stored(row)) for row in session.exec(query))
        return found

    def parsed_by_id(self, schema_id: int) -> ParsedSchema:
        """The parsed schema with ``schema_id`` (cached; schema contents never change)."""
        with read_session(self.engine) as session:
            return self.parsed(session, schema_id)

    def change_epoch(self) -> int:
        """A number that changes with every write, so readers can cache derived views."""
        return current_epoch(self.engine)
