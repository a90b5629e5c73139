"""The schema registry: subjects, versions, global ids, references, config and modes.

Owns the registry's tables (``models``, written only by ``store``), its rules and the
``Registry`` service (``service``: every other package reads the registry through it), the
values it takes and returns (``entities``, ``requests``), and the Confluent REST API
(``http``, ``api``) and evcat's ``/v1`` registration (``v1``). Imports ``evcat.formats``,
``evcat.compat``, ``evcat.db``, ``evcat.settings`` and ``evcat.errors``.

``policy`` (subject names, modes) and ``store`` are public for one reader only:
``evcat.transfer``, which restores and imports registries in bulk, below the service's
one-registration-at-a-time rules; catalog, gdpr and upcast never use them (import-linter).
"""

__all__ = [
    "api",
    "entities",
    "http",
    "models",
    "policy",
    "requests",
    "rules",
    "service",
    "store",
    "v1",
]
