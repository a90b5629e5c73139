"""The JSON Schema dialects evcat reads (draft-04 to 2020-12) and where each nests subschemas."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from referencing import Specification
from referencing import jsonschema as dialects

# Keywords whose subschemas apply to the very value being validated (not to a part of it).
IN_PLACE = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"}
)
REF_KEYWORDS = ("$ref", "$recursiveRef", "$dynamicRef")

_COMBINATORS = frozenset({"allOf", "anyOf", "oneOf"})
_DRAFT4_SINGLE = frozenset({"additionalItems", "additionalProperties", "not", "items"})
_DRAFT4_MAPS = frozenset({"properties", "patternProperties", "definitions", "dependencies"})
_DRAFT7_SINGLE = _DRAFT4_SINGLE | {"contains", "propertyNames", "if", "then", "else"}
_DRAFT2019_SINGLE = _DRAFT7_SINGLE | {"unevaluatedItems", "unevaluatedProperties", "contentSchema"}
_DRAFT2019_MAPS = _DRAFT4_MAPS | {"$defs", "dependentSchemas"}


@dataclass(frozen=True, slots=True)
class Draft:
    """One JSON Schema dialect and the keywords under which it nests subschemas.

    ``single`` keywords hold one subschema, ``lists`` an array of them, ``maps`` an object of them.
    """

    name: str
    uri: str
    specification: Specification[Any]
    single: frozenset[str]
    lists: frozenset[str]
    maps: frozenset[str]

    @property
    def ref_overrides_siblings(self) -> bool:
        """Up to draft-07 a ``$ref`` makes every keyword beside it ignored."""
        return self.name in ("draft-04", "draft-06", "draft-07")


DRAFT4 = Draft(
    "draft-04",
    "http://json-schema.org/draft-04/schema#",
    dialects.DRAFT4,
    _DRAFT4_SINGLE,
    _COMBINATORS | {"items"},
    _DRAFT4_MAPS,
)
DRAFT6 = Draft(
    "draft-06",
    "http://json-schema.org/draft-06/schema#",
    dialects.DRAFT6,
    _DRAFT4_SINGLE | {"contains", "propertyNames"},
    _COMBINATORS | {"items"},
    _DRAFT4_MAPS,
)
DRAFT7 = Draft(
    "draft-07",
    "http://json-schema.org/draft-07/schema#",
    dialects.DRAFT7,
    _DRAFT7_SINGLE,
    _COMBINATORS | {"items"},
    _DRAFT4_MAPS,
)
DRAFT2019 = Draft(
    "2019-09",
    "https://json-schema.org/draft/2019-09/schema",
    dialects.DRAFT201909,
    _DRAFT2019_SINGLE,
    _COMBINATORS | {"items"},
    _DRAFT2019_MAPS,
)
DRAFT2020 = Draft(
    "2020-12",
    "https://json-schema.org/draft/2020-12/schema",
    dialects.DRAFT202012,
    _DRAFT2019_SINGLE - {"additionalItems"},
    _COMBINATORS | {"prefixItems"},
    _DRAFT2019_MAPS,
)
DRAFTS = (DRAFT4, DRAFT6, DRAFT7, DRAFT2019, DRAFT2020)


def _uri_key(uri: str) -> str:
    # Writers disagree on the scheme and on the empty fragment; neither changes the dialect.
    return uri.strip().removesuffix("#").removeprefix("https://").removeprefix("http://")


_BY_URI = {_uri_key(draft.uri): draft for draft in DRAFTS}


def draft_for(uri: str) -> Draft | None:
    """The dialect a ``$schema`` value names, or None for an unknown one."""
    return _BY_URI.get(_uri_key(uri))


def escape(key: str) -> str:
    """``key`` as one JSON-pointer segment."""
    return key.replace("~", "~0").replace("/", "~1")


def join(path: str, suffix: str) -> str:
    """``suffix`` appended to the pointer-like ``path`` (``#/`` is the root)."""
    return f"{path.rstrip('/')}/{suffix}"


def subschemas(node: Any, draft: Draft) -> Iterator[tuple[str, Any, bool]]:
    """``(path suffix, subschema, applies in place)`` for each subschema directly in ``node``."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in draft.single and isinstance(value, dict | bool):
            yield escape(key), value, key in IN_PLACE
        elif key in draft.lists and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict | bool):
                    yield f"{escape(key)}/{index}", item, key in IN_PLACE
        elif key in draft.maps and isinstance(value, dict):
            for name, item in value.items():
                if isinstance(item, dict | bool):
                    yield f"{escape(key)}/{escape(name)}", item, key in IN_PLACE
