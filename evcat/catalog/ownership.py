"""Which registry subjects each team owns, for authorization by ownership (``owned_by``).

An event's owner is decided as its catalog page shows it: the event's declared owner, else the
one owner of the services producing it, else the owner of its domain (walking up parents). The
team owns every subject the event is registered under, its declared subject, and the ``-key``
subject beside each ``-value`` one (TopicNameStrategy keeps a topic's key schema there).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from evcat.catalog import models as m
from evcat.catalog import queries
from evcat.catalog.service import Catalog
from evcat.db import read_session

_VALUE_SUFFIX = "-value"


def subjects_by_team(catalog: Catalog) -> dict[str, frozenset[str]]:
    """Every team that owns at least one event, with the subjects of the events it owns."""
    snapshot = catalog.snapshot()
    lookups = catalog.lookups()
    with read_session(catalog.engine) as session:
        declared = {row["id"]: row for row in queries.all_rows(session, m.EventRow)}
        producers = queries.fetch(
            session,
            f"SELECT event, service FROM {m.EdgeRow.__tablename__} WHERE role = 'produces'",
            {},
        )
    producer_owners: dict[str, set[str]] = defaultdict(set)
    for edge in producers:
        owner = lookups.services.get(edge["service"], {}).get("owner")
        if owner:
            producer_owners[edge["event"]].add(owner)
    owned: dict[str, set[str]] = defaultdict(set)
    for name in set(declared) | set(snapshot.names()):
        row = declared.get(name, {})
        owner = _owner(row, producer_owners.get(name, set()), lookups.domains)
        if owner is None:
            continue
        subjects = set(snapshot.subjects.get(name, {}))
        if row.get("subject"):
            subjects.add(row["subject"])
        subjects |= {
            s[: -len(_VALUE_SUFFIX)] + "-key" for s in subjects if s.endswith(_VALUE_SUFFIX)
        }
        owned[owner] |= subjects
    return {team: frozenset(subjects) for team, subjects in owned.items()}


def team_ids(catalog: Catalog) -> frozenset[str]:
    """The ids of every team in the catalog."""
    return frozenset(catalog.lookups().teams)


def _owner(
    row: Mapping[str, Any], producer_owners: set[str], domains: Mapping[str, Mapping[str, Any]]
) -> str | None:
    if row.get("owner"):
        return str(row["owner"])
    if len(producer_owners) == 1:
        return next(iter(producer_owners))
    domain = row.get("domain")
    seen: set[str] = set()
    while domain is not None and domain not in seen and domain in domains:
        seen.add(domain)
        if domains[domain].get("owner"):
            return str(domains[domain]["owner"])
        domain = domains[domain].get("parent")
    return None
