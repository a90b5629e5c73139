"""A field's classification, merged from its sources with provenance.

Sources, in the order they are listed: ``inline`` (``confluent:tags`` in Avro and JSON Schema,
``(confluent.field_meta).tags`` in Protobuf), ``metadata`` (``metadata.tags`` path patterns
sent on register), ``catalog`` (an ``Event`` document's ``fields``) and ``overlay`` (set
through the API, per version, carried over to later versions while the path survives).
Categories and subject types are the union of every source; identifier, protection and key
scope come from the most specific source that states them (overlay, then catalog), because
tags cannot express them. Nothing here writes: classification is computed on read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlmodel import Session

from evcat.catalog import queries
from evcat.catalog.categories import CATEGORIES, is_special
from evcat.catalog.discovery import EventVersion
from evcat.catalog.service import Catalog
from evcat.formats import PROTOBUF
from evcat.gdpr import models as gm
from evcat.gdpr.tags import matches, metadata_tags, protobuf_tags
from evcat.gdpr.vocabulary import DEFAULT_TAG_CATEGORIES

Row = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """What one source says about a field."""

    source: str
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subject_types: tuple[str, ...] = ()
    identifier: str | None = None
    protection: str | None = None
    key_scope: str | None = None
    pattern: str | None = None
    inherited_from: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source}
        for name in ("tags", "categories", "subject_types"):
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        for name in ("identifier", "protection", "key_scope", "pattern"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.inherited_from is not None:
            data["inherited-from"] = f"v{self.inherited_from}"
        return data


@dataclass(frozen=True)
class FieldClass:
    """The merged classification of one field path of one event version."""

    path: str
    sources: tuple[Source, ...] = ()
    tags: tuple[str, ...] = field(init=False)
    categories: tuple[str, ...] = field(init=False)
    subject_types: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        def union(name: str) -> tuple[str, ...]:
            return tuple(sorted({v for s in self.sources for v in getattr(s, name)}))

        object.__setattr__(self, "tags", union("tags"))
        object.__setattr__(self, "categories", union("categories"))
        object.__setattr__(self, "subject_types", union("subject_types"))

    def _stated(self, name: str) -> str | None:
        for source in reversed(self.sources):
            value = getattr(source, name)
            if value is not None:
                return str(value)
        return None

    @property
    def identifier(self) -> str | None:
        return self._stated("identifier")

    @property
    def protection(self) -> str:
        return self._stated("protection") or "plain"

    @property
    def key_scope(self) -> str | None:
        return self._stated("key_scope")

    @property
    def special(self) -> bool:
        return any(is_special(c) for c in self.categories)

    @property
    def personal(self) -> bool:
        return bool(self.categories)

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "subject_types": list(self.subject_types),
            "identifier": self.identifier,
            "protection": self.protection,
            "key_scope": self.key_scope,
            "special_category": self.special,
            "tags": list(self.tags),
            "sources": [s.as_dict() for s in self.sources],
        }


@dataclass
class Inputs:
    """Everything classification reads besides the schemas, loaded once per request."""

    tag_categories: dict[str, str]
    declarations: dict[str, list[Row]]
    overlays: dict[str, list[Row]]


def load_inputs(session: Session, events: Iterable[str] | None = None) -> Inputs:
    """Tag mapping, catalog declarations and overlays (of ``events``, or of every event)."""
    mapping = dict(DEFAULT_TAG_CATEGORIES)
    mapping.update(
        {row["tag"]: row["category"] for row in _rows(session, gm.TagCategoryRow.__tablename__)}
    )
    declarations: dict[str, list[Row]] = {}
    overlays: dict[str, list[Row]] = {}
    wanted = None if events is None else set(events)
    for row in queries.field_declarations(session):
        if wanted is None or row["event"] in wanted:
            declarations.setdefault(row["event"], []).append(row)
    for row in _rows(session, gm.OverlayRow.__tablename__):
        if wanted is None or row["event"] in wanted:
            overlays.setdefault(row["event"], []).append(row)
    for rows in declarations.values():
        rows.sort(key=lambda r: r["position"])
    for rows in overlays.values():
        rows.sort(key=lambda r: (r["path"], r["since_version"]))
    return Inputs(mapping, declarations, overlays)


def _rows(session: Session, table: str) -> list[Row]:
    return queries.fetch(session, f"SELECT * FROM {table}", {})


def _json_list(text: str | None) -> tuple[str, ...]:
    return tuple(orjson.loads(text)) if text else ()


class Classifier:
    """Classifies the fields of event versions from the registry and the catalog."""

    def __init__(self, catalog: Catalog, inputs: Inputs) -> None:
        self.catalog = catalog
        self.inputs = inputs

    def tag_categories(self, tags: Sequence[str]) -> tuple[str, ...]:
        """Categories the tags map to; a tag that is itself a category id stands for itself."""
        found = {self.inputs.tag_categories.get(t) or (t if t in CATEGORIES else "") for t in tags}
        return tuple(sorted(c for c in found if c))

    def version(
        self, event: str, chosen: EventVersion, versions: Sequence[EventVersion]
    ) -> dict[str, FieldClass]:
        """Every field path of ``chosen`` with its merged classification (possibly empty)."""
        fields = self.catalog.fields(chosen)
        stored = self.catalog.registry.schemas_by_ids([chosen.schema_id]).get(chosen.schema_id)
        patterns = metadata_tags(stored.metadata if stored else None)
        inline_proto = (
            protobuf_tags(self.catalog.registry.parsed_by_id(chosen.schema_id))
            if chosen.schema_type == PROTOBUF
            else {}
        )
        declared = {row["path"]: row for row in self.inputs.declarations.get(event, [])}
        overlays = self._overlays(event, chosen, versions)
        result: dict[str, FieldClass] = {}
        for schema_field in fields:
            path = schema_field.path
            sources: list[Source] = []
            inline = schema_field.tags or inline_proto.get(path, ())
            if inline:
                sources.append(Source("inline", inline, self.tag_categories(inline)))
            for pattern, tags in sorted(patterns.items()):
                if matches(pattern, path, event):
                    sources.append(
                        Source("metadata", tags, self.tag_categories(tags), pattern=pattern)
                    )
            row = declared.get(path)
            if row is not None:
                sources.append(_from_row("catalog", row))
            overlay = overlays.get(path)
            if overlay is not None:
                since = overlay["since_version"]
                inherited = since if since != chosen.version else None
                sources.append(_from_row("overlay", overlay, inherited))
            result[path] = FieldClass(path, tuple(sources))
        return result

    def _overlays(
        self, event: str, chosen: EventVersion, versions: Sequence[EventVersion]
    ) -> dict[str, Row]:
        """Overlay rows that hold at ``chosen``: set at or before it, the path kept since."""
        by_number = {v.version: v for v in versions}
        found: dict[str, Row] = {}
        for row in self.inputs.overlays.get(event, []):
            since = row["since_version"]
            if since > chosen.version:
                continue
            between = [v for n, v in sorted(by_number.items()) if since <= n <= chosen.version]
            if all(row["path"] in self.catalog.field_cache.paths(v.schema_id) for v in between):
                # Rows are sorted by since_version, so the newest applicable one wins.
                found[row["path"]] = row
        return found


def _from_row(source: str, row: Row, inherited: int | None = None) -> Source:
    return Source(
        source,
        categories=_json_list(row["categories_json"]),
        subject_types=_json_list(row["subject_types_json"]),
        identifier=row["identifier"],
        protection=row["protection"],
        key_scope=row["key_scope"],
        inherited_from=inherited,
    )
