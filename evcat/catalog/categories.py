"""The personal-data categories a field may declare, broadest first.

Category ids follow the W3C Data Privacy Vocabulary's personal-data taxonomy (written here as
kebab-case ids), so exports stay interoperable with privacy tools that read DPV. Each category
names its broader category, so a report on ``contact`` also finds ``email-address``; the
special categories of GDPR Art. 9 are marked. Pure data and lookups: the catalog's CloudEvents
classification and the GDPR data map both read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One personal-data category: its id, a label, its broader category, Art. 9 or not."""

    id: str
    label: str
    parent: str | None
    special: bool = False


def _tree() -> tuple[Category, ...]:
    # (id, label, parent, special): the subset of DPV's pd: taxonomy an event catalog meets.
    rows: tuple[tuple[str, str, str | None, bool], ...] = (
        ("personal-data", "Personal data", None, False),
        ("identifying", "Identifying", "personal-data", False),
        ("name", "Name", "identifying", False),
        ("username", "Username", "identifying", False),
        ("official-id", "Official identifier", "identifying", False),
        ("passport-number", "Passport number", "official-id", False),
        ("national-id", "National identification number", "official-id", False),
        ("social-security-number", "Social security number", "official-id", False),
        ("tax-id", "Tax identifier", "official-id", False),
        ("contact", "Contact", "personal-data", False),
        ("email-address", "Email address", "contact", False),
        ("telephone-number", "Telephone number", "contact", False),
        ("postal-address", "Postal address", "contact", False),
        ("external", "External", "personal-data", False),
        ("demographic", "Demographic", "external", False),
        ("age", "Age", "demographic", False),
        ("date-of-birth", "Date of birth", "demographic", False),
        ("gender", "Gender", "demographic", False),
        ("nationality", "Nationality", "demographic", False),
        ("location", "Location", "external", False),
        ("physical-address", "Physical address", "location", False),
        ("gps-coordinates", "GPS coordinates", "location", False),
        ("financial", "Financial", "personal-data", False),
        ("bank-account", "Bank account", "financial", False),
        ("payment-card-number", "Payment card number", "financial", False),
        ("transaction", "Financial transaction", "financial", False),
        ("purchase", "Purchase", "financial", False),
        ("credit-score", "Credit score", "financial", False),
        ("tracking", "Tracking", "personal-data", False),
        ("device-id", "Device identifier", "tracking", False),
        ("ip-address", "IP address", "tracking", False),
        ("cookie", "Cookie", "tracking", False),
        ("behavioural", "Behavioural", "personal-data", False),
        ("browsing-behaviour", "Browsing behaviour", "behavioural", False),
        ("preference", "Preference", "behavioural", False),
        ("profiling", "Profile or score", "behavioural", False),
        ("professional", "Professional", "personal-data", False),
        ("employment-history", "Employment history", "professional", False),
        ("salary", "Salary", "professional", False),
        ("criminal", "Criminal offences (Art. 10)", "personal-data", False),
        ("special-category", "Special category (Art. 9)", "personal-data", True),
        ("racial-or-ethnic-origin", "Racial or ethnic origin", "special-category", True),
        ("political-opinion", "Political opinion", "special-category", True),
        ("religious-belief", "Religious belief", "special-category", True),
        ("philosophical-belief", "Philosophical belief", "special-category", True),
        ("trade-union-membership", "Trade union membership", "special-category", True),
        ("genetic-data", "Genetic data", "special-category", True),
        ("biometric-data", "Biometric data", "special-category", True),
        ("health", "Health", "special-category", True),
        ("health-record", "Health record", "health", True),
        ("prescription", "Prescription", "health", True),
        ("disability", "Disability", "health", True),
        ("sex-life", "Sex life", "special-category", True),
        ("sexual-orientation", "Sexual orientation", "special-category", True),
    )
    return tuple(Category(*row) for row in rows)


CATEGORIES: dict[str, Category] = {c.id: c for c in _tree()}
SPECIAL_CATEGORIES = frozenset(c.id for c in CATEGORIES.values() if c.special)


def is_special(category: str) -> bool:
    return category in SPECIAL_CATEGORIES


def ancestors(category: str) -> list[str]:
    """The category and every broader one, narrowest first."""
    chain: list[str] = []
    current: str | None = category
    while current is not None and current not in chain:
        chain.append(current)
        found = CATEGORIES.get(current)
        current = found.parent if found else None
    return chain


def within(category: str, broader: str) -> bool:
    """Is ``category`` the ``broader`` one or one of its narrower categories?"""
    return broader in ancestors(category)
