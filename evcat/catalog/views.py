"""What the ``/v1`` API shows: resources with their edges resolved, owners with contacts.

Version specs on edges are resolved here against the event's live versions (``^2`` ->
``[2, 3]``), and every owned resource carries an accountable owner with a contact: the declared
owner, else (for an event) its only producer's owner, else its domain's owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from evcat.catalog import models as m
from evcat.catalog import queries, store
from evcat.catalog import spec as s
from evcat.catalog.discovery import EventVersion, Snapshot, resolve_versions
from evcat.catalog.errors import CatalogInputError, CatalogNotFoundError
from evcat.catalog.service import Catalog
from evcat.db import read_session

View = dict[str, Any]
_EDGE_DROP = ("position",)


class Views:
    """Read models of the catalog, one session per call."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    # -- events ----------------------------------------------------------------------------

    def resolve_event(self, session: Session, name: str, snapshot: Snapshot) -> str:
        """The full name for ``name``: itself, or a unique event whose last segment it is."""
        if snapshot.has(name) or queries.by_ids(session, m.EventRow, [name]):
            return name
        candidates = {e for e in queries.event_ids_ending(session, name) if e.endswith(f".{name}")}
        candidates |= {e for e in snapshot.names() if e.rsplit(".", 1)[-1] == name}
        if len(candidates) == 1:
            return candidates.pop()
        if candidates:
            raise CatalogInputError(
                f"'{name}' names several events ({', '.join(sorted(candidates))}); "
                "use the full name"
            )
        raise CatalogNotFoundError("Event", name)

    def event_versions(
        self, session: Session, names: Iterable[str], snapshot: Snapshot
    ) -> dict[str, list[EventVersion]]:
        wanted = set(names)
        subjects = {i: r["subject"] for i, r in queries.by_ids(session, m.EventRow, wanted).items()}
        return {name: snapshot.versions(name, subjects.get(name)) for name in wanted}

    def events(self, *, domain: str | None = None, owner: str | None = None) -> list[View]:
        """Every event, declared or only registered, with its versions."""
        snapshot = self.catalog.snapshot()
        with read_session(self.catalog.engine) as session:
            declared = {row["id"]: row for row in queries.all_rows(session, m.EventRow)}
        out: list[View] = []
        for name in sorted(set(declared) | set(snapshot.names())):
            row = declared.get(name, {})
            if domain is not None and row.get("domain") != domain:
                continue
            if owner is not None and row.get("owner") != owner:
                continue
            versions = snapshot.versions(name, row.get("subject"))
            out.append(
                {
                    "id": name,
                    "name": row.get("name"),
                    "type": row.get("type", "event"),
                    "domain": row.get("domain"),
                    "owner": row.get("owner"),
                    "declared": bool(row),
                    "schema_type": versions[-1].schema_type if versions else None,
                    "subject": versions[-1].subject if versions else None,
                    "versions": [v.version for v in versions],
                }
            )
        return out

    def event(self, name: str) -> View:
        """One event with its versions, producers, consumers, channels and derivations."""
        snapshot = self.catalog.snapshot()
        with read_session(self.catalog.engine) as session:
            name = self.resolve_event(session, name, snapshot)
            found = store.read_all(session, ["Event"], only=name).get(("Event", name))
            declared = found if isinstance(found, s.Event) else None
            versions = snapshot.versions(name, declared.subject if declared else None)
            edges = queries.edges(session, event=name)
            resolved = {name: versions}
            lookups = self.catalog.lookups()
            used = {e["channel"] for e in edges if e["channel"]}
            channels = {c: lookups.channels[c] for c in used if c in lookups.channels}
            producers = [e for e in edges if e["role"] == "produces"]
            services = [lookups.services.get(e["service"], {}) for e in producers]
            owner_id, source = _event_owner(declared, services)
            if owner_id is None and declared is not None:
                owner_id, source = self._owner_of(None, declared.domain)
            owner = self.owner(owner_id, source)
            derivations = queries.derivations(session, event=name)
        view: View = {
            "id": name,
            "declared": declared is not None,
            **(s.dump(declared) if declared else {"kind": "Event", "id": name}),
        }
        view.pop("apiVersion", None)
        view.pop("kind", None)
        view.update(
            {
                "owner": owner,
                "subjects": [
                    {"subject": subject, "versions": [v for v, _ in held]}
                    for subject, held in sorted(snapshot.subjects.get(name, {}).items())
                ],
                "versions": [_version(v) for v in versions],
                "latest_version": versions[-1].version if versions else None,
                "producers": [self._edge(e, resolved) for e in producers],
                "consumers": [self._edge(e, resolved) for e in edges if e["role"] == "consumes"],
                "channels": [_channel(channels[c]) for c in sorted(channels)],
                "derivations": [_derivation(d) for d in derivations],
            }
        )
        return view

    def version(self, name: str, number: str) -> tuple[str, EventVersion]:
        """The event's full name and one of its versions (a number or ``latest``)."""
        snapshot = self.catalog.snapshot()
        with read_session(self.catalog.engine) as session:
            name = self.resolve_event(session, name, snapshot)
            versions = self.event_versions(session, [name], snapshot)[name]
        if not number.isdigit() and number != "latest":
            raise CatalogInputError(f"'{number}' is not a version: use a number or latest")
        chosen = resolve_versions(number, [v.version for v in versions])
        if not chosen:
            raise CatalogNotFoundError("Version", f"{name} {number}")
        return name, next(v for v in versions if v.version == chosen[-1])

    # -- other resources -------------------------------------------------------------------

    def documents(self, kind: str) -> list[View]:
        """Every stored resource of ``kind`` as its document (no apiVersion)."""
        with read_session(self.catalog.engine) as session:
            found = store.read_all(session, [kind])
        return [_document(found[key]) for key in sorted(found)]

    def document(self, session: Session, kind: str, ident: str) -> s.Resource:
        found = store.read_all(session, [kind], only=ident).get((kind, ident))
        if found is None:
            raise CatalogNotFoundError(kind, ident)
        return found

    def service(self, ident: str) -> View:
        snapshot = self.catalog.snapshot()
        with read_session(self.catalog.engine) as session:
            service = self.document(session, "Service", ident)
            assert isinstance(service, s.Service)
            edges = queries.edges(session, service=ident)
            resolved = self.event_versions(session, {e["event"] for e in edges}, snapshot)
            owner = self.owner(*self._owner_of(service.owner, service.domain))
        view = _document(service)
        view["owner"] = owner
        view["produces"] = [self._edge(e, resolved) for e in edges if e["role"] == "produces"]
        view["consumes"] = [self._edge(e, resolved) for e in edges if e["role"] == "consumes"]
        return view

    def channel(self, ident: str) -> View:
        snapshot = self.catalog.snapshot()
        with read_session(self.catalog.engine) as session:
            channel = self.document(session, "Channel", ident)
            edges = queries.edges(session, channel=ident)
            resolved = self.event_versions(session, {e["event"] for e in edges}, snapshot)
            owner = self.owner(getattr(channel, "owner", None), "declared")
        view = _document(channel)
        view["owner"] = owner
        view["events"] = sorted({e["event"] for e in edges})
        view["producers"] = [self._edge(e, resolved) for e in edges if e["role"] == "produces"]
        view["consumers"] = [self._edge(e, resolved) for e in edges if e["role"] == "consumes"]
        return view

    def holder(self, kind: str, ident: str) -> View:
        """A store or recipient with the consumer edges that write to it."""
        snapshot = self.catalog.snapshot()
        with read_session(self.catalog.engine) as session:
            resource = self.document(session, kind, ident)
            edges = queries.edges(session, target=ident, role="consumes")
            resolved = self.event_versions(session, {e["event"] for e in edges}, snapshot)
            owner = self.owner(getattr(resource, "owner", None), "declared")
        view = _document(resource)
        view["owner"] = owner
        view["written_by" if kind == "Store" else "received_from"] = [
            self._edge(e, resolved)
            for e in edges
            if ident in (e["stores"] if kind == "Store" else e["recipients"])
        ]
        return view

    def team(self, ident: str) -> View:
        with read_session(self.catalog.engine) as session:
            team = self.document(session, "Team", ident)
            owned: dict[str, list[str]] = {}
            for kind, table in (
                ("domains", m.DomainRow),
                ("services", m.ServiceRow),
                ("events", m.EventRow),
                ("channels", m.ChannelRow),
                ("stores", m.StoreRow),
                ("recipients", m.RecipientRow),
            ):
                rows = queries.all_rows(session, table)
                owned[kind] = [row["id"] for row in rows if row.get("owner") == ident]
        return {**_document(team), "owns": owned}

    def domain(self, ident: str) -> View:
        with read_session(self.catalog.engine) as session:
            domain = self.document(session, "Domain", ident)
            assert isinstance(domain, s.Domain)
            listed = {
                "domains": [
                    r["id"] for r in queries.all_rows(session, m.DomainRow) if r["parent"] == ident
                ],
                "services": [
                    r["id"] for r in queries.all_rows(session, m.ServiceRow) if r["domain"] == ident
                ],
                "events": [
                    r["id"] for r in queries.all_rows(session, m.EventRow) if r["domain"] == ident
                ],
            }
            owner = self.owner(*self._owner_of(domain.owner, domain.parent))
        return {**_document(domain), "owner": owner, **listed}

    def edges(self, **filters: str | None) -> list[View]:
        snapshot = self.catalog.snapshot()
        with read_session(self.catalog.engine) as session:
            edges = queries.edges(session, **filters)
            resolved = self.event_versions(session, {e["event"] for e in edges}, snapshot)
        return [self._edge(e, resolved) for e in edges]

    def _edge(self, edge: dict[str, Any], resolved: dict[str, list[EventVersion]]) -> View:
        """An edge with its version spec resolved; a consumer's fields that the resolved
        version lacks are listed in ``missing_fields`` (the schema moved on without it)."""
        versions = resolved.get(edge["event"], [])
        chosen = resolve_versions(edge["version"], [v.version for v in versions])
        view = {k: v for k, v in edge.items() if k not in _EDGE_DROP and v not in (None, [])}
        view["resolved_versions"] = chosen
        view["resolved_version"] = chosen[-1] if chosen else None
        if chosen and edge.get("fields"):
            version = next(v for v in versions if v.version == chosen[-1])
            known = self.catalog.field_cache.paths(version.schema_id)
            missing = [path for path in edge["fields"] if path not in known]
            if missing:
                view["missing_fields"] = missing
        return view

    # -- owners ----------------------------------------------------------------------------

    def _owner_of(self, owner: str | None, domain: str | None) -> tuple[str | None, str]:
        """A declared owner, else the owner of the domain (walking up parents)."""
        if owner is not None:
            return owner, "declared"
        domains = self.catalog.lookups().domains
        seen: set[str] = set()
        while domain is not None and domain not in seen and domain in domains:
            seen.add(domain)
            row = domains[domain]
            if row["owner"] is not None:
                return row["owner"], "domain"
            domain = row["parent"]
        return None, "none"

    def owner(self, team: str | None, source: str) -> View | None:
        """An accountable team with its contact details, and where the ownership comes from."""
        if team is None:
            return None
        row = self.catalog.lookups().teams.get(team, {})
        return {
            "team": team,
            "name": row.get("name"),
            "email": row.get("email"),
            "chat": row.get("chat"),
            "source": source,
        }


def _event_owner(
    declared: s.Event | None, producers: list[dict[str, Any]]
) -> tuple[str | None, str]:
    if declared is not None and declared.owner is not None:
        return declared.owner, "declared"
    owners = {row["owner"] for row in producers if row.get("owner")}
    if len(owners) == 1:
        return owners.pop(), "producer"
    return None, "none"


def _document(resource: s.Resource) -> View:
    data = s.dump(resource)
    data.pop("apiVersion")
    return data


def _version(version: EventVersion) -> View:
    return {
        "version": version.version,
        "subject": version.subject,
        "schema_id": version.schema_id,
        "schema_type": version.schema_type,
    }


def _channel(row: dict[str, Any]) -> View:
    view = {k: v for k, v in row.items() if v is not None}
    view["address"] = row.get("address") or row["id"]
    return view


def _derivation(row: dict[str, Any]) -> View:
    return {k: v for k, v in row.items() if v is not None and k != "position"}
