"""What a new version is checked against: which earlier versions, under which level.

A registration and ``POST /compatibility/...`` run the same checks. With config
``validateFields`` on, the reserved fields of the new schema's metadata and of the latest
compared version come first (``registry.reserved``), whatever the level. With config
``compatibilityGroup`` naming a metadata property, only versions whose value of that property
equals the new schema's (both may lack it) are compared: a subject can hold several
independently evolving lines, such as one per major version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlmodel import Session

from evcat import compat
from evcat.compat import CompatibilityLevel, Incompatibility
from evcat.formats import ParsedSchema
from evcat.registry import store
from evcat.registry.contracts import property_of
from evcat.registry.policy import EffectiveConfig
from evcat.registry.reserved import reserved_field_issues
from evcat.registry.store import VersionRecord

ParsedOf = Callable[[int], ParsedSchema]
Previous = list[tuple[int, ParsedSchema]]


def in_group(
    session: Session,
    compared: Sequence[VersionRecord],
    group: str | None,
    metadata: Mapping[str, Any] | None,
) -> list[VersionRecord]:
    """The versions of ``compared`` in the new schema's compatibility group (all without one)."""
    if not group or not compared:
        return list(compared)
    value = property_of(metadata, group)
    held = store.schema_metadata(session, {row.schema_id for row in compared})
    return [row for row in compared if property_of(held.get(row.schema_id), group) == value]


def compatibility_issues(
    session: Session,
    new: ParsedSchema,
    metadata: Mapping[str, Any] | None,
    compared: Sequence[VersionRecord],
    config: EffectiveConfig,
    level: CompatibilityLevel,
    parsed_of: ParsedOf,
) -> tuple[list[Incompatibility], Previous]:
    """Every incompatibility of ``new`` (with ``metadata``) with the ``compared`` live versions.

    Returns the issues and the previous versions they were checked against (oldest first), which
    the 409 message quotes. Only the versions the level looks at are parsed.
    """
    issues: list[Incompatibility] = []
    if config.fields.get("validateFields") is True:
        latest = compared[-1] if compared else None
        held = store.schema_metadata(session, [latest.schema_id]) if latest else {}
        latest_metadata = held.get(latest.schema_id) if latest else None
        issues += reserved_field_issues(new, metadata, latest_metadata, has_latest=bool(latest))
    if level is CompatibilityLevel.NONE:
        return issues, []
    candidates = in_group(session, compared, config.fields.get("compatibilityGroup"), metadata)
    if not level.transitive:
        candidates = candidates[-1:]
    previous = [(row.version, parsed_of(row.schema_id)) for row in candidates]
    return issues + compat.check(new, previous, level, config.policy), previous
