"""What an audit record may say: its actions and its outcomes."""

from __future__ import annotations

from typing import Literal

Outcome = Literal["success", "refused"]
OUTCOMES: tuple[Outcome, ...] = ("success", "refused")

ACTIONS: dict[str, str] = {
    "schema.register": "a new version of a subject (schema text kept as a digest)",
    "version.soft-delete": "a subject version marked deleted",
    "version.hard-delete": "a soft-deleted subject version removed for good",
    "subject.soft-delete": "every live version of a subject marked deleted",
    "subject.hard-delete": "a soft-deleted subject removed for good",
    "config.set": "compatibility config of a subject or of the registry",
    "config.delete": "a subject's (or the global) config removed",
    "mode.set": "mode of a subject or of the registry",
    "mode.delete": "a subject's (or the global) mode removed",
    "registry.import": "an import of exported registry data",
    "catalog.apply": "one catalog apply: what it created, updated and deleted",
    "catalog.create": "a catalog resource created by an apply",
    "catalog.update": "a catalog resource changed by an apply",
    "catalog.delete": "a catalog resource deleted by an apply (prune)",
    "upcaster.add": "a declarative upcaster stored (or replaced)",
    "upcaster.pin": "a Python upcaster pinned by the hash of its source",
    "upcaster.remove": "an upcaster removed",
    "upcast-policy.set": "an event's registration policy",
    "classification.set": "a GDPR overlay classification of a field",
    "classification.delete": "a GDPR overlay classification removed",
    "tag.map": "a tag mapped to a personal-data category",
    "retention-policy.set": "a retention or residency policy",
    "auth.sign-in": "a sign-in the server refused",
}
