"""The controlled vocabulary of the data map besides the categories: subject types,
identifiers, protections, the tag mapping, what each derivation does to a category, and the
nearest-match lookup behind "did you mean" hints.

The personal-data categories themselves are the catalog's (``evcat.catalog.categories``):
field declarations name them, and the catalog's CloudEvents classification reads them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

SUBJECT_TYPES = (
    "customer",
    "prospect",
    "employee",
    "job-applicant",
    "contractor",
    "patient",
    "child",
    "guardian",
    "member",
    "subscriber",
    "supplier",
    "visitor",
    "user",
)
IDENTIFIERS = ("direct", "indirect", "pseudonymous", "none")
PROTECTIONS = ("plain", "encrypted", "hashed", "tokenised", "redacted")
# Confluent's free tags become categories through this table; a steward refines them later.
DEFAULT_TAG_CATEGORIES: dict[str, str] = {"PII": "personal-data", "PHI": "health"}

# What each of the catalog's transformations (catalog.spec.Transformation) does to a category
# (Recital 26: pseudonymised data is personal data); the others end it.
KEEPS = frozenset({"copy", "derive"})
PROTECTS = {"hash": "hashed", "tokenise": "tokenised", "encrypt": "encrypted"}


def nearest(value: str, valid: Iterable[str], count: int = 3) -> list[str]:
    """The valid values closest to a misspelt one, best first.

    Each option is scored on its whole id and on each hyphenated word, so ``emal`` finds
    ``email-address`` although the whole ids differ in length.
    """
    wanted = value.lower()

    def score(option: str) -> float:
        parts = [option, *option.replace(".", "-").replace("_", "-").split("-")]
        return max(difflib.SequenceMatcher(None, wanted, p.lower()).ratio() for p in parts)

    scored = sorted(((score(o), o) for o in set(valid)), key=lambda item: (-item[0], item[1]))
    return [option for ratio, option in scored[:count] if ratio >= 0.6]
