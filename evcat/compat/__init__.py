"""Compatibility: may a new schema follow the old ones, and if not, exactly why not.

Pure functions over ``ParsedSchema``: no web framework, no database.
"""

from evcat.compat.base import Incompatibility
from evcat.compat.levels import LEVELS, CompatibilityLevel, check, parse_level

__all__ = ["LEVELS", "CompatibilityLevel", "Incompatibility", "check", "parse_level"]
