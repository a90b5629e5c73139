"""Deciding whether a principal may perform an operation on a resource.

The union of the bindings that name the principal (by user name, by group, or ``*`` for every
signed-in principal) applies. A binding without ``subjects:`` or ``owned_by:`` covers every
subject and every global resource; one with them covers only its subjects. A schema id is
readable by whoever may read one of the subjects using it (Confluent's rule).

``quick`` answers from memory on the hot path; ``decide`` also looks up owned subjects and the
subjects of a schema id (through the catalog and the registry, off the event loop).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import anyio
from anyio import to_thread

from evcat.auth.config import EVERYONE, AuthConfig, Binding
from evcat.auth.permissions import Permission, Resource
from evcat.auth.principal import Principal
from evcat.auth.roles import OPERATIONS, Operation

OWNERS_SECONDS = 5.0
_GRANTS_ENTRIES = 10_000

OwnedSubjects = Callable[[], dict[str, frozenset[str]]]
SchemaSubjects = Callable[[int], Iterable[str]]


@dataclass(frozen=True)
class _Scoped:
    operations: frozenset[Operation]
    binding: Binding


@dataclass(frozen=True)
class Grants:
    """What one principal may do: operations everywhere, and operations on some subjects."""

    everywhere: frozenset[Operation]
    scoped: tuple[_Scoped, ...]


class OwnerIndex:
    """Subjects owned by each team, read from the catalog and kept ``OWNERS_SECONDS``."""

    def __init__(self, load: OwnedSubjects) -> None:
        self._load = load
        self._owned: dict[str, frozenset[str]] = {}
        self._loaded_at = float("-inf")
        self._lock = anyio.Lock()

    async def subjects(self, team: str) -> frozenset[str]:
        if time.monotonic() - self._loaded_at > OWNERS_SECONDS:
            async with self._lock:
                if time.monotonic() - self._loaded_at > OWNERS_SECONDS:
                    self._owned = await to_thread.run_sync(self._load)
                    self._loaded_at = time.monotonic()
        return self._owned.get(team, frozenset())


class Authorizer:
    """Applies the bindings of one version of the auth file."""

    def __init__(
        self,
        config: AuthConfig,
        owners: OwnerIndex | None = None,
        schema_subjects: SchemaSubjects | None = None,
    ) -> None:
        self.config = config
        self.owners = owners
        self.schema_subjects = schema_subjects
        # By the identity of the principal object: the credential cache hands out the same one
        # for every request with the same header, and identity hashing is the cheapest there is.
        # The principal is kept in the entry, so an id is never mistaken for a newer object's.
        self._grants: dict[int, tuple[Principal, Grants]] = {}
        self._decisions: dict[tuple[Principal, Operation, Resource], tuple[bool, float]] = {}
        self._anonymous = Grants(
            frozenset({Operation.READ}) if config.anonymous == "read" else frozenset(), ()
        )

    def grants(self, principal: Principal) -> Grants:
        """The principal's grants (computed once per principal and file version)."""
        if not principal.signed_in:
            return self._anonymous
        found = self._grants.get(id(principal))
        if found is not None and found[0] is principal:
            return found[1]
        if len(self._grants) >= _GRANTS_ENTRIES:
            self._grants.clear()
        grants = self._grants_of(principal)
        self._grants[id(principal)] = (principal, grants)
        return grants

    def _grants_of(self, principal: Principal) -> Grants:
        everywhere: set[Operation] = set()
        scoped: list[_Scoped] = []
        for binding in self.config.bindings:
            if not _names(binding, principal):
                continue
            operations = OPERATIONS[binding.role]
            if binding.everywhere:
                everywhere |= operations
            else:
                scoped.append(_Scoped(operations, binding))
        return Grants(frozenset(everywhere), tuple(scoped))

    def quick(self, principal: Principal, permission: Permission) -> bool | None:
        """True or False when memory decides; None when ``decide`` must look things up."""
        grants = self.grants(principal)
        if permission.operation in grants.everywhere:
            return True
        resource = permission.resource
        if resource.kind == "Global" or not grants.scoped:
            return False
        relevant = [s for s in grants.scoped if permission.operation in s.operations]
        if not relevant:
            return False
        if resource.kind == "Subject":
            if any(_globbed(s.binding, resource.name) for s in relevant):
                return True
            if not any(s.binding.owned_by for s in relevant):
                return False
        return None

    async def decide(self, principal: Principal, permission: Permission) -> bool:
        """The full decision, looking up owned subjects or a schema's subjects when needed.

        Those decisions are remembered for ``OWNERS_SECONDS``: a consumer bound to some
        subjects fetching schemas by id must not cost a query per request.
        """
        quick = self.quick(principal, permission)
        if quick is not None:
            return quick
        key = (principal, permission.operation, permission.resource)
        now = time.monotonic()
        remembered = self._decisions.get(key)
        if remembered is not None and remembered[1] > now:
            return remembered[0]
        allowed = await self._look_up(principal, permission)
        if len(self._decisions) >= _GRANTS_ENTRIES:
            self._decisions.clear()
        self._decisions[key] = (allowed, now + OWNERS_SECONDS)
        return allowed

    async def _look_up(self, principal: Principal, permission: Permission) -> bool:
        resource = permission.resource
        if resource.kind == "Subject":
            return await self._covers(principal, permission.operation, resource.name)
        if self.schema_subjects is None or not resource.name.isdigit():
            return False
        subjects = await to_thread.run_sync(self.schema_subjects, int(resource.name))
        for subject in subjects:
            if await self._covers(principal, permission.operation, subject):
                return True
        return False

    async def _covers(self, principal: Principal, operation: Operation, subject: str) -> bool:
        for scoped in self.grants(principal).scoped:
            if operation not in scoped.operations:
                continue
            binding = scoped.binding
            if _globbed(binding, subject):
                return True
            owner = binding.owned_by
            if owner is not None and self.owners is not None:
                owned = await self.owners.subjects(owner)
                if subject in owned:
                    return True
        return False


def _names(binding: Binding, principal: Principal) -> bool:
    return (
        principal.name in binding.users
        or EVERYONE in binding.users
        or not binding.groups.isdisjoint(principal.groups)
    )


def _globbed(binding: Binding, subject: str) -> bool:
    return binding.matches_subject is not None and binding.matches_subject(subject)
