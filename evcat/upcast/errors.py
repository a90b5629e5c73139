"""Upcasting errors: each carries structured problems with a stable code.

A problem names what is wrong (``code``), where (event type, versions, path, op index) and
what to do about it (``message``). Errors raised by the upcast layer are ``EvcatError``s, so
the ``/v1`` API renders them as RFC 7807 problems; the upcast router adds the problem list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from evcat.errors import BadRequestError, EvcatError, NotFoundError, UnprocessableError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upcaster, the version graph or an event."""

    code: str
    message: str
    event_type: str = ""
    versions: tuple[int, ...] = ()
    path: str = ""
    op: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in ("", (), None)}

    def __str__(self) -> str:
        where = f"{self.event_type} " if self.event_type else ""
        if self.versions:
            where += "v" + "->v".join(str(v) for v in self.versions) + " "
        if self.op is not None:
            where += f"op #{self.op} "
        return f"{self.code}: {where}{self.message}".strip()


class ProblemsError(UnprocessableError):
    """An error made of one or more problems; ``code`` is the first problem's code."""

    error_code = 42230
    summary = "Upcaster problems"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        detail = "; ".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        super().__init__(f"{self.summary}: {detail}" + (f" (and {more} more)" if more > 0 else ""))

    @property
    def code(self) -> str:
        return self.problems[0].code if self.problems else ""

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


class SpecError(ProblemsError):
    """An upcaster document is malformed or does not fit the schemas it connects."""

    error_code = 42230
    summary = "Invalid upcaster"


class GraphError(ProblemsError):
    """The version graph of an event type cannot be used to read events."""

    error_code = 42231
    summary = "Invalid upcaster graph"


class ValidationFailedError(ProblemsError):
    """Generated samples run through an edge produced output the target schema refuses."""

    error_code = 42232
    summary = "Upcaster validation failed"


class CodeDriftError(ProblemsError):
    """A pinned Python upcaster is missing or its source changed since it was registered."""

    error_code = 42233
    summary = "Upcaster code drift"


class FutureSchemaVersion(UnprocessableError):
    """The event is newer than the version the reader asked for, and no downcast leads there."""

    error_code = 42234

    def __init__(self, event_type: str, version: int, target: tuple[str, int]) -> None:
        super().__init__(
            f"Event {event_type} v{version} is newer than the target {target[0]} v{target[1]}: "
            "upgrade the reader, or register a downcast edge"
        )
        self.event_type = event_type
        self.version = version
        self.target = target


class UnresolvableSchemaVersion(UnprocessableError):
    """Nothing in an event says which schema version its data was written with."""

    error_code = 42235


class UnknownEventVersion(NotFoundError):
    """The event names a type, version or schema id the registry does not hold."""

    error_code = 40430


class UpcastFailed(UnprocessableError):
    """An operation could not transform one event (a cast overflowed, a value had a wrong type)."""

    error_code = 42236

    def __init__(self, message: str, *, event_type: str = "", version: int = 0) -> None:
        where = f"{event_type} v{version}: " if event_type else ""
        super().__init__(f"{where}{message}")


class InvalidWireFormat(BadRequestError):
    """Bytes that are not a Confluent wire-format frame (magic byte 0, 4-byte schema id)."""

    error_code = 40030


class InvalidStoredEvent(BadRequestError):
    """An input line that is not a stored event (not JSON, no type, a version not a number)."""

    error_code = 40031


class EdgeExistsError(EvcatError):
    """An upcaster between these two versions is already registered."""

    status = 409
    error_code = 40930


class EdgeNotFoundError(NotFoundError):
    error_code = 40431
