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
