"""Semantic diff of any two versions of an event (F8).

Fields added, removed and changed (type, doc, optionality, tags); the verdict of every
compatibility level from ``evcat.compat`` (``to`` as the new schema, ``from`` as the old one;
transitive levels also compare with the versions in between, newest first, as registration
would); privacy changes (categories gained or lost, classified fields removed); the consumer
edges whose declared fields the change touches; and the unified diff of the schema texts.
"""

from __future__ import annotations

import difflib
from typing import Any

import orjson

from evcat import compat
from evcat.catalog import queries
from evcat.catalog.discovery import resolve_versions
from evcat.catalog.fields import SchemaField
from evcat.catalog.service import Catalog
from evcat.db import read_session
from evcat.formats import PROTOBUF
from evcat.gdpr.classify import Classifier, load_inputs
from evcat.gdpr.fields import resolve
from evcat.gdpr.propagation import related


def _field(value: SchemaField) -> dict[str, Any]:
    return {
        "type": value.type,
        "doc": value.doc,
        "optional": value.optional,
        "tags": list(value.tags),
    }


def _pretty(text: str, schema_type: str) -> list[str]:
    if schema_type == PROTOBUF:
        return text.splitlines(keepends=True)
    try:
        return (
            orjson.dumps(orjson.loads(text), option=orjson.OPT_INDENT_2)
            .decode()
            .splitlines(keepends=True)
        )
    except orjson.JSONDecodeError:
        return text.splitlines(keepends=True)


def diff_versions(catalog: Catalog, name: str, old_spec: str, new_spec: str) -> dict[str, Any]:
    """The diff between versions ``old_spec`` and ``new_spec`` (numbers or ``latest``)."""
    full, old, versions = resolve(catalog, name, old_spec)
    _, new, _ = resolve(catalog, full, new_spec)
    old_fields = {f.path: f for f in catalog.fields(old)}
    new_fields = {f.path: f for f in catalog.fields(new)}
    added = [p for p in new_fields if p not in old_fields]
    removed = [p for p in old_fields if p not in new_fields]
    changed: list[dict[str, Any]] = []
    for path, before in old_fields.items():
        after = new_fields.get(path)
        if after is None:
            continue
        was, now = _field(before), _field(after)
        differences = {k: {"from": was[k], "to": now[k]} for k in was if was[k] != now[k]}
        if differences:
            changed.append({"path": path, "changes": differences})
    with read_session(catalog.engine) as session:
        inputs = load_inputs(session, [full])
        edges = queries.edges(session, event=full, role="consumes")
    classifier = Classifier(catalog, inputs)
    old_class = classifier.version(full, old, versions)
    new_class = classifier.version(full, new, versions)
    privacy: list[dict[str, Any]] = []
    for path in sorted(set(old_class) | set(new_class)):
        before_c = set(old_class[path].categories) if path in old_class else set()
        after_c = set(new_class[path].categories) if path in new_class else set()
        if before_c == after_c:
            continue
        change = (
            "removed" if path not in new_class else "added" if path not in old_class else "changed"
        )
        privacy.append(
            {
                "path": path,
                "change": change,
                "gained": sorted(after_c - before_c),
                "lost": sorted(before_c - after_c),
            }
        )
    touched_paths = set(removed) | {c["path"] for c in changed}
    consumers = []
    for edge in edges:
        touched = [f for f in edge["fields"] if any(related(f, p) for p in touched_paths)]
        if touched:
            available = [v.version for v in versions]
            consumers.append(
                {
                    "service": edge["service"],
                    "channel": edge["channel"],
                    "version": edge["version"],
                    "resolved_versions": resolve_versions(edge["version"], available),
                    "fields": touched,
                    "removed": [f for f in touched if any(related(f, p) for p in removed)],
                }
            )
    registry = catalog.registry
    old_parsed, new_parsed = (
        registry.parsed_by_id(old.schema_id),
        registry.parsed_by_id(new.schema_id),
    )
    low, high = sorted((old.version, new.version))
    between = [
        (v.version, registry.parsed_by_id(v.schema_id))
        for v in versions
        if low <= v.version <= high and v.version != new.version
    ]
    verdicts: dict[str, Any] = {}
    for level in compat.CompatibilityLevel:
        compared = between if level.transitive else [(old.version, old_parsed)]
        issues = compat.check(new_parsed, compared, level)
        verdicts[level.value] = {
            "compatible": not issues,
            "incompatibilities": [
                {
                    "rule": i.rule,
                    "path": i.path,
                    "message": i.message,
                    "fix": i.fix,
                    "version": i.version,
                    "direction": i.direction,
                }
                for i in issues
            ],
        }
    texts = registry.schemas_by_ids([old.schema_id, new.schema_id])
    unified = "".join(
        difflib.unified_diff(
            _pretty(texts[old.schema_id].text, old.schema_type),
            _pretty(texts[new.schema_id].text, new.schema_type),
            f"{full} v{old.version}",
            f"{full} v{new.version}",
        )
    )
    return {
        "event": full,
        "from": old.version,
        "to": new.version,
        "added": [{"path": p, **_field(new_fields[p])} for p in added],
        "removed": [{"path": p, **_field(old_fields[p])} for p in removed],
        "changed": changed,
        "compatibility": verdicts,
        "privacy_changes": privacy,
        "consumers_touched": consumers,
        "unified_diff": unified,
    }
