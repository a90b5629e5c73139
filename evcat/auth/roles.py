"""Operations a request may perform and the roles that grant them.

Operation names follow Confluent's authorizer vocabulary where one exists (``Read``, ``Write``,
``Delete``), so a refusal reads the same as Confluent's: ``User ci-bot is denied operation
Write on Subject: orders-value``.
"""

from __future__ import annotations

from enum import StrEnum


class Operation(StrEnum):
    """What a request does; the permission table maps every route to one."""

    READ = "Read"
    WRITE = "Write"
    DELETE = "Delete"
    DELETE_PERMANENTLY = "DeletePermanently"
    ALTER_CONFIG = "AlterConfig"
    ALTER_MODE = "AlterMode"
    EDIT_CATALOG = "EditCatalog"
    CLASSIFY = "Classify"
    READ_PERSONAL_DATA = "ReadPersonalDataReports"
    IMPORT = "Import"
    READ_AUDIT = "ReadAudit"
    # Whatever a route missing from the permission table does: only admins may.
    ADMINISTER = "Administer"


class Role(StrEnum):
    """The roles a binding grants, from least to most powerful."""

    READER = "reader"
    WRITER = "writer"
    CATALOG_EDITOR = "catalog-editor"
    PRIVACY_OFFICER = "privacy-officer"
    ADMIN = "admin"


_READ = frozenset({Operation.READ})
_WRITE = _READ | {Operation.WRITE, Operation.DELETE}

# Each role includes the ones before it where that makes sense: a catalog editor also
# registers schemas, but a privacy officer reads the registry without writing to it.
OPERATIONS: dict[Role, frozenset[Operation]] = {
    Role.READER: _READ,
    Role.WRITER: _WRITE,
    Role.CATALOG_EDITOR: _WRITE | {Operation.EDIT_CATALOG},
    Role.PRIVACY_OFFICER: _READ | {Operation.CLASSIFY, Operation.READ_PERSONAL_DATA},
    Role.ADMIN: frozenset(Operation),
}

ROLE_NAMES = tuple(role.value for role in Role)
