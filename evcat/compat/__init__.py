"""Compatibility: may a new schema follow the old ones, and if not, exactly why not.

Owns the seven levels (``levels``), the finding type (``base``) and one checker per format
(``avro/``, ``jsonschema/``, ``protobuf/``). Pure functions over ``ParsedSchema``: no web
framework, no database. Imports ``evcat.formats`` and ``evcat.errors`` only.
"""

from evcat.compat.base import Incompatibility
from evcat.compat.levels import LEVELS, CompatibilityLevel, check, parse_level

__all__ = [
    "LEVELS",
    "CompatibilityLevel",
    "Incompatibility",
    "base",
    "check",
    "levels",
    "parse_level",
]
