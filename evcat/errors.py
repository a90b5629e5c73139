"""Domain errors. Each knows its HTTP status and its Confluent error code.

The Confluent router renders them as ``{"error_code": N, "message": "..."}``; evcat's own API
renders the same errors as RFC 7807 problems. Raising one of these is how any layer says
"the caller must fix something"; anything else that escapes is a bug and becomes a 500.
"""

from __future__ import annotations

from http import HTTPStatus

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem(status: int, code: int, message: str) -> dict[str, object]:
    """``message`` as an RFC 7807 problem: the shape of every error on the ``/v1`` routes.

    The type is ``about:blank``, so the title is the status's phrase (RFC 7807, 4.2): the
    same for every occurrence. What went wrong and how to fix it is the ``detail``.
    """
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = f"HTTP {status}"
    return {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": message,
        "error_code": code,
    }


class EvcatError(Exception):
    """Base of every error evcat reports to a caller."""

    status: int = 500
    error_code: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(EvcatError):
    status = 400
    error_code = 400


class NotFoundError(EvcatError):
    status = 404
    error_code = 404


class SubjectNotFoundError(NotFoundError):
    error_code = 40401

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' not found.")


class VersionNotFoundError(NotFoundError):
    error_code = 40402

    def __init__(self, version: int | str) -> None:
        super().__init__(f"Version {version} not found.")


class SchemaNotFoundError(NotFoundError):
    error_code = 40403

    def __init__(self, schema_id: int | str | None = None) -> None:
        super().__init__(
            "Schema not found" if schema_id is None else f"Schema {schema_id} not found"
        )


class SubjectSoftDeletedError(NotFoundError):
    error_code = 40404

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"
        )


class SubjectNotSoftDeletedError(NotFoundError):
    error_code = 40405

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was not deleted first before being permanently deleted"
        )


class VersionSoftDeletedError(NotFoundError):
    error_code = 40406

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was soft deleted."
            "Set permanent=true to delete permanently"
        )


class VersionNotSoftDeletedError(NotFoundError):
    error_code = 40407

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was not deleted first "
            "before being permanently deleted"
        )


class SubjectConfigNotFoundError(NotFoundError):
    error_code = 40408

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' does not have subject-level compatibility configured"
        )


class SubjectModeNotFoundError(NotFoundError):
    error_code = 40409

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' does not have subject-level mode configured")


class MethodNotAllowedError(EvcatError):
    status = 405
    error_code = 405


class IncompatibleSchemaError(EvcatError):
    status = 409
    error_code = 409

    def __init__(self, subject: str, messages: list[str], incompatibilities: list[object]) -> None:
        super().__init__(
            "Schema being registered is incompatible with an earlier schema for subject "
            f'"{subject}", details: [{", ".join(messages)}]'
        )
        self.messages = messages
        self.incompatibilities = incompatibilities


class UnprocessableError(EvcatError):
    status = 422
    error_code = 422


class InvalidSchemaError(UnprocessableError):
    error_code = 42201


class InvalidVersionError(UnprocessableError):
    error_code = 42202

    def __init__(self, version: str) -> None:
        super().__init__(
            f"The specified version '{version}' is not a valid version id. "
            'Allowed values are between [1, 2^31-1] and the string "latest"'
        )


class InvalidCompatibilityLevelError(UnprocessableError):
    error_code = 42203

    def __init__(self, given: object) -> None:
        super().__init__(
            f"Invalid compatibility level {given!r}. Valid values are none, backward, forward, "
            "full, backward_transitive, forward_transitive, and full_transitive"
        )


class InvalidModeError(UnprocessableError):
    error_code = 42204

    def __init__(self, given: object) -> None:
        super().__init__(
            f"Invalid mode {given!r}. Valid values are READWRITE, READONLY, READONLY_OVERRIDE "
            "and IMPORT."
        )


class OperationNotPermittedError(UnprocessableError):
    error_code = 42205


class ReferenceExistsError(UnprocessableError):
    error_code = 42206

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"One or more references exist to the schema {{subject={subject},version={version}}}."
        )


class InvalidSubjectError(UnprocessableError):
    error_code = 42208

    def __init__(self, subject: str, why: str) -> None:
        super().__init__(f"The specified subject '{subject}' is not valid: {why}")


class SchemaTooLargeError(UnprocessableError):
    error_code = 42209


class LimitExceededError(UnprocessableError):
    """A request would cost more than the configured budget (versions, compatibility work)."""

    error_code = 42205


class UnauthorizedError(EvcatError):
    """No credentials where the route needs them, or credentials that are wrong."""

    status = 401
    error_code = 40101

    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)


class ForbiddenError(EvcatError):
    """A verified principal whose bindings do not grant the operation on the resource."""

    status = 403
    error_code = 40301

    def __init__(self, who: str, operation: str, resource: str) -> None:
        super().__init__(f"{who} is denied operation {operation} on {resource}")


class RateLimitedError(EvcatError):
    """The principal (or anonymous client address) spent its request budget."""

    status = 429
    error_code = 42901

    def __init__(self, retry_after: str) -> None:
        super().__init__(f"Rate limit exceeded; retry after {retry_after} s")
        self.retry_after = retry_after


class SignInThrottledError(EvcatError):
    """Too many refused sign-ins from one address within a minute."""

    status = 429
    error_code = 42902

    def __init__(self, retry_after: str) -> None:
        super().__init__(
            f"Too many refused sign-ins from this address; retry after {retry_after} s"
        )
        self.retry_after = retry_after
