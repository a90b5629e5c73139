"""Regular expressions written by users, and JSON Schema validation, in linear time only.

Python's ``re`` and jsonschema-rs's default engine (fancy-regex) backtrack: ``^(a+)+$`` against
``aaaa…!`` takes exponential time. Every ``pattern`` and ``patternProperties`` evcat evaluates
goes through the ``regex`` crate instead (jsonschema-rs ``RegexOptions``): an automaton whose
time is linear in the text. It has no lookaround and no backreferences, so schemas using them
are refused when registered, with a message saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

import jsonschema_rs

from evcat.limits import current

LINEAR = jsonschema_rs.RegexOptions()

_VALIDATORS: dict[str, Any] = {
    "draft-04": jsonschema_rs.Draft4Validator,
    "draft-06": jsonschema_rs.Draft6Validator,
    "draft-07": jsonschema_rs.Draft7Validator,
    "2019-09": jsonschema_rs.Draft201909Validator,
    "2020-12": jsonschema_rs.Draft202012Validator,
}


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be evaluated (too long, not ECMA-262, needs backtracking)."""
    limit = current().regex_max_length
    if len(pattern) > limit:
        return f"is longer than {limit} characters (EVCAT_REGEX_MAX_LENGTH)"
    if not _compiles(pattern):
        return (
            "is not valid ECMA-262 syntax, or uses lookaround or backreferences, which need "
            "a backtracking engine: evcat evaluates only linear-time patterns"
        )
    return None


@lru_cache(maxsize=4096)
def _compiles(pattern: str) -> bool:
    try:
        jsonschema_rs.validator_for({"pattern": pattern}, pattern_options=LINEAR)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def _search(pattern: str) -> Callable[[str], bool]:
    validator = jsonschema_rs.validator_for({"pattern": pattern}, pattern_options=LINEAR)
    return lambda text: bool(validator.is_valid(text))


def matcher(pattern: str) -> Callable[[str], bool] | None:
    """A linear-time search for ``pattern`` (JSON Schema semantics), or None if it cannot be
    evaluated."""
    return None if pattern_problem(pattern) is not None else _search(pattern)


def search(pattern: str, text: str) -> bool:
    """Does ``pattern``, built by evcat itself (any length), match somewhere in ``text``?"""
    return _search(pattern)(text)


def literal(text: str) -> str:
    """``text`` as a pattern matching itself: each punctuation mark in a character class."""
    out = []
    for char in text:
        if char.isalnum() or char == "_":
            out.append(char)
        else:
            out.append("[\\" + char + "]" if char in "\\]^-[" else f"[{char}]")
    return "".join(out)


class ParsedModel(Protocol):
    """What ``validator`` reads of a parsed document (``format.JsonSchemaModel``); a protocol
    so that this module, which ``format`` imports, does not import it back."""

    @property
    def document(self) -> Any: ...
    @property
    def draft(self) -> Any: ...
    @property
    def registry(self) -> Any: ...
    @property
    def base_uri(self) -> str: ...


def validator(model: ParsedModel) -> Any:
    """A jsonschema-rs validator of ``model`` (its draft, its references), patterns linear.

    Formats are annotations only, as in the registry's own checks.
    """
    resources = [
        (uri, model.registry[uri].contents)
        for uri in model.registry
        if uri and not uri.startswith(("http://json-schema.org/", "https://json-schema.org/"))
    ]
    cls = _VALIDATORS[model.draft.name]
    return cls(
        model.document,
        registry=jsonschema_rs.Registry(resources) if resources else None,
        base_uri=model.base_uri or None,
        validate_formats=False,
        pattern_options=LINEAR,
    )


def first_error(validator: Any, instance: Any) -> str | None:
    """The first reason ``instance`` is invalid, as ``$.path: message``, or None."""
    error = next(iter(validator.iter_errors(instance)), None)
    if error is None:
        return None
    path = "$" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.instance_path
    )
    return f"{path}: {error.message}"
