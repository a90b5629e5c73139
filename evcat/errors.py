"""The error catalogue: every error evcat reports to a caller, with its status, code and title.

Raising one of these is how any layer says "the caller must fix something"; anything else
that escapes a request is a bug and becomes a 500. Each class states its HTTP ``status``, its
``error_code`` (unique across evcat: a code means one thing everywhere) and a short ``title``;
its docstring says when it is raised. ``docs/errors.md`` is generated from this module
(``python -m evcat.errors > docs/errors.md``).

Codes: Confluent's own codes are kept exactly as Confluent's registry uses them (40401-40409,
42201-42209, 409, ...), so its clients work unchanged. A bare HTTP status as the code (400,
404, 405, 413, 415, 422, 500) means the generic refusal of that status. evcat's own codes are
the status followed by two digits from 20 up, one band per package: 20-29 the registry,
30-39 the catalog, 40-49 GDPR, 50-59 upcasting, 60-69 the HTTP layer.

The route family decides how an error is shown (``evcat.http.families``): Confluent's
``{"error_code", "message"}``, an RFC 7807 problem with a ``problems`` list on ``/v1``, or the
website's HTML page. ``problem_items`` gives the list; ``headers`` are sent with the answer.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any, ClassVar

# -- the bases ---------------------------------------------------------------------------------


class EvcatError(Exception):
    """Base of every error evcat reports to a caller; never raised itself."""

    status: ClassVar[int] = 500
    error_code: ClassVar[int] = 500
    title: ClassVar[str] = HTTPStatus(500).phrase

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})
        self._items = [dict(item) for item in problems]

    def problem_items(self) -> list[dict[str, Any]]:
        """Each thing wrong, for the ``problems`` list of an RFC 7807 answer.

        One item holding the message, unless the error is made of several problems.
        """
        return self._items or [{"message": self.message}]


class InternalError(EvcatError):
    """Something failed that is not the caller's fault: a bug, or the database went away.

    Raised by no code: the HTTP layer answers any unexpected exception with it, in the
    shape of the route, and logs the traceback with the request id.
    """


class BadRequestError(EvcatError):
    """The request cannot be read: a body that is not a JSON object, a query parameter that
    is not an integer, a NUL character or bad UTF-8 in the path or query string."""

    status = 400
    error_code = 400
    title = HTTPStatus(400).phrase


class NotFoundError(EvcatError):
    """The path names no route (an unknown route, on every family)."""

    status = 404
    error_code = 404
    title = HTTPStatus(404).phrase


class MethodNotAllowedError(EvcatError):
    """The route exists but not for this method; the ``Allow`` header lists the ones it has."""

    status = 405
    error_code = 405
    title = HTTPStatus(405).phrase

    def __init__(self, allowed: Sequence[str]) -> None:
        methods = ", ".join(sorted(set(allowed)))
        super().__init__(
            f"HTTP 405 Method Not Allowed: use one of {methods}", headers={"Allow": methods}
        )


class PayloadTooLargeError(EvcatError):
    """The request body is larger than ``EVCAT_MAX_REQUEST_BYTES``; refused before it is read
    when ``Content-Length`` says so, else as soon as the streamed body passes the limit."""

    status = 413
    error_code = 413
    title = HTTPStatus(413).phrase

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Request body is larger than {limit} bytes (EVCAT_MAX_REQUEST_BYTES); send a "
            "smaller schema or split it with references"
        )


class UnsupportedMediaTypeError(EvcatError):
    """A state-changing request (POST, PUT, PATCH, DELETE) with a body whose
    ``Content-Type`` is not JSON, YAML, ``application/vnd.schemaregistry*`` or
    ``application/octet-stream``: what an HTML form sends across sites (CSRF)."""

    status = 415
    error_code = 415
    title = HTTPStatus(415).phrase


class UnprocessableError(EvcatError):
    """The request is well formed but a value in it cannot be used: a parameter outside its
    range, a config field of the wrong type, a body that does not match the route's model
    (each mismatch is one of ``problems``)."""

    status = 422
    error_code = 422
    title = HTTPStatus(422).phrase


# -- Confluent's registry errors ---------------------------------------------------------------


class SubjectNotFoundError(NotFoundError):
    """The subject has no versions (or only soft-deleted ones and ``deleted`` was not set)."""

    error_code = 40401
    title = "Subject not found"

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' not found.")


class VersionNotFoundError(NotFoundError):
    """The subject holds no such version (or it is soft-deleted and ``deleted`` was not set)."""

    error_code = 40402
    title = "Version not found"

    def __init__(self, version: int | str) -> None:
        super().__init__(f"Version {version} not found.")


class SchemaNotFoundError(NotFoundError):
    """No schema has this id or guid, or a lookup found no version with this schema."""

    error_code = 40403
    title = "Schema not found"

    def __init__(self, schema_id: int | str | None = None) -> None:
        super().__init__(
            "Schema not found" if schema_id is None else f"Schema {schema_id} not found"
        )


class SubjectSoftDeletedError(NotFoundError):
    """A soft delete of a subject that is already soft-deleted."""

    error_code = 40404
    title = "Subject already soft-deleted"

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"
        )


class SubjectNotSoftDeletedError(NotFoundError):
    """A permanent delete of a subject whose versions were not soft-deleted first."""

    error_code = 40405
    title = "Subject not soft-deleted first"

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was not deleted first before being permanently deleted"
        )


class VersionSoftDeletedError(NotFoundError):
    """A soft delete of a version that is already soft-deleted."""

    error_code = 40406
    title = "Version already soft-deleted"

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was soft deleted."
            "Set permanent=true to delete permanently"
        )


class VersionNotSoftDeletedError(NotFoundError):
    """A permanent delete of a version that was not soft-deleted first."""

    error_code = 40407
    title = "Version not soft-deleted first"

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was not deleted first "
            "before being permanently deleted"
        )


class SubjectConfigNotFoundError(NotFoundError):
    """``GET /config/{subject}`` without ``defaultToGlobal`` on a subject with no config."""

    error_code = 40408
    title = "Subject has no config"

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' does not have subject-level compatibility configured"
        )


class SubjectModeNotFoundError(NotFoundError):
    """``GET /mode/{subject}`` without ``defaultToGlobal`` on a subject with no mode."""

    error_code = 40409
    title = "Subject has no mode"

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' does not have subject-level mode configured")


class IncompatibleSchemaError(EvcatError):
    """A registration the subject's compatibility level refuses; the message lists every
    difference with the version it conflicts with (Confluent's code before 8.0.4)."""

    status = 409
    error_code = 409
    title = "Incompatible schema"

    def __init__(self, subject: str, messages: list[str], incompatibilities: list[object]) -> None:
        super().__init__(
            "Schema being registered is incompatible with an earlier schema for subject "
            f'"{subject}", details: [{", ".join(messages)}]'
        )
        self.messages = messages
        self.incompatibilities = incompatibilities


class InvalidSchemaError(UnprocessableError):
    """The schema does not parse, or its type, references, ``metadata``, ``ruleSet`` or
    explicit version or id are wrong."""

    error_code = 42201
    title = "Invalid schema"


class InvalidVersionError(UnprocessableError):
    """A version in the path that is neither a number from 1 to 2^31-1 nor ``latest``."""

    error_code = 42202
    title = "Invalid version"

    def __init__(self, version: str) -> None:
        super().__init__(
            f"The specified version '{version}' is not a valid version id. "
            'Allowed values are between [1, 2^31-1] and the string "latest"'
        )


class InvalidCompatibilityLevelError(UnprocessableError):
    """``PUT /config`` with a level that is not one of the seven."""

    error_code = 42203
    title = "Invalid compatibility level"

    def __init__(self, given: object) -> None:
        super().__init__(
            f"Invalid compatibility level {given!r}. Valid values are none, backward, forward, "
            "full, backward_transitive, forward_transitive, and full_transitive"
        )


class InvalidModeError(UnprocessableError):
    """``PUT /mode`` with a mode that is not READWRITE, READONLY, READONLY_OVERRIDE or IMPORT."""

    error_code = 42204
    title = "Invalid mode"

    def __init__(self, given: object) -> None:
        super().__init__(
            f"Invalid mode {given!r}. Valid values are READWRITE, READONLY, READONLY_OVERRIDE "
            "and IMPORT."
        )


class OperationNotPermittedError(UnprocessableError):
    """The subject's mode forbids the write: READONLY, an id outside IMPORT, none inside it,
    IMPORT over existing subjects without ``force``, an id already holding other content, or
    no id or version number left."""

    error_code = 42205
    title = "Operation not permitted"


class ReferenceExistsError(UnprocessableError):
    """A delete of a version that another live schema references."""

    error_code = 42206
    title = "Version is referenced"

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"One or more references exist to the schema {{subject={subject},version={version}}}."
        )


class InvalidSubjectError(UnprocessableError):
    """A subject name that is empty, holds control characters, or is reserved."""

    error_code = 42208
    title = "Invalid subject"

    def __init__(self, subject: str, why: str) -> None:
        super().__init__(f"The specified subject '{subject}' is not valid: {why}")


class SchemaTooLargeError(UnprocessableError):
    """A schema larger than ``EVCAT_MAX_SCHEMA_BYTES``."""

    error_code = 42209
    title = "Schema too large"


# -- sign-in and rate limits --------------------------------------------------------------------


class UnauthorizedError(EvcatError):
    """No credentials where the auth file asks for them, or credentials that are wrong (the
    message never says which part). Carries the ``WWW-Authenticate`` challenges."""

    status = 401
    error_code = 40101
    title = "Unauthorized"

    def __init__(self, message: str = "Unauthorized") -> None:
        # Two challenges in one header (RFC 9110 11.6.1): browsers ask for Basic credentials,
        # API clients learn that bearer tokens work too.
        super().__init__(
            message, headers={"WWW-Authenticate": 'Basic realm="evcat", Bearer realm="evcat"'}
        )


class ForbiddenError(EvcatError):
    """A signed-in principal whose bindings do not grant the operation on the resource:
    ``User NAME is denied operation OP on Subject: S``."""

    status = 403
    error_code = 40301
    title = "Forbidden"

    def __init__(self, who: str, operation: str, resource: str) -> None:
        super().__init__(f"{who} is denied operation {operation} on {resource}")


class RateLimitedError(EvcatError):
    """The principal (or an anonymous client's address) spent its ``rate_limits`` budget;
    ``Retry-After`` says when a request is admitted again."""

    status = 429
    error_code = 42901
    title = "Rate limit exceeded"

    def __init__(self, retry_after: str) -> None:
        super().__init__(
            f"Rate limit exceeded; retry after {retry_after} s",
            headers={"Retry-After": retry_after},
        )


class SignInThrottledError(EvcatError):
    """Ten refused sign-ins from one address within a minute: that address is refused,
    whatever it sends, until the minute ends (``Retry-After``)."""

    status = 429
    error_code = 42920
    title = "Too many refused sign-ins"

    def __init__(self, retry_after: str) -> None:
        super().__init__(
            f"Too many refused sign-ins from this address; retry after {retry_after} s",
            headers={"Retry-After": retry_after},
        )


# -- evcat's registry --------------------------------------------------------------------------


class LimitExceededError(UnprocessableError):
    """A request would pass a configured budget: a subject already holds
    ``EVCAT_MAX_VERSIONS_PER_SUBJECT`` versions."""

    error_code = 42220
    title = "Limit exceeded"


# -- the catalog -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class CatalogProblem:
    """One thing wrong with a catalog document. ``line`` 0 means the file as a whole."""

    file: str
    line: int
    path: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}"


class CatalogNotFoundError(NotFoundError):
    """The catalog holds no resource of this kind and id (event, version, service, team...)."""

    error_code = 40430
    title = "Not in the catalog"

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind} '{name}' not found in the catalog")
        self.kind = kind
        self.name = name


class CatalogProblems(UnprocessableError):
    """Catalog documents that cannot be applied (bad YAML, schema violations, references to
    nothing); each is one of ``problems`` with file, line and path. Nothing was written."""

    error_code = 42230
    title = "Invalid catalog documents"

    def __init__(self, problems: Sequence[CatalogProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the catalog, nothing written: "
            + "; ".join(str(p) for p in self.problems)
        )

    def problem_items(self) -> list[dict[str, Any]]:
        return [problem.as_dict() for problem in self.problems]


class CatalogInputError(UnprocessableError):
    """A catalog request that names something impossible: a bad version or range, no or
    several resources where one is needed, a body that is not UTF-8."""

    error_code = 42231
    title = "Invalid catalog request"


# -- GDPR --------------------------------------------------------------------------------------


class GdprInputError(UnprocessableError):
    """A request naming an unknown category, subject type, field path, report or value; the
    message names the nearest valid values."""

    error_code = 42240
    title = "Invalid data-map request"

    def __init__(self, message: str, value: str = "", suggestions: Sequence[str] = ()) -> None:
        self.value = value
        self.suggestions = list(suggestions)
        super().__init__(message)


# -- upcasting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcastProblem:
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


class InvalidWireFormat(BadRequestError):
    """Bytes that are not a Confluent wire-format frame (magic byte 0, 4-byte schema id)."""

    error_code = 40050
    title = "Invalid wire format"


class InvalidStoredEvent(BadRequestError):
    """An input that is not a stored event: not JSON, no type, a version not a number, a
    CloudEvent the SDK refuses."""

    error_code = 40051
    title = "Invalid stored event"


class UnknownEventVersion(NotFoundError):
    """The event names a type, version or schema id the registry does not hold."""

    error_code = 40450
    title = "Unknown event version"


class EdgeNotFoundError(NotFoundError):
    """No upcaster from that version arrives at this version of the event."""

    error_code = 40451
    title = "Upcaster not found"


class EdgeExistsError(EvcatError):
    """An upcaster between these two versions is already registered (send ``replace``)."""

    status = 409
    error_code = 40950
    title = "Upcaster exists"


class ProblemsError(UnprocessableError):
    """Base of the upcast errors made of problems, each with a stable ``code``; not raised
    itself."""

    def __init__(self, problems: Sequence[UpcastProblem]) -> None:
        self.problems = list(problems)
        detail = "; ".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        super().__init__(f"{self.title}: {detail}" + (f" (and {more} more)" if more > 0 else ""))

    def problem_items(self) -> list[dict[str, Any]]:
        return [problem.as_dict() for problem in self.problems]

    @property
    def code(self) -> str:
        """The first problem's code."""
        return self.problems[0].code if self.problems else ""

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


class SpecError(ProblemsError):
    """An upcaster document is malformed or does not fit the schemas it connects."""

    error_code = 42250
    title = "Invalid upcaster"


class GraphError(ProblemsError):
    """The version graph of an event type cannot be used to read events (a gap, a cycle, an
    ambiguous route)."""

    error_code = 42251
    title = "Invalid upcaster graph"


class ValidationFailedError(ProblemsError):
    """Generated samples run through an edge produced output the target schema refuses."""

    error_code = 42252
    title = "Upcaster validation failed"


class CodeDriftError(ProblemsError):
    """A pinned Python upcaster is missing or its source changed since it was registered
    (with ``EVCAT_UPCASTER_CODE_DRIFT=fail``)."""

    error_code = 42253
    title = "Upcaster code drift"


class FutureSchemaVersion(UnprocessableError):
    """The event is newer than the version the reader asked for, and no downcast leads there."""

    error_code = 42254
    title = "Event newer than the target"

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

    error_code = 42255
    title = "Event version unknown"


class UpcastFailed(UnprocessableError):
    """An operation could not transform one event (a cast overflowed, a value had a wrong type)."""

    error_code = 42256
    title = "Upcast failed"

    def __init__(self, message: str, *, event_type: str = "", version: int = 0) -> None:
        where = f"{event_type} v{version}: " if event_type else ""
        super().__init__(f"{where}{message}")


# -- the HTTP layer ----------------------------------------------------------------------------


class HostNotAllowedError(BadRequestError):
    """The ``Host`` header names a host outside ``EVCAT_ALLOWED_HOSTS`` (DNS rebinding)."""

    error_code = 40060
    title = "Host not allowed"


class OriginNotAllowedError(EvcatError):
    """A state-changing request from a browser page whose ``Origin`` is not in
    ``EVCAT_ALLOWED_ORIGINS`` (cross-site request forgery)."""

    status = 403
    error_code = 40360
    title = "Origin not allowed"


class BodyReadTimeoutError(EvcatError):
    """The request body did not arrive within ``EVCAT_BODY_READ_TIMEOUT`` seconds (a slow or
    stalled client); the connection is closed after the answer."""

    status = 408
    error_code = 40860
    title = HTTPStatus(408).phrase

    def __init__(self, timeout: float) -> None:
        super().__init__(
            f"The request body did not arrive within {timeout:g} seconds "
            "(EVCAT_BODY_READ_TIMEOUT); send it at once",
            headers={"Connection": "close"},
        )


class UnstorableTextError(BadRequestError):
    """A body holds text JSON allows but no store keeps: NUL (``\\u0000``) or a lone UTF-16
    surrogate; the message names the JSON path, or the byte offset of a non-JSON body."""

    error_code = 40061
    title = "Text that cannot be stored"

    def __init__(self, reason: str) -> None:
        super().__init__(f"Request body refused: {reason}")


# -- the catalogue itself ----------------------------------------------------------------------

ABSTRACT: tuple[type[EvcatError], ...] = (EvcatError, ProblemsError)
"""Bases that are never raised themselves, so they hold no code of their own."""


def catalogue() -> list[type[EvcatError]]:
    """Every error class that can reach a caller, ordered by status then code."""
    found: list[type[EvcatError]] = []
    pending: list[type[EvcatError]] = [EvcatError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls not in ABSTRACT:
            found.append(cls)
    return sorted(found, key=lambda cls: (cls.status, cls.error_code, cls.__name__))


def is_confluent_code(code: int) -> bool:
    """True for a code in one of Confluent's ranges (a status alone, or its two-digit codes
    below 20), which only Confluent's own errors may use."""
    return code < 1000 or code % 100 < 20


def when_raised(cls: type[EvcatError]) -> str:
    """The class's docstring on one line, in Markdown: when the error is raised."""
    return " ".join((inspect.getdoc(cls) or "").split()).replace("``", "`")


def markdown() -> str:
    """``docs/errors.md``: the catalogue as a table, one row per error."""
    lines = [
        "# Errors",
        "",
        "Generated from `evcat/errors.py` by `python -m evcat.errors > docs/errors.md`;",
        "do not edit by hand.",
        "",
        "Every error has one code, which means the same thing on every route. How it is shown",
        'depends on the route: Confluent routes answer `{"error_code": N, "message": ...}`;',
        "`/v1` routes answer `application/problem+json` (RFC 7807) with `type`, `title`,",
        "`status`, `detail`, `error_code` and a `problems` list; website pages under",
        "`/catalog/` answer an HTML page with the message. Codes that are the HTTP status alone",
        "or end in 01-19 are Confluent's; evcat's own end in 20 and above.",
        "",
        "| HTTP | Code | Title | Error | When |",
        "|---|---|---|---|---|",
    ]
    for cls in catalogue():
        origin = "" if is_confluent_code(cls.error_code) else " (evcat)"
        lines.append(
            f"| {cls.status} | {cls.error_code}{origin} | {cls.title} | `{cls.__name__}` "
            f"| {when_raised(cls)} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
