"""Accountable owners for report rows: every row names a team and how to reach it (F16)."""

from __future__ import annotations

from typing import Any

from evcat.catalog import queries
from evcat.catalog.service import Catalog
from evcat.db import read_session

Row = dict[str, Any]


class Owners:
    """Owner lookups over one read of the small resource tables."""

    def __init__(self, catalog: Catalog) -> None:
        lookups = catalog.lookups()
        self.teams = lookups.teams
        self.domains = lookups.domains
        self.services = lookups.services
        self.channels = lookups.channels
        with read_session(catalog.engine) as session:
            self.events = {r["id"]: r for r in queries.events(session)}
            self.stores = {r["id"]: r for r in queries.stores(session)}
            self.recipients = {r["id"]: r for r in queries.recipients(session)}
            self.producer_edges: dict[tuple[str, str], list[Row]] = {}
            for edge in queries.edges(session, role="produces"):
                key = (edge["event"], edge["channel"] or "")
                self.producer_edges.setdefault(key, []).append(edge)
            self.consumer_edges = {
                (e["service"], e["position"]): e for e in queries.edges(session, role="consumes")
            }

    def _team(self, owner: str | None, domain: str | None) -> str | None:
        """A declared owner, else the owner of the domain, walking up parent domains."""
        if owner:
            return owner
        seen: set[str] = set()
        while domain and domain not in seen and domain in self.domains:
            seen.add(domain)
            if self.domains[domain]["owner"]:
                return str(self.domains[domain]["owner"])
            domain = self.domains[domain]["parent"]
        return None

    def of(self, kind: str, ident: str, event: str = "") -> tuple[str | None, str | None]:
        """The owning team of a report location and its contact (email, else chat)."""
        row: Row
        if kind in ("producer", "consumer"):
            row = self.services.get(ident, {})
            team = self._team(row.get("owner"), row.get("domain"))
        elif kind == "field":
            row = self.events.get(event, {})
            team = self._team(row.get("owner"), row.get("domain"))
        elif kind == "channel":
            team = self.channels.get(ident, {}).get("owner")
        elif kind == "store":
            team = self.stores.get(ident, {}).get("owner")
        else:
            team = self.recipients.get(ident, {}).get("owner")
        if team is None:
            return None, None
        found = self.teams.get(team, {})
        return team, found.get("email") or found.get("chat")
