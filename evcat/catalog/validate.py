"""Every reference in a catalog checked before anything is written.

The state checked is what the catalog would hold after the apply: the documents in the files
plus (without ``--prune``) what is already stored. Events are known when declared or when the
registry holds a schema naming them; fields are checked against the schema version an edge
resolves to. Each problem names the file, line and YAML path of the offending value, or the
stored resource when the reference that broke lives in the database.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from evcat.catalog import spec as s
from evcat.catalog.discovery import EventVersion, Snapshot, resolve_versions
from evcat.catalog.errors import Problem
from evcat.catalog.schemas import FieldCache
from evcat.catalog.store import Key
from evcat.catalog.yamlio import SourceDocument, format_path

STORED = "(catalog database)"
CE_TYPE = re.compile(r"^[A-Za-z0-9]+(?:[.-][A-Za-z0-9_]+)+$")
CE_ATTRIBUTE = re.compile(r"^[a-z0-9]{1,20}$")
Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Declared:
    """A resource of the would-be catalog and where it was written (None: already stored)."""

    resource: s.Resource
    source: SourceDocument | None = None


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


class Checker:
    """Collects every problem of one would-be catalog state."""

    def __init__(self, state: dict[Key, Declared], snapshot: Snapshot, cache: FieldCache) -> None:
        self.state = state
        self.snapshot = snapshot
        self.cache = cache
        self.found: list[Problem] = []
        self.ids: dict[str, set[str]] = {kind: set() for kind in s.KIND_NAMES}
        for kind, ident in state:
            self.ids[kind].add(ident)
        self.people = {
            member.id
            for item in state.values()
            if isinstance(item.resource, s.Team)
            for member in item.resource.members
        }
        self.events = self.ids["Event"] | set(snapshot.names())

    def report(self, item: Declared, location: Location, message: str) -> None:
        if item.source is not None:
            self.found.append(item.source.problem(location, message))
        else:
            where = f"{item.resource.kind} '{item.resource.id}'.{format_path(location)}"
            self.found.append(Problem(STORED, 0, where, message))

    def problems(self) -> list[Problem]:
        self._prefetch()
        for item in self.state.values():
            self._roles(item)
            resource = item.resource
            if isinstance(resource, s.Domain):
                self._domain(item, resource)
            elif isinstance(resource, s.Service):
                self._service(item, resource)
            elif isinstance(resource, s.Event):
                self._event(item, resource)
            elif isinstance(resource, s.Policy):
                self._policy(resource)
        self._people_unique()
        return sorted(self.found)

    # -- helpers ---------------------------------------------------------------------------

    def _known(self, item: Declared, location: Location, kind: str, ident: str | None) -> bool:
        if ident is None or ident in self.ids[kind]:
            return True
        label = "team" if kind == "Team" else kind.lower()
        self.report(item, location, f"unknown {label} '{ident}'{_hint(ident, self.ids[kind])}")
        return False

    def versions(self, event: str) -> list[EventVersion]:
        declared = self.state.get(("Event", event))
        subject = declared.resource.subject if declared else None  # type: ignore[union-attr]
        if self.snapshot.primary_subject(event, subject) is None:
            # A wrong declared subject is reported once; the rest is checked without it.
            subject = None
        return self.snapshot.versions(event, subject)

    def fields(self, version: EventVersion) -> set[str]:
        return self.cache.paths(version.schema_id)

    def _prefetch(self) -> None:
        """Load the schemas of every event the state refers to, in bulk."""
        events: set[str] = set()
        for item in self.state.values():
            resource = item.resource
            if isinstance(resource, s.Event) and resource.fields:
                events.add(resource.id)
            elif isinstance(resource, s.Service):
                events.update(e.event for e in resource.produces)
                events.update(e.event for e in resource.consumes)
        ids = {v.schema_id for event in events for v in self.versions(event)}
        self.cache.prefetch(ids)

    def _event_ref(self, item: Declared, location: Location, event: str) -> bool:
        if event in self.events:
            return True
        self.report(
            item,
            location,
            f"unknown event '{event}': declare it or register its schema"
            f"{_hint(event, self.events)}",
        )
        return False

    def _resolved(
        self, item: Declared, location: Location, event: str, spec: str
    ) -> EventVersion | None:
        """The newest version ``spec`` selects; a problem when it selects none."""
        versions = self.versions(event)
        if not versions:
            return None
        chosen = resolve_versions(spec, [v.version for v in versions])
        if not chosen:
            known = ", ".join(str(v.version) for v in versions)
            self.report(
                item,
                location,
                f"unknown version '{spec}' of event '{event}' (it has versions {known})",
            )
            return None
        return next(v for v in versions if v.version == chosen[-1])

    def _field(
        self,
        item: Declared,
        location: Location,
        event: str,
        version: EventVersion | None,
        path: str,
    ) -> None:
        if version is None:
            if not self.versions(event):
                self.report(
                    item,
                    location,
                    f"unknown field '{path}': event '{event}' has no schema in the registry",
                )
            return
        known = self.fields(version)
        if path not in known:
            self.report(
                item,
                location,
                f"unknown field '{path}' in event '{event}' version {version.version}"
                f"{_hint(path, known)}",
            )

    # -- per kind --------------------------------------------------------------------------

    def _roles(self, item: Declared) -> None:
        resource = item.resource
        self._known(item, ("owner",), "Team", getattr(resource, "owner", None))
        for role in ("steward", "privacy_contact"):
            person = getattr(resource, role, None)
            if person is not None and person not in self.people:
                self.report(item, (role,), f"unknown person '{person}'{_hint(person, self.people)}")

    def _domain(self, item: Declared, domain: s.Domain) -> None:
        if not self._known(item, ("parent",), "Domain", domain.parent):
            return
        seen = {domain.id}
        parent = domain.parent
        while parent is not None:
            if parent in seen:
                self.report(item, ("parent",), f"domain '{domain.id}' is its own ancestor")
                return
            seen.add(parent)
            above = self.state.get(("Domain", parent))
            parent = above.resource.parent if above else None  # type: ignore[union-attr]

    def _event(self, item: Declared, event: s.Event) -> None:
        self._known(item, ("domain",), "Domain", event.domain)
        if (
            event.subject is not None
            and self.snapshot.primary_subject(event.id, event.subject) is None
        ):
            self.report(
                item,
                ("subject",),
                f"unknown subject '{event.subject}': no live version of it holds '{event.id}'",
            )
        versions = self.versions(event.id)
        latest = versions[-1] if versions else None
        for index, declared in enumerate(event.fields):
            self._field(item, ("fields", index, "path"), event.id, latest, declared.path)
        envelope = event.cloudevents
        if envelope is None:
            return
        if envelope.type is not None and not CE_TYPE.match(envelope.type):
            self.report(
                item,
                ("cloudevents", "type"),
                f"CloudEvents type '{envelope.type}' is not a reverse-DNS name such as "
                "com.example.order.placed",
            )
        for index, name in enumerate(envelope.extensions):
            if not CE_ATTRIBUTE.match(name):
                self.report(
                    item,
                    ("cloudevents", "extensions", index),
                    f"CloudEvents attribute '{name}' must be 1 to 20 lowercase letters or digits",
                )

    def _service(self, item: Declared, service: s.Service) -> None:
        self._known(item, ("domain",), "Domain", service.domain)
        for index, other in enumerate(service.depends_on):
            self._known(item, ("depends_on", index), "Service", other)
        produced: dict[str, EventVersion | None] = {}
        consumed: dict[str, EventVersion | None] = {}
        groups: tuple[tuple[str, Sequence[s.Produce | s.Consume], dict[str, Any]], ...] = (
            ("produces", service.produces, produced),
            ("consumes", service.consumes, consumed),
        )
        for role, edges, into in groups:
            for index, edge in enumerate(edges):
                where: Location = (role, index)
                self._known(item, (*where, "channel"), "Channel", edge.channel)
                if not self._event_ref(item, (*where, "event"), edge.event):
                    continue
                version = self._resolved(item, (*where, "version"), edge.event, edge.version)
                into.setdefault(edge.event, version)
                if isinstance(edge, s.Produce) and edge.key is not None:
                    self._field(item, (*where, "key"), edge.event, version, edge.key)
                if isinstance(edge, s.Consume):
                    self._consume(item, where, edge, version)
        for index, derivation in enumerate(service.derivations):
            self._derivation(item, ("derivations", index), service, derivation, produced, consumed)

    def _consume(
        self, item: Declared, where: Location, edge: s.Consume, version: EventVersion | None
    ) -> None:
        for index, path in enumerate(edge.fields):
            self._field(item, (*where, "fields", index), edge.event, version, path)
        for index, store in enumerate(edge.stores):
            self._known(item, (*where, "stores", index), "Store", store)
        for index, recipient in enumerate(edge.recipients):
            self._known(item, (*where, "recipients", index), "Recipient", recipient)

    def _derivation(
        self,
        item: Declared,
        where: Location,
        service: s.Service,
        derivation: s.Derivation,
        produced: dict[str, EventVersion | None],
        consumed: dict[str, EventVersion | None],
    ) -> None:
        if derivation.event not in produced:
            if self._event_ref(item, (*where, "event"), derivation.event):
                self.report(
                    item,
                    (*where, "event"),
                    f"service '{service.id}' does not produce '{derivation.event}'; "
                    "add it to produces",
                )
        else:
            version = produced[derivation.event]
            self._field(item, (*where, "field"), derivation.event, version, derivation.field)
        for index, source in enumerate(derivation.from_):
            at: Location = (*where, "from", index)
            if source.event not in consumed:
                if self._event_ref(item, (*at, "event"), source.event):
                    self.report(
                        item,
                        (*at, "event"),
                        f"service '{service.id}' does not consume '{source.event}'; "
                        "add it to consumes",
                    )
                continue
            self._field(item, (*at, "field"), source.event, consumed[source.event], source.field)

    def _policy(self, policy: s.Policy) -> None:
        wanted = {kind.capitalize() for kind in policy.require_owner}
        for item in self.state.values():
            resource = item.resource
            if resource.kind in wanted and getattr(resource, "owner", None) is None:
                self.report(
                    item,
                    ("owner",),
                    f"{resource.kind} '{resource.id}' has no owner; policy '{policy.id}' "
                    "requires one",
                )

    def _people_unique(self) -> None:
        seen: dict[str, tuple[str, int]] = {}
        for item in self.state.values():
            if not isinstance(item.resource, s.Team):
                continue
            for index, member in enumerate(item.resource.members):
                first, at = seen.setdefault(member.id, (item.resource.id, index))
                if (first, at) != (item.resource.id, index):
                    self.report(
                        item,
                        ("members", index, "id"),
                        f"person '{member.id}' is already a member of team '{first}'",
                    )


def check(state: dict[Key, Declared], snapshot: Snapshot, cache: FieldCache) -> list[Problem]:
    """Every problem of ``state``, sorted by file, line and path."""
    return Checker(state, snapshot, cache).problems()
