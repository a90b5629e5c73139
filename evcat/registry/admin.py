"""Deletes, config and mode changes: the registry's administrative writes."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

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


def _referenced(
    session: Session, subject: str, version: int, *, live_only: bool, ignore_subject: bool
) -> bool:
    """Does a schema (held by a live version, if ``live_only``) reference subject-version?"""
    referencing = store.referencing_schema_ids(session, subject, version)
    holders = (store.live_holders if live_only else store.any_holders)(session, referencing)
    return any(not (ignore_subject and holder.subject == subject) for holder in holders)


def delete_version(registry: Registry, subject: str, version: int, *, permanent: bool) -> int:
    """Soft-delete a live version, or permanently delete a soft-deleted one."""
    removed: list[int] = []
    with write_session(registry.engine) as session:
        policy.refuse_if_read_only(session, subject)
        rows = store.versions_of(session, subject)
        if not rows:
            raise SubjectNotFoundError(subject)
        row = _pick(rows, version, permanent)
        if not permanent:
            if row.deleted:
                raise VersionSoftDeletedError(subject, row.version)
            if _referenced(session, subject, row.version, live_only=True, ignore_subject=False):
                raise ReferenceExistsError(subject, row.version)
            store.mark_deleted(session, subject, [row.version])
            return row.version
        if not row.deleted:
            raise VersionNotSoftDeletedError(subject, row.version)
        if _referenced(session, subject, row.version, live_only=False, ignore_subject=False):
            raise ReferenceExistsError(subject, row.version)
        store.remove_versions(session, subject, [row.version])
        removed.append(row.schema_id)
        if len(rows) == 1:
            store.delete_config(session, subject)
            store.delete_mode(session, subject)
    registry.forget(removed)
    return row.version


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


def delete_subject(registry: Registry, subject: str, *, permanent: bool) -> list[int]:
    """Soft-delete every live version, or permanently delete an already soft-deleted subject."""
    with write_session(registry.engine) as session:
        policy.refuse_if_read_only(session, subject)
        rows = store.versions_of(session, subject)
        if not rows:
            raise SubjectNotFoundError(subject)
        live = [row for row in rows if not row.deleted]
        if not permanent:
            if not live:
                raise SubjectSoftDeletedError(subject)
            for row in live:
                if _referenced(session, subject, row.version, live_only=True, ignore_subject=True):
                    raise ReferenceExistsError(subject, row.version)
            store.mark_deleted(session, subject, [row.version for row in live])
            return [row.version for row in live]
        if live:
            raise SubjectNotSoftDeletedError(subject)
        for row in rows:
            if _referenced(session, subject, row.version, live_only=False, ignore_subject=True):
                raise ReferenceExistsError(subject, row.version)
        versions = [row.version for row in rows]
        store.remove_versions(session, subject, versions)
        store.delete_config(session, subject)
        store.delete_mode(session, subject)
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


def set_config(registry: Registry, subject: str | None, update: dict[str, Any]) -> dict[str, Any]:
    """Merge ``update`` into the stored config; returns it in request form (``compatibility``)."""
    if subject:
        validate_subject(subject)
    with write_session(registry.engine) as session:
        policy.refuse_if_read_only(session, subject)
        key = subject or GLOBAL
        merged = policy.merge_config_update(store.get_config(session, key), update)
        store.put_config(session, key, merged)
    answer = {k: v for k, v in merged.items() if k != policy.LEVEL_KEY}
    if policy.LEVEL_KEY in merged:
        answer = {"compatibility": merged[policy.LEVEL_KEY]} | answer
    return answer


def delete_config(registry: Registry, subject: str | None) -> dict[str, Any]:
    """Remove a subject's (or the global) config; returns what was removed."""
    with write_session(registry.engine) as session:
        policy.refuse_if_read_only(session, subject)
        key = subject or GLOBAL
        config = store.get_config(session, key)
        if config is None:
            if subject:
                raise SubjectNotFoundError(subject)
            config = {policy.LEVEL_KEY: registry.settings.default_compatibility}
        store.delete_config(session, key)
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


def set_mode(registry: Registry, subject: str | None, mode_value: object, *, force: bool) -> str:
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
        store.put_mode(session, subject or GLOBAL, mode)
    return mode


def delete_mode(registry: Registry, subject: str | None) -> str:
    with write_session(registry.engine) as session:
        key = subject or GLOBAL
        mode = store.get_mode(session, key)
        if mode is None:
            if subject:
                raise SubjectNotFoundError(subject)
            mode = policy.READWRITE
        store.delete_mode(session, key)
        return mode
