"""``POST /v1/events/{event}/versions``: a new version, with or without an upcaster to it.

Under the ``BACKWARD_OR_UPCASTABLE`` policy a new version N of an event type is accepted when
events of version N-1 can be read as N: either the format resolves the change safely by
itself (an implicit edge exists), or the request carries an upcaster from N-1 that passes the
static checks, the sample validation and the version-graph check. The schema is then
registered with the registry's own compatibility check bypassed, since this policy has just
decided. Without the policy the registry's compatibility check applies as usual.

Either way an upcaster is checked against an overlay index in which the candidate schema
takes the next version number, before anything is written, and its edge row is stored in the
version's write transaction: both are kept or neither is, so a refused upcaster never leaves
a version behind and a failure never leaves a ``GAP``. A schema the subject holds already is
returned as the registry returns it, and its upcaster is not looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from evcat.audit import ANONYMOUS, Actor
from evcat.errors import IncompatibleSchemaError, NotFoundError
from evcat.formats import ParsedSchema, get_format
from evcat.registry.entities import SchemaRequest, SubjectVersion
from evcat.registry.service import Registry
from evcat.upcast.edges.implicit import implicit_finder
from evcat.upcast.graph.schemas import SchemaIndex
from evcat.upcast.service import (
    BACKWARD_OR_UPCASTABLE,
    EdgeRecord,
    UpcastService,
    store_row_in,
)

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


class _WouldInsert(Exception):
    """Raised by a registration hook to undo a registration that would write a new version."""


def _refuse_insert(_session: Session, _version: SubjectVersion) -> None:
    raise _WouldInsert


def _registered_already(
    registry: Registry, subject: str, request: SchemaRequest
) -> SubjectVersion | None:
    """The version ``registry.register`` would return ``request`` as without writing, if any."""
    try:
        registry.lookup(subject, request)
    except NotFoundError:
        return None
    # lookup also matches a schema equal only once normalized, or with another id or version
    # than the request names; registering says for sure, and is undone if it would write.
    try:
        return registry.register(subject, request, force=True, after_insert=_refuse_insert)
    except _WouldInsert:
        return None


def _require_implicit_edge(overlay: SchemaIndex, subject: str, previous: int, new: int) -> None:
    """Refuse, under the policy, a version its predecessor's events cannot be read as."""
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


def _next_version(registry: Registry, subject: str) -> int:
    """The number the next version of ``subject`` takes (soft-deleted numbers are taken)."""
    try:
        return max((row.version for row in registry.versions(subject, deleted=True)), default=0) + 1
    except NotFoundError:  # a subject that never had a version
        return 1


def register_version(
    service: UpcastService,
    subject: str,
    request: SchemaRequest,
    upcaster: Mapping[str, Any] | None = None,
    *,
    actor: Actor = ANONYMOUS,
) -> Registration:
    """Register ``request`` under ``subject`` with ``upcaster``, as its policy decides.

    See the module doc. ``upcaster`` is a declarative document read as
    ``UpcastService.prepare`` reads it, at the new version; for a first version that can
    only be a ``rename_type`` from another event type. The version and its upcaster are
    audited under ``actor``, in the one transaction that stores both.
    """
    registry = service.registry
    index = service.snapshot().index
    live = index.versions.get(subject, [])
    gated = service.policy(subject) == BACKWARD_OR_UPCASTABLE
    if upcaster is None and not (gated and live):
        return Registration(registry.register(subject, request, actor=actor))
    existing = _registered_already(registry, subject, request)
    if existing is not None:
        # Checking it as a new version would compare the schema with itself (or a later one).
        return Registration(existing)
    candidate = _parse(service, request)
    new = _next_version(registry, subject)
    overlay = SchemaIndex(
        {**index.ids, (subject, new): _CANDIDATE},
        lambda schema_id: (
            candidate if schema_id == _CANDIDATE else registry.parsed_by_id(schema_id)
        ),
    )
    previous = live[-1] if live else None
    if upcaster is None:  # only under the policy with a live version: see the first test
        _require_implicit_edge(overlay, subject, live[-1], new)
        return Registration(
            registry.register(
                subject,
                request,
                force=True,
                after_insert=_decided_for(subject, new),
                actor=actor,
            )
        )
    checked = service.prepare(upcaster, event=subject, to_version=new, index=overlay)
    spec = checked.spec
    direct = (spec.event_type, spec.from_version, spec.to_type) == (subject, previous, subject)
    if gated and previous is not None and not (direct and spec.to_version == new):
        # A shortcut, a rename or an emit leaves v(N-1) events unread unless the format can.
        _require_implicit_edge(overlay, subject, previous, new)
    stored: list[EdgeRecord] = []

    def store_edge(session: Session, _version: SubjectVersion) -> None:
        stored.append(store_row_in(session, checked.row(), replace=False, actor=actor))

    # Under the policy the decision is made; without it the registry's own check still applies.
    version = registry.register(
        subject,
        request,
        force=gated,
        after_insert=_decided_for(subject, new, store_edge),
        actor=actor,
    )
    # No edge when the same schema was registered meanwhile (the hook did not run).
    return Registration(version, stored[0] if stored else None)
