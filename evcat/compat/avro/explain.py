"""Words for Avro findings: Confluent-shaped descriptions and a concrete fix for each.

The description is the sentence Confluent's registry prints for the error type, so people who
know Confluent's answers recognise evcat's; it is filled in with the roles of the two schemas.
The fix names the schema that has to change: the reader when it is the new schema, otherwise
the new writer, since the old schema is already registered and cannot be edited.
"""

from __future__ import annotations

from collections.abc import Callable

from evcat.compat.avro.rules import (
    FIXED_SIZE_MISMATCH,
    MISSING_ENUM_SYMBOLS,
    MISSING_UNION_BRANCH,
    NAME_MISMATCH,
    READER_FIELD_MISSING_DEFAULT_VALUE,
    TYPE_MISMATCH,
    Finding,
    promotable_readers,
    promotable_writers,
)
from evcat.compat.base import Incompatibility

Facts = tuple[str, ...]


def explain(finding: Finding, reader_role: str, writer_role: str) -> Incompatibility:
    """The incompatibility a finding stands for, worded for ``reader_role``/``writer_role``."""
    path = finding.path or "/"
    return Incompatibility(
        rule=finding.rule,
        path=path,
        message=_describe(finding, path, reader_role, writer_role),
        fix=_fix(finding, reader_role, writer_role),
        additional_info=finding.info,
    )


_DESCRIPTIONS = {
    READER_FIELD_MISSING_DEFAULT_VALUE: (
        "The field '{info}' at path '{path}' in the {reader} schema has no default value and "
        "is missing in the {writer} schema"
    ),
    TYPE_MISMATCH: (
        "The type (path '{path}') of a field in the {reader} schema does not match with the "
        "{writer} schema"
    ),
    NAME_MISMATCH: "The name of the schema has changed (path '{path}')",
    MISSING_UNION_BRANCH: (
        "The {reader} schema is missing a type inside a union field at path '{path}' in the "
        "{writer} schema"
    ),
    MISSING_ENUM_SYMBOLS: (
        "The {reader} schema is missing enum symbols '{info}' at path '{path}' in the {writer} "
        "schema"
    ),
    FIXED_SIZE_MISMATCH: (
        "The size of FIXED type field at path '{path}' in the {reader} schema does not match "
        "with the {writer} schema"
    ),
}


def _describe(finding: Finding, path: str, reader: str, writer: str) -> str:
    template = _DESCRIPTIONS[finding.rule]
    return template.format(info=finding.info, path=path, reader=reader, writer=writer)


def _fix(finding: Finding, reader: str, writer: str) -> str:
    # Backward checks put the new schema on the reading side; forward checks on the writing
    # side, where the old schema is fixed and only the new writer can still change.
    return _FIXES[finding.hint](finding.facts, reader != "old", reader, writer)


def _keep_field(name: str, reader: str, writer: str) -> str:
    return (
        f"keep the field '{name}' in the {writer} schema; the {reader} schema has no default for it"
    )


def _fix_missing_field(facts: Facts, edit_reader: bool, reader: str, writer: str) -> str:
    name, renamed = facts
    if edit_reader:
        return f"add alias '{renamed}' to '{name}'" if renamed else f"give '{name}' a default"
    if renamed:
        return (
            f"keep the name '{name}' instead of '{renamed}': the {reader} schema cannot see "
            f"aliases added in the {writer} schema"
        )
    return _keep_field(name, reader, writer)


def _fix_enum_field(facts: Facts, edit_reader: bool, reader: str, writer: str) -> str:
    name, enum = facts
    if edit_reader:
        return (
            f"give the field '{name}' a default; the default of enum '{enum}' only covers "
            "unknown symbols, not a missing field"
        )
    return _keep_field(name, reader, writer)


def _fix_type(facts: Facts, edit_reader: bool, reader: str, writer: str) -> str:
    reader_type, writer_type = facts
    if edit_reader:
        wider = promotable_readers(writer_type)
        extra = f", or a type Avro promotes it to: {_either(wider)}" if wider else ""
        return f"keep the type '{writer_type}'{extra}"
    narrower = promotable_writers(reader_type)
    extra = f", or a type Avro promotes to it: {_either(narrower)}" if narrower else ""
    return f"keep the type '{reader_type}' in the {writer} schema{extra}"


def _fix_name(facts: Facts, edit_reader: bool, reader: str, writer: str) -> str:
    reader_name, writer_name = facts
    if edit_reader:
        return f"add alias '{writer_name}' to '{reader_name}'"
    return (
        f"keep the name '{reader_name}' in the {writer} schema; an alias only helps the schema "
        "that reads"
    )


def _fix_union(facts: Facts, edit_reader: bool, reader: str, writer: str) -> str:
    (branch,) = facts
    if edit_reader:
        return f"make the union keep '{branch}'"
    return (
        f"stop writing '{branch}' in the {writer} schema: no branch of the {reader} union reads it"
    )


def _fix_symbols(facts: Facts, edit_reader: bool, reader: str, writer: str) -> str:
    enum, *symbols = facts
    listed = ", ".join(f"'{symbol}'" for symbol in symbols)
    noun = "symbol" if len(symbols) == 1 else "symbols"
    if edit_reader:
        return f"keep {noun} {listed} or give the enum '{enum}' a default"
    return (
        f"drop {noun} {listed} from the {writer} schema: the {reader} enum '{enum}' has no "
        "default to read unknown symbols as"
    )


def _fix_size(facts: Facts, edit_reader: bool, reader: str, writer: str) -> str:
    name, writer_size, reader_size = facts
    if edit_reader:
        return f"keep size {writer_size} for '{name}'"
    return f"keep size {reader_size} for '{name}' in the {writer} schema"


_FIXES: dict[str, Callable[[Facts, bool, str, str], str]] = {
    "missing_field": _fix_missing_field,
    "enum_field": _fix_enum_field,
    "type": _fix_type,
    "name": _fix_name,
    "union": _fix_union,
    "symbols": _fix_symbols,
    "size": _fix_size,
}


def _either(kinds: list[str]) -> str:
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
