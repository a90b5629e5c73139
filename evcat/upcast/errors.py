"""Upcasting's errors, re-exported from the one catalogue in ``evcat.errors``.

A problem names what is wrong (``code``), where (event type, versions, path, op index) and
what to do about it (``message``); errors made of problems list each one.
"""

from __future__ import annotations

from evcat.errors import (
    CodeDriftError,
    EdgeExistsError,
    EdgeNotFoundError,
    FutureSchemaVersion,
    GraphError,
    InvalidStoredEvent,
    InvalidWireFormat,
    ProblemsError,
    SpecError,
    UnknownEventVersion,
    UnresolvableSchemaVersion,
    UpcastFailed,
    ValidationFailedError,
)
from evcat.errors import UpcastProblem as Problem

__all__ = [
    "CodeDriftError",
    "EdgeExistsError",
    "EdgeNotFoundError",
    "FutureSchemaVersion",
    "GraphError",
    "InvalidStoredEvent",
    "InvalidWireFormat",
    "Problem",
    "ProblemsError",
    "SpecError",
    "UnknownEventVersion",
    "UnresolvableSchemaVersion",
    "UpcastFailed",
    "ValidationFailedError",
]
