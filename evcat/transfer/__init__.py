"""Moving registries in and out: Confluent ``_schemas`` dumps, live registries, full exports.

Pure planning lives here (what a source holds, what a target lacks, what conflicts); the CLI
(``evcat.cli.import_cmds``) reads sources over HTTP and reports. Writes into a database go
through ``registry.store`` in one transaction; ``export``/``restore`` copy every table.

It may import the registry, formats, db, settings and migrations; only the CLI imports it.
"""

__all__ = [
    "database",
    "errors",
    "export",
    "fingerprints",
    "plan",
    "restore",
    "schemas_topic",
    "snapshot",
    "tables",
    "values",
    "verify",
]
