"""Registration rules that need no cache: names, version numbers, modes, ids, 409 messages."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlmodel import Session

from evcat.compat import Incompatibility
from evcat.errors import (
    InvalidSchemaError,
    InvalidSubjectError,
    InvalidVersionError,
    OperationNotPermittedError,
)
from evcat.formats import ParsedSchema
from evcat.registry import policy, reserved, store
from evcat.registry.entities import SchemaRequest
from evcat.registry.store import VersionRecord

LATEST = -1
MAX_VERSION = 2**31 - 1
MAX_SCHEMA_ID = 2**31 - 1
RESERVED_SUBJECTS = ("__GLOBAL", "__EMPTY")
# Spaces, line breaks, controls, format characters (zero-width space), unassigned code points.
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Cs"})


def parse_version(value: str | int) -> int:
    """A version path segment: 1..2^31-1, ``latest`` or ``-1`` (both mean latest); else 42202."""
    if isinstance(value, int):
        number = value
    elif value == "latest":
        return LATEST
    elif is_decimal(value.removeprefix("-")):
        number = int(value)
    else:
        raise InvalidVersionError(value)
    if number == LATEST or 1 <= number <= MAX_VERSION:
        return number
    raise InvalidVersionError(str(value))


def is_decimal(text: str) -> bool:
    """ASCII digits only: ``int()`` would also take " 7", "7_0" and fullwidth digits."""
    return text.isascii() and text.isdigit()


def validate_subject(subject: str) -> None:
    if not any(unicodedata.category(ch) not in INVISIBLE_CATEGORIES for ch in subject):
        raise InvalidSubjectError(subject, "a subject needs at least one visible character")
    if subject in RESERVED_SUBJECTS:
        raise InvalidSubjectError(subject, "the name is reserved")
    if len(subject) > 1024:
        raise InvalidSubjectError(subject[:64] + "...", "use at most 1024 characters")
    if any(unicodedata.category(ch) == "Cc" for ch in subject):
        raise InvalidSubjectError(subject, "control characters are not allowed")


def check_mode_allows_registration(subject: str, mode: str, request: SchemaRequest) -> None:
    if mode in (policy.READONLY, policy.READONLY_OVERRIDE):
        raise OperationNotPermittedError(f"Subject {subject} is in read-only mode")
    if request.id is not None and request.id >= 0 and mode != policy.IMPORT:
        raise OperationNotPermittedError(
            f"Subject {subject} is not in import mode: drop the 'id' field, or switch the "
            "subject to IMPORT mode to register with explicit ids"
        )
    if (request.id is None or request.id < 0) and mode == policy.IMPORT:
        raise OperationNotPermittedError(
            f"Subject {subject} is not in read-write mode: in IMPORT mode every schema needs "
            "an explicit 'id'"
        )


def confluent_messages(
    issues: Sequence[Incompatibility],
    previous: Sequence[tuple[int, ParsedSchema]],
    config: policy.EffectiveConfig,
) -> list[str]:
    """Messages shaped like Confluent's: differences, then the old version and schema.

    Reserved-field problems are plain sentences in Confluent's answers, not difference records.
    """
    messages = [
        issue.message if issue.rule in reserved.RULES else issue.confluent_message()
        for issue in issues
    ]
    version = issues[-1].version
    old = next((schema for number, schema in previous if number == version), None)
    if version is not None and old is not None:
        messages.append(f"{{oldSchemaVersion: {version}}}")
        messages.append(f"{{oldSchema: '{old.canonical[:10240]}'}}")
    validate_fields = str(config.fields.get("validateFields", False)).lower()
    messages.append(
        f"{{validateFields: '{validate_fields}', compatibility: '{config.level.value}'}}"
    )
    return messages


def next_version(rows: Sequence[VersionRecord], request: SchemaRequest, mode: str) -> int:
    next_version = max((row.version for row in rows), default=0) + 1
    if request.version in (None, LATEST) and next_version > MAX_VERSION:
        # Reachable by importing version 2^31-1: no later number is a valid version.
        raise OperationNotPermittedError(
            f"The subject already has version {MAX_VERSION}, the largest version number; "
            "register this schema under another subject"
        )
    if request.version in (None, LATEST):
        return next_version
    assert request.version is not None
    if mode == policy.IMPORT:
        # Any version, gaps allowed; naming a taken one replaces what it holds, as Confluent 8's
        # import overwrites the subject-version key.
        if request.version < 1:
            raise InvalidSchemaError(f"Version {request.version} is not a valid version")
        return request.version
    if request.version != next_version:
        raise InvalidSchemaError(
            f"Version is not one more than previous version: the next version is {next_version}"
        )
    return next_version


def schema_id_for(
    session: Session, fingerprint: str, request: SchemaRequest, parsed: ParsedSchema
) -> int:
    if request.id is not None and request.id >= 0:
        existing = store.get_schema(session, request.id)
        if existing is not None and existing.fingerprint != fingerprint:
            raise OperationNotPermittedError(
                f"Overwrite new schema with id {request.id} in context . is not permitted: "
                "that id already holds a different schema"
            )
        if existing is None:
            store.allocate_schema_id(session, request.id)
        return request.id
    same_content = store.schema_ids_with_fingerprint(session, fingerprint)
    if same_content:
        return same_content[0]
    schema_id = store.allocate_schema_id(session)
    if schema_id > MAX_SCHEMA_ID:
        # Reachable by importing id 2^31-1; the transaction rolls the allocation back.
        raise OperationNotPermittedError(
            f"Schema ids are used up to {MAX_SCHEMA_ID}, the largest id; no new schema can be "
            "registered without an explicit 'id' (IMPORT mode) below it"
        )
    return schema_id


def tombstone_replaced(
    session: Session, subject: str, rows: Sequence[VersionRecord], schema_id: int
) -> None:
    """Soft-deleted versions holding the id being re-registered are removed for good."""
    stale = [
        row.version
        for row in rows
        if row.deleted
        and row.schema_id == schema_id
        and not store.referencing_schema_ids(session, subject, row.version)
    ]
    if stale:
        store.remove_versions(session, subject, stale)
