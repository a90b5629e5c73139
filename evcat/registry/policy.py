"""Compatibility config and modes: storage shape, validation, and effective values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from evcat.compat import CompatibilityLevel, parse_level
from evcat.compat.base import LENIENT, STRICT
from evcat.errors import InvalidModeError, OperationNotPermittedError, UnprocessableError
from evcat.registry import store
from evcat.registry.contracts import metadata_problem, ruleset_problem
from evcat.registry.models import GLOBAL

READWRITE = "READWRITE"
READONLY = "READONLY"
READONLY_OVERRIDE = "READONLY_OVERRIDE"
IMPORT = "IMPORT"
MODES = (READWRITE, READONLY, READONLY_OVERRIDE, IMPORT)

LEVEL_KEY = "compatibilityLevel"


def _boolean(value: Any, key: str) -> str | None:
    return None if isinstance(value, bool) else f"'{key}' must be true or false, not {value!r:.80}"


def _string(value: Any, key: str) -> str | None:
    return None if isinstance(value, str) else f"'{key}' must be a string, not {value!r:.80}"


# Config fields kept as given; Confluent clients send and read them back verbatim, so each
# must have the type those clients read (a "false" string would turn ``normalize`` on).
PASSTHROUGH_FIELDS: dict[str, Callable[[Any, str], str | None]] = {
    "alias": _string,
    "normalize": _boolean,
    "validateFields": _boolean,
    "validateRules": _boolean,
    "compatibilityGroup": _string,
    "defaultMetadata": metadata_problem,
    "overrideMetadata": metadata_problem,
    "defaultRuleSet": ruleset_problem,
    "overrideRuleSet": ruleset_problem,
}
POLICIES = (STRICT, LENIENT, "LOGICAL")


@dataclass(frozen=True)
class EffectiveConfig:
    level: CompatibilityLevel
    policy: str
    normalize: bool
    fields: dict[str, Any]


def merge_config_update(current: dict[str, Any] | None, update: dict[str, Any]) -> dict[str, Any]:
    """Apply a PUT body: present keys replace, JSON null clears, absent keys keep their value."""
    merged = dict(current or {})
    for key in ("compatibility", LEVEL_KEY):
        if key in update:
            value = update[key]
            if value is None:
                merged.pop(LEVEL_KEY, None)
            else:
                merged[LEVEL_KEY] = parse_level(value).value
    if "compatibilityPolicy" in update:
        policy = update["compatibilityPolicy"]
        if policy is None:
            merged.pop("compatibilityPolicy", None)
        elif not isinstance(policy, str) or policy.upper() not in POLICIES:
            raise UnprocessableError(
                f"Invalid compatibilityPolicy {policy!r}; use one of {', '.join(POLICIES)}"
            )
        else:
            merged["compatibilityPolicy"] = policy.upper()
    for key, problem_of in PASSTHROUGH_FIELDS.items():
        if key in update:
            if update[key] is None or (key == "alias" and update[key] == ""):
                merged.pop(key, None)
                continue
            problem = problem_of(update[key], key)
            if problem:
                raise UnprocessableError(f"Invalid config: {problem}")
            merged[key] = update[key]
    return merged


def aliased(session: Session, subject: str) -> str:
    """The subject ``subject`` stands for when its own config names an ``alias``, else itself.

    One step only, as Confluent resolves it: an alias of an alias is not followed.
    """
    alias = (store.get_config(session, subject) or {}).get("alias")
    return alias if isinstance(alias, str) and alias else subject


def effective_config(session: Session, subject: str | None, default_level: str) -> EffectiveConfig:
    """Subject config over global config over the server default, field by field."""
    merged = dict(store.get_config(session, GLOBAL) or {})
    if subject:
        merged |= store.get_config(session, subject) or {}
    level = parse_level(merged.get(LEVEL_KEY, default_level))
    return EffectiveConfig(
        level=level,
        policy=str(merged.get("compatibilityPolicy", STRICT)),
        normalize=bool(merged.get("normalize", False)),
        fields=merged,
    )


def parse_mode(value: object) -> str:
    if isinstance(value, str) and value.upper() in MODES:
        return value.upper()
    raise InvalidModeError(value)


def effective_mode(session: Session, subject: str | None) -> str:
    """Subject mode over global mode over READWRITE; a global READONLY_OVERRIDE wins."""
    global_mode = store.get_mode(session, GLOBAL) or READWRITE
    if global_mode == READONLY_OVERRIDE or not subject:
        return global_mode
    return store.get_mode(session, subject) or global_mode


def refuse_if_read_only(session: Session, subject: str | None, what: str = "") -> None:
    """42205 when ``subject`` (or, without one, the registry) is READONLY or READONLY_OVERRIDE.

    Every write path calls it inside its own transaction: registrations and deletes, and also
    config, catalog apply, GDPR overlays, tag maps, retention policies and upcasters.
    """
    if effective_mode(session, subject) in (READONLY, READONLY_OVERRIDE):
        target = f"Subject {subject}" if subject else "The registry"
        suffix = f"; {what} refused" if what else ""
        raise OperationNotPermittedError(f"{target} is in read-only mode{suffix}")
