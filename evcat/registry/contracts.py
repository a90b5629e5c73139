"""The shape of a data contract's parts: ``metadata`` and ``ruleSet``, on schemas and configs.

The registry keeps them as given and hands them back to every client that reads the schema;
Confluent's serdes build objects from them, and ``GET /subjects/{s}/metadata`` and the GDPR map
read ``properties`` and ``tags``. A wrong shape stored once would break each of those readers
later, so it is refused when it arrives. Unknown keys are kept, as Confluent keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

RULE_LISTS = ("migrationRules", "domainRules", "encodingRules")

Shape = tuple[str, Callable[[Any], bool]]


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def _string(value: Any) -> bool:
    return isinstance(value, str)


_METADATA: dict[str, Shape] = {
    "tags": (
        "an object mapping field paths to arrays of tags",
        lambda value: isinstance(value, dict) and all(_strings(tags) for tags in value.values()),
    ),
    "properties": ("an object of string values", _string_map),
    "sensitive": ("an array of strings", _strings),
}
_RULE: dict[str, Shape] = {
    "name": ("a string", _string),
    "doc": ("a string", _string),
    "kind": ("a string", _string),
    "mode": ("a string", _string),
    "type": ("a string", _string),
    "tags": ("an array of strings", _strings),
    "params": ("an object of string values", _string_map),
    "expr": ("a string", _string),
    "onSuccess": ("a string", _string),
    "onFailure": ("a string", _string),
    "disabled": ("true or false", lambda value: isinstance(value, bool)),
}


def metadata_problem(value: Any, where: str = "metadata") -> str | None:
    """What is wrong with a ``metadata`` object, or None when its shape is right."""
    if not isinstance(value, dict):
        return f"'{where}' must be a JSON object"
    return _fields_problem(value, _METADATA, where) or _storable_problem(value, where)


def ruleset_problem(value: Any, where: str = "ruleSet") -> str | None:
    """What is wrong with a ``ruleSet`` object, or None when its shape is right."""
    if not isinstance(value, dict):
        return f"'{where}' must be a JSON object"
    for key in RULE_LISTS:
        rules = value.get(key)
        if rules is None:
            continue
        if not isinstance(rules, list):
            return f"'{where}.{key}' must be an array of rules"
        for index, rule in enumerate(rules):
            place = f"{where}.{key}[{index}]"
            if not isinstance(rule, dict) or not isinstance(rule.get("name"), str):
                return f"'{place}' must be a rule: a JSON object with a string 'name'"
            found = _fields_problem(rule, _RULE, place)
            if found:
                return found
    return _storable_problem(value, where)


def _fields_problem(
    value: Mapping[str, Any], shapes: Mapping[str, Shape], where: str
) -> str | None:
    for key, (shape, fits) in shapes.items():
        given = value.get(key)
        if given is not None and not fits(given):
            return f"'{where}.{key}' must be {shape}, not {given!r:.80}"
    return None


def _storable_problem(value: Any, where: str) -> str | None:
    """Stored and fingerprinted as JSON by orjson, which stops at 64-bit integers."""
    try:
        orjson.dumps(value)
    except TypeError:
        return f"'{where}' holds a number beyond 64 bits; send it as a string"
    return None


# -- merging: how a registration's metadata and rule set are completed ----------------------

CONTRACT_DEFAULTS = ("defaultMetadata", "defaultRuleSet")
CONTRACT_OVERRIDES = ("overrideMetadata", "overrideRuleSet")
_MAPS = ("tags", "properties")
_SETS = ("sensitive",)


def merge_metadata(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """``new`` over ``old``: per path and per property the newer wins; sensitive names add up."""
    if old is None or new is None:
        chosen = new if old is None else old
        return None if chosen is None else dict(chosen)
    merged = dict(old) | dict(new)
    for key in _MAPS:
        before, after = old.get(key) or {}, new.get(key) or {}
        if before and after:
            merged[key] = dict(before) | dict(after)
        elif before or after:
            merged[key] = dict(before or after)
    for key in _SETS:
        before, after = old.get(key) or [], new.get(key) or []
        if before and after:
            merged[key] = sorted(set(before) | set(after))
        elif before or after:
            merged[key] = list(before or after)
    return merged


def merge_ruleset(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """``new`` over ``old``, list by list: a newer rule replaces the older rule of its name."""
    if old is None or new is None:
        chosen = new if old is None else old
        return None if chosen is None else dict(chosen)
    merged = dict(old) | dict(new)
    for key in RULE_LISTS:
        before, after = old.get(key) or [], new.get(key) or []
        if before and after:
            replaced = {rule["name"] for rule in after}
            merged[key] = [rule for rule in before if rule["name"] not in replaced] + list(after)
        elif before or after:
            merged[key] = list(before or after)
    return merged


def is_empty(value: Mapping[str, Any] | None) -> bool:
    """No metadata (or rule set) at all, or one whose every part is empty: the same schema."""
    return not value or not any(value.values())


def completed(
    config: Mapping[str, Any],
    metadata: dict[str, Any] | None,
    ruleset: dict[str, Any] | None,
    previous_metadata: dict[str, Any] | None,
    previous_ruleset: dict[str, Any] | None,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The metadata and rule set a registration stores, as Confluent 7.4 and later decide them.

    A request without its own (``None``, not an empty object) keeps the previous version's;
    then the config's defaults go under it and its overrides over it.
    """
    specific_metadata = previous_metadata if metadata is None else metadata
    specific_ruleset = previous_ruleset if ruleset is None else ruleset
    merged_metadata = merge_metadata(
        merge_metadata(config.get("defaultMetadata"), specific_metadata),
        config.get("overrideMetadata"),
    )
    merged_ruleset = merge_ruleset(
        merge_ruleset(config.get("defaultRuleSet"), specific_ruleset),
        config.get("overrideRuleSet"),
    )
    return (
        None if is_empty(merged_metadata) else merged_metadata,
        None if is_empty(merged_ruleset) else merged_ruleset,
    )


def has_defaults_or_overrides(config: Mapping[str, Any]) -> bool:
    """Does the config add metadata or rules to every registration?"""
    return any(config.get(key) for key in (*CONTRACT_DEFAULTS, *CONTRACT_OVERRIDES))


def property_of(metadata: Mapping[str, Any] | None, name: str) -> str | None:
    """One ``metadata.properties`` value, or None."""
    properties = (metadata or {}).get("properties") or {}
    value = properties.get(name)
    return value if isinstance(value, str) else None
