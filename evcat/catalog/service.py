"""The catalog over one database and one registry: the entry point for the API and the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evcat.audit import ANONYMOUS, Actor
from evcat.catalog import models as m
from evcat.catalog import queries, store
from evcat.catalog import spec as s
from evcat.catalog.apply import Plan, apply_documents
from evcat.catalog.discovery import EventIndex, EventVersion, Snapshot
from evcat.catalog.export import export_documents, export_files
from evcat.catalog.fields import SchemaField
from evcat.catalog.schemas import FieldCache
from evcat.catalog.store import Key
from evcat.catalog.yamlio import SourceDocument, load_paths, load_text
from evcat.db import read_session
from evcat.registry.service import Registry


@dataclass(frozen=True)
class Lookups:
    """Rows of the small resource tables, by id."""

    teams: dict[str, dict[str, Any]]
    domains: dict[str, dict[str, Any]]
    services: dict[str, dict[str, Any]]
    channels: dict[str, dict[str, Any]]


class Catalog:
    """Domains, teams, services, events, channels, stores and recipients, beside the registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.engine = registry.engine
        self.index = EventIndex(registry)
        self.field_cache = FieldCache(registry)
        self._lookups: tuple[int, Lookups] | None = None

    # -- catalog as code -------------------------------------------------------------------

    def apply(
        self,
        sources: Sequence[SourceDocument],
        *,
        prune: bool = False,
        dry_run: bool = False,
        actor: Actor = ANONYMOUS,
    ) -> Plan:
        """Apply documents (see ``catalog.apply``); raises ``CatalogProblems``, writes nothing."""
        if not dry_run:
            with read_session(self.engine) as session:
                self.registry.refuse_if_read_only(session, None, "catalog apply")
        return apply_documents(
            self.engine,
            self.field_cache,
            self.snapshot(),
            sources,
            prune=prune,
            dry_run=dry_run,
            actor=actor,
        )

    def apply_paths(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        dry_run: bool = False,
        actor: Actor = ANONYMOUS,
    ) -> Plan:
        """Apply every YAML file under ``paths``."""
        return self.apply(load_paths(paths), prune=prune, dry_run=dry_run, actor=actor)

    def apply_text(
        self,
        text: str,
        *,
        name: str = "(request)",
        prune: bool = False,
        dry_run: bool = False,
        actor: Actor = ANONYMOUS,
    ) -> Plan:
        """Apply one YAML (or JSON) text holding any number of documents."""
        return self.apply(load_text(text, name), prune=prune, dry_run=dry_run, actor=actor)

    def export_documents(self) -> list[dict[str, Any]]:
        return export_documents(self.engine)

    def export_files(self, directory: Path) -> list[Path]:
        return export_files(self.engine, directory)

    # -- reads -----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The registry's events now (cached until the registry's next write)."""
        return self.index.snapshot()

    def lookups(self) -> Lookups:
        """Teams, domains, services and channels by id, read once per write epoch.

        They are small next to events and edges, and nearly every view needs some of them
        (owners' contacts, channel retention), so one read per change saves a query per use.
        """
        epoch = self.index.epoch
        cached = self._lookups
        if cached is None or cached[0] != epoch:
            with read_session(self.engine) as session:
                found = Lookups(
                    *(
                        {row["id"]: row for row in queries.all_rows(session, table)}
                        for table in (m.TeamRow, m.DomainRow, m.ServiceRow, m.ChannelRow)
                    )
                )
            self._lookups = cached = (epoch, found)
        return cached[1]

    def resources(self) -> dict[Key, s.Resource]:
        with read_session(self.engine) as session:
            return store.read_all(session)

    def resource(self, kind: str, resource_id: str) -> s.Resource | None:
        """One stored resource rebuilt as its document, or None."""
        with read_session(self.engine) as session:
            return store.read_all(session, [kind], only=resource_id).get((kind, resource_id))

    def fields(self, version: EventVersion) -> list[SchemaField]:
        """The field paths of one event version (cached by schema id: contents never change)."""
        return self.field_cache.fields(version.schema_id)
