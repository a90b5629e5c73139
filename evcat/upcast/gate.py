"""The ``BACKWARD_OR_UPCASTABLE`` registration policy.

Under this policy a new version N of an event type is accepted when events of version N-1
can be read as N: either the format resolves the change safely by itself (an implicit edge
exists), or the request carries an upcaster from N-1 that passes the static checks and the
sample validation. The schema is registered with the registry's own compatibility check
bypassed, since this policy has just decided, and the edge is stored with its report in the
same write transaction: both are kept or neither is, so a failure never leaves a ``GAP``.
Without the policy, registration is plain ``Registry.register`` (plus the edge, if given).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from evcat.errors import IncompatibleSchemaError
from evcat.registry.entities import SchemaRequest, SubjectVersion
from evcat.registry.formats import ParsedSchema, get_format
from evcat.upcast.implicit import implicit_finder
from evcat.upcast.schemas import SchemaIndex
from evcat.upcast.service import (
    BACKWARD_OR_UPCASTABLE,
    EdgeRecord,
    UpcastService,
    spec_row,
    store_row_in,
)
from evcat.upcast.spec import parse_spec

_CANDIDATE = -1  # the schema id the candidate schema takes in the overlay index


@dataclass(frozen=True)
class Registration:
    version: SubjectVersion
    edge: EdgeRecord | None = None


def _parse(service: UpcastService, request: SchemaRequest) -> ParsedSchema:
    registry = service.registry
    dependencies = {
        ref.name: registry.parsed_by_id(registry.version(ref.subject, ref.version).schema.id)
        for ref in request.references
    }
    return get_format(request.schema_type).parse(
        request.schema or "", request.references, dependencies
    )


def _decided_for(
    subject: str, new: int, then: Callable[[Session, SubjectVersion], None] | None = None
) -> Callable[[Session, SubjectVersion], None]:
    """A registration hook that refuses a version number other than the one decided on."""

    def hook(session: Session, version: SubjectVersion) -> None:
        if version.version != new:
            # Another registration took this number after the decision, which then no longer holds.
            raise IncompatibleSchemaError(
                subject,
                [
                    f"v{new} was registered by another request while this one was checked; "
                    "send it again"
                ],
                [],
            )
        if then is not None:
            then(session, version)

    return hook


def register_version(
    service: UpcastService,
    subject: str,
    request: SchemaRequest,
    upcaster: Mapping[str, Any] | None = None,
) -> Registration:
    """Register ``request`` under ``subject`` as its policy decides; see the module doc."""
    registry = service.registry
    index = service.snapshot().index
    live = index.versions.get(subject, [])
    if service.policy(subject) != BACKWARD_OR_UPCASTABLE or not live:
        version = registry.register(subject, request)
        edge = None
        if upcaster is not None and live:
            edge = service.register(upcaster, event=subject, to_version=version.version)
        return Registration(version, edge)
    previous = live[-1]
    candidate = _parse(service, request)
    every = [row.version for row in registry.versions(subject, deleted=True)]
    new = max(every) + 1
    overlay = SchemaIndex(
        {**index.ids, (subject, new): _CANDIDATE},
        lambda schema_id: (
            candidate if schema_id == _CANDIDATE else registry.parsed_by_id(schema_id)
        ),
    )
    if upcaster is None:
        verdict = implicit_finder(overlay)(subject, previous, new)
        if verdict.edge is None:
            raise IncompatibleSchemaError(
                subject,
                [
                    f"v{new} cannot be read from v{previous} without an upcaster "
                    f"({verdict.reason}); send an upcaster from v{previous} with the schema "
                    f"(policy {BACKWARD_OR_UPCASTABLE})"
                ],
                [],
            )
        return Registration(
            registry.register(subject, request, force=True, after_insert=_decided_for(subject, new))
        )
    spec = parse_spec(upcaster, event=subject, to=new, **{"from": previous})
    report = service.check_and_validate(spec, overlay)
    stored: list[EdgeRecord] = []

    def store_edge(session: Session, _version: SubjectVersion) -> None:
        stored.append(store_row_in(session, spec_row(spec, report), replace=False))

    version = registry.register(
        subject, request, force=True, after_insert=_decided_for(subject, new, store_edge)
    )
    # No edge when the same schema was registered already (the hook did not run).
    return Registration(version, stored[0] if stored else None)
