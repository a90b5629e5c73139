"""Fast set-up of large registries through evcat's own functions, for benchmark fixtures.

Registering 10,000 schemas one request at a time would take minutes and measure nothing we
report, so fixtures go in bulk: each schema is parsed by evcat's Avro format, identified by
``entities.identity`` and written with ``registry.store`` inside ``db.write_session`` batches,
exactly the calls ``Registry.register`` makes for a new version. What is skipped is what
cannot apply to generated fixtures: compatibility checks (the subjects being filled are set to
NONE or hold one version) and the "already registered" match (content that already has an id is
refused here instead). Ids come from ``store.allocate_schema_id``, versions count up from the
subject's current highest, so the registry's invariants hold. No SQL is written by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from evcat.db import write_session
from evcat.formats import AVRO, get_format
from evcat.registry import store
from evcat.registry.entities import StoredSchema, identity
from evcat.registry.service import Registry, now_ms

BATCH = 500


def _batches(items: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk_register(registry: Registry, items: Iterable[tuple[str, str]]) -> int:
    """Add each (subject, Avro schema text) as the subject's next version; returns the count."""
    avro = get_format(AVRO)
    next_version: dict[str, int] = {}
    count = 0
    for chunk in _batches(items, BATCH):
        with write_session(registry.engine) as session:
            for subject, text in chunk:
                parsed = avro.parse(text)
                fingerprint, guid = identity(AVRO, parsed.canonical, (), None, None)
                if store.schema_ids_with_fingerprint(session, fingerprint):
                    raise ValueError(f"fixture schema for {subject} is already registered")
                if subject not in next_version:
                    rows = store.versions_of(session, subject)
                    next_version[subject] = max((row.version for row in rows), default=0) + 1
                schema_id = store.allocate_schema_id(session)
                created = now_ms()
                stored = StoredSchema(
                    id=schema_id,
                    schema_type=AVRO,
                    text=parsed.canonical,
                    guid=guid,
                    created_ms=created,
                )
                store.insert_schema(session, stored, fingerprint)
                store.insert_version(session, subject, next_version[subject], schema_id, created)
                next_version[subject] += 1
                count += 1
    return count
