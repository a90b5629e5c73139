"""Deletes, config and mode changes: the registry's administrative writes."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from evcat.audit import ANONYMOUS, Actor, record, resources
from evcat.db import read_session, write_session
from evcat.errors import (
    OperationNotPermittedError,
    ReferenceExistsError,
    SubjectConfigNotFoundError,
    SubjectModeNotFoundError,
    SubjectNotFoundError,
    SubjectNotSoftDeletedError,
    SubjectSoftDeletedError,
    VersionNotFoundError,
    VersionNotSoftDeletedError,
    VersionSoftDeletedError,
)
from evcat.registry import policy, store
from evcat.registry.models import GLOBAL
from evcat.registry.rules import LATEST, validate_subject
from evcat.registry.service import Registry
from evcat.registry.store import VersionRecord


def _referenced(session: Session, subject: str, version: int, *, by_others: bool = False) -> bool:
    """Does a live version hold a schema referencing subject-version (in another subject)?"""
    besides = subject if by_others else None
    return bool(store.live_referrers(session, subject, version, besides=besides))


def delete_version(
    registry: Registry, subject: str, version: int, *, permanent: bool, actor: Actor = ANONYMOUS
) -> int:
    """Soft-delete a live version, or permanently delete a soft-deleted one."""
    removed: list[int] = []
    with write_session(registry.engine) as session:
        subject = policy.aliased(session, subject)
        policy.refuse_if_read_only(session, subject)
        rows = store.versions_of(session, subject)
        if not rows:
            raise SubjectNotFoundError(subject)
        row = _pick(rows, version, permanent)
        if not permanent:
            if row.deleted:
                raise VersionSoftDeletedError(subject, row.version)
            if _referenced(session, subject, row.version):
                raise ReferenceExistsError(subject, row.version)
            store.mark_deleted(session, subject, [row.version])
            _audit_version(session, actor, row, permanent=False)
            return row.version
        if not row.deleted:
            raise VersionNotSoftDeletedError(subject, row.version)
        if _referenced(session, subject, row.version):
            raise ReferenceExistsError(subject, row.version)
        store.remove_versions(session, subject, [row.version])
        removed.append(row.schema_id)
        if len(rows) == 1:
            store.delete_config(session, subject)
            store.delete_mode(session, subject)
        _audit_version(session, actor, row, permanent=True)
    registry.forget(removed)
    return row.version


def _audit_version(session: Session, actor: Actor, row: VersionRecord, *, permanent: bool) -> None:
    """A version's soft delete (``deleted`` becomes true) or hard delete (it is gone)."""
    before = {"version": row.version, "id": row.schema_id, "deleted": row.deleted}
    after = None if permanent else before | {"deleted": True}
    action = "version.hard-delete" if permanent else "version.soft-delete"
    record(session, actor, action, resources.subject(row.subject), before=before, after=after)


def _pick(rows: list[VersionRecord], version: int, permanent: bool) -> VersionRecord:
    if version == LATEST:
        live = [r for r in rows if not r.deleted]
        candidates = live or (rows if permanent else [])
        if not candidates:
            raise VersionNotFoundError(version)
        return candidates[-1]
    row = next((r for r in rows if r.version == version), None)
    if row is None:
        raise VersionNotFoundError(version)
    return row


def delete_subject(
    registry: Registry, subject: str, *, permanent: bool, actor: Actor = ANONYMOUS
) -> list[int]:
    """Soft-delete every live version, or permanently delete an already soft-deleted subject."""
    with write_session(registry.engine) as session:
        subject = policy.aliased(session, subject)
        policy.refuse_if_read_only(session, subject)
        rows = store.versions_of(session, subject)
        if not rows:
            raise SubjectNotFoundError(subject)
        live = [row for row in rows if not row.deleted]
        if not permanent:
            if not live:
                raise SubjectSoftDeletedError(subject)
            for row in live:
                if _referenced(session, subject, row.version, by_others=True):
                    raise ReferenceExistsError(subject, row.version)
            deleted = [row.version for row in live]
            store.mark_deleted(session, subject, deleted)
            record(
                session,
                actor,
                "subject.soft-delete",
                resources.subject(subject),
                before={"live_versions": deleted},
                after={"live_versions": []},
            )
            return deleted
        if live:
            raise SubjectNotSoftDeletedError(subject)
        for row in rows:
            if _referenced(session, subject, row.version, by_others=True):
                raise ReferenceExistsError(subject, row.version)
        versions = [row.version for row in rows]
        store.remove_versions(session, subject, versions)
        store.delete_config(session, subject)
        store.delete_mode(session, subject)
        record(
            session,
            actor,
            "subject.hard-delete",
            resources.subject(subject),
            before={"versions": versions},
        )
    registry.forget([row.schema_id for row in rows])
    return versions


# -- config ------------------------------------------------------------------------------


def get_config(
    registry: Registry, subject: str | None, *, default_to_global: bool
) -> dict[str, Any]:
    """Stored config (``compatibilityLevel`` key); 40408 for a subject without its own."""
    with read_session(registry.engine) as session:
        if subject and not default_to_global:
            config = store.get_config(session, subject)
            if config is None:
                raise SubjectConfigNotFoundError(subject)
            return config
        effective = policy.effective_config(
            session, subject, registry.settings.default_compatibility
        )
        return effective.fields | {policy.LEVEL_KEY: effective.level.value}


def set_config(
    registry: Registry, subject: str | None, update: dict[str, Any], *, actor: Actor = ANONYMOUS
) -> dict[str, Any]:
    """Merge ``update`` into the stored config; returns it in request form (``compatibility``).

    An empty update changes nothing and answers the current config, as Confluent 8 does.
    """
    if subject:
        validate_subject(subject)
    if not update:
        with read_session(registry.engine) as session:
            if subject:
                return _request_form(store.get_config(session, subject) or {})
            effective = policy.effective_config(
                session, None, registry.settings.default_compatibility
            )
            return _request_form(effective.fields | {policy.LEVEL_KEY: effective.level.value})
    with write_session(registry.engine) as session:
        policy.refuse_if_read_only(session, subject)
        key = subject or GLOBAL
        stored = store.get_config(session, key)
        merged = policy.merge_config_update(stored, update)
        if merged != stored:
            store.put_config(session, key, merged)
            record(
                session,
                actor,
                "config.set",
                resources.config(subject),
                before=stored,
                after=merged,
            )
    return _request_form(merged)


def _request_form(config: dict[str, Any]) -> dict[str, Any]:
    """A stored config as PUT answers it: the level under ``compatibility``, first."""
    answer = {k: v for k, v in config.items() if k != policy.LEVEL_KEY}
    if policy.LEVEL_KEY in config:
        answer = {"compatibility": config[policy.LEVEL_KEY]} | answer
    return answer


def delete_config(
    registry: Registry, subject: str | None, *, actor: Actor = ANONYMOUS
) -> dict[str, Any]:
    """Remove a subject's (or the global) config; returns what was removed."""
    with write_session(registry.engine) as session:
        policy.refuse_if_read_only(session, subject)
        key = subject or GLOBAL
        config = store.get_config(session, key)
        if config is None:
            if subject:
                raise SubjectNotFoundError(subject)
            return {policy.LEVEL_KEY: registry.settings.default_compatibility}
        store.delete_config(session, key)
        record(session, actor, "config.delete", resources.config(subject), before=config)
        return config


# -- mode --------------------------------------------------------------------------------


def get_mode(registry: Registry, subject: str | None, *, default_to_global: bool) -> str:
    with read_session(registry.engine) as session:
        if subject and not default_to_global:
            mode = store.get_mode(session, subject)
            if mode is None:
                raise SubjectModeNotFoundError(subject)
            return mode
        return policy.effective_mode(session, subject)


def set_mode(
    registry: Registry,
    subject: str | None,
    mode_value: object,
    *,
    force: bool,
    actor: Actor = ANONYMOUS,
) -> str:
    """Change a mode; IMPORT needs an empty scope unless ``force``."""
    mode = policy.parse_mode(mode_value)
    if subject:
        validate_subject(subject)
    with write_session(registry.engine) as session:
        if mode == policy.IMPORT and not force:
            if subject:
                scope = [row for row in store.versions_of(session, subject) if not row.deleted]
            else:
                scope = [row for row in store.all_versions(session) if not row.deleted]
            if scope:
                raise OperationNotPermittedError(
                    "Cannot import since found existing subjects: delete them first or "
                    "pass force=true"
                )
        stored = store.get_mode(session, subject or GLOBAL)
        if stored != mode:
            store.put_mode(session, subject or GLOBAL, mode)
            after: dict[str, Any] = {"mode": mode}
            if force:
                after["force"] = True
            record(
                session,
                actor,
                "mode.set",
                resources.mode(subject),
                before=None if stored is None else {"mode": stored},
                after=after,
            )
    return mode


def delete_mode(registry: Registry, subject: str | None, *, actor: Actor = ANONYMOUS) -> str:
    with write_session(registry.engine) as session:
        key = subject or GLOBAL
        mode = store.get_mode(session, key)
        if mode is None:
            if subject:
                raise SubjectNotFoundError(subject)
            return policy.READWRITE
        store.delete_mode(session, key)
        record(session, actor, "mode.delete", resources.mode(subject), before={"mode": mode})
        return mode
