"""The published JSON Schemas of the JSON reports (``docs/gdpr-*.schema.json``).

Built from the column lists so a new column cannot be left out of the schema; a test checks
the files under ``docs/`` equal these and that every JSON output validates against them.
"""

from __future__ import annotations

from typing import Any, get_args

from evcat.catalog.spec import Transformation
from evcat.gdpr import erasure, where
from evcat.gdpr.vocabulary import KEEPS, PROTECTIONS, PROTECTS

_STR: dict[str, Any] = {"type": "string"}
_OPT_STR: dict[str, Any] = {"type": ["string", "null"]}
_STRS: dict[str, Any] = {"type": "array", "items": _STR}
_BASE = "https://evcat.dev/schemas/"
# The catalog's transformations that neither keep nor protect a category end its lineage.
_ENDING = sorted(set(get_args(Transformation)) - KEEPS - set(PROTECTS))


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
        "additionalProperties": False,
    }


def where_schema() -> dict[str, Any]:
    """JSON Schema of ``evcat gdpr where --output json`` and ``GET /v1/gdpr/where``."""
    row: dict[str, Any] = {c: _OPT_STR for c in where.COLUMNS}
    row.update(
        category=_STR,
        kind={"enum": ["field", "producer", "channel", "consumer", "store", "recipient"]},
        id=_STR,
        event=_STR,
        field=_STR,
        provenance={"enum": ["direct", "propagated"]},
        protection={"enum": list(PROTECTIONS)},
        subject_types=_STRS,
        hops={"type": "array", "items": _STR, "minItems": 1},
    )
    stop = _obj(
        {
            "category": _STR,
            "event": _STR,
            "field": _STR,
            "service": _STR,
            # The catalog's transformations that neither keep nor protect a category end it.
            "transformation": {
                "enum": sorted(set(get_args(Transformation)) - KEEPS - set(PROTECTS))
            },
            "to_event": _STR,
            "to_field": _STR,
            "hops": _STRS,
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _BASE + "gdpr-where.schema.json",
        "title": "evcat GDPR where report",
        **_obj(
            {
                "report": {"const": "where"},
                "category": _STR,
                "subject_type": _OPT_STR,
                "rows": {"type": "array", "items": _obj(row)},
                "stopped": {"type": "array", "items": stop},
            }
        ),
    }


def erasure_schema() -> dict[str, Any]:
    """JSON Schema of ``evcat gdpr erasure --output json`` and ``GET /v1/gdpr/erasure``."""
    number = {"type": ["number", "null"]}
    row = _obj(
        {
            "kind": {"enum": ["channel", "store", "recipient"]},
            "id": _STR,
            "mechanism": {"enum": list(erasure.MECHANISMS)},
            "days": number,
            "meets_deadline": {"type": "boolean"},
            "detail": _STR,
            "events": _STRS,
            "fields": _STRS,
            "categories": _STRS,
            "owner": _OPT_STR,
            "contact": _OPT_STR,
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _BASE + "gdpr-erasure.schema.json",
        "title": "evcat GDPR erasure impact report",
        **_obj(
            {
                "report": {"const": "erasure"},
                "subject_type": _STR,
                "key": _STR,
                "deadline_days": {"type": "integer"},
                "blocked": {"type": "integer", "minimum": 0},
                "rows": {"type": "array", "items": row},
            }
        ),
    }


SCHEMAS = {"where": where_schema, "erasure": erasure_schema}
