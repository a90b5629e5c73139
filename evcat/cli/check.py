"""``evcat check``: the compatibility gate for schema pull requests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evcat.cli.errors import say_error, user_errors
from evcat.cli.options import (
    Level,
    PasswordOpt,
    RegistryOpt,
    ReportFormat,
    TokenOpt,
    TypeOpt,
    UserOpt,
)

if TYPE_CHECKING:
    from evcat.cli.findings import Finding, Report


def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Schema files or directories (default: every entry of evcat.yaml).",
            show_default=False,
        ),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="REF",
            help="Compare with the same files at this git ref (offline: no registry needed).",
        ),
    ] = None,
    report_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.TEXT,
    level: Annotated[
        Level | None,
        typer.Option(
            case_sensitive=False,
            help="Offline level for schemas whose manifest entry sets none (default: BACKWARD).",
            show_default=False,
        ),
    ] = None,
    schema_type: TypeOpt = None,
    manifest: Annotated[
        Path | None,
        typer.Option(help="The manifest (default: evcat.yaml here or in a parent directory)."),
    ] = None,
    no_manifest: Annotated[
        bool, typer.Option("--no-manifest", help="Ignore evcat.yaml; use file-name conventions.")
    ] = False,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
    catalog_db: Annotated[
        str | None,
        typer.Option(
            "--catalog-db",
            metavar="URL",
            help="Also check the catalog in this database against its GDPR retention and "
            "residency policies (each violation fails the gate).",
        ),
    ] = None,
) -> None:
    """Check that changed schemas stay compatible: the gate for schema pull requests.

    Offline (--against REF) each file is compared with the same file at the
    git ref, at the level its manifest entry gives; a file absent at REF is a
    new subject and passes. Online (--registry URL) the registry judges each
    file by the subject's level and live versions. Without evcat.yaml the type
    comes from the extension and the subject from the file name.

    Exit codes: 0 compatible, 1 incompatible changes, 2 invalid input or
    configuration.

    Examples:

        evcat check --against origin/main

        evcat check --against HEAD~1 schemas/orders.avsc --level FULL

        evcat check --registry http://localhost:8081 --format json

        evcat check --against origin/main --format github

        evcat check --against origin/main --catalog-db sqlite:///var/evcat.db
    """
    from evcat.cli.findings import Kind
    from evcat.cli.reports import renderer

    with user_errors():
        connection = (registry, user, password, token)
        report = _run(paths or [], against, level, schema_type, manifest, no_manifest, connection)
        if catalog_db:
            report.findings.extend(_retention_findings(catalog_db))
    for finding in report.findings:
        if finding.kind is Kind.INVALID:
            say_error(f"{finding.file}:{finding.line}: {finding.message}")
    renderer(report_format)(report, sys.stdout)
    raise typer.Exit(report.exit_code)


def _run(
    paths: list[Path],
    against: str | None,
    level: Level | None,
    schema_type: str | None,
    manifest_path: Path | None,
    no_manifest: bool,
    connection: tuple[str | None, str | None, str | None, str | None],
) -> Report:
    from evcat.cli.client import Connection
    from evcat.cli.errors import UserError
    from evcat.cli.gitref import GitTree
    from evcat.cli.manifest import find_manifest, load_manifest
    from evcat.cli.sources import repository_root
    from evcat.cli.targets import plan_check

    if against is None and not connection[0]:
        raise UserError(
            "nothing to compare with: pass --against REF (a git ref, offline) "
            "or --registry URL (or set EVCAT_URL)"
        )
    cwd = Path.cwd()
    base = GitTree(against, cwd) if against is not None else None
    found = manifest_path or (None if no_manifest else find_manifest(cwd))
    manifest = load_manifest(found) if found and not no_manifest else None
    plan = plan_check(
        paths,
        manifest=manifest,
        level=level.value if level else None,
        schema_type=schema_type,
        root=base.root if base else repository_root(cwd),
    )
    if base is not None:
        from evcat.cli.offline import check_offline

        return check_offline(plan, base)
    from evcat.cli.online import check_online

    with Connection(*connection).client() as client:
        return check_online(plan, client)


def _retention_findings(db_url: str) -> list[Finding]:
    """Each retention or residency policy violation of the catalog, as a failing finding."""
    from evcat.cli.catalog_cmds import open_catalog
    from evcat.cli.findings import RETENTION_POLICY, Finding, Kind
    from evcat.gdpr.retention import check_catalog

    return [
        Finding(
            kind=Kind.INCOMPATIBLE,
            rule=RETENTION_POLICY,
            message=violation.message,
            file="catalog",
            subject=violation.id,
            path=f"{violation.kind}/{violation.id}",
            fix=f"bring {violation.rule} of {violation.kind} '{violation.id}' within "
            f"{violation.allowed}, or stop it holding {violation.category}",
        )
        for violation in check_catalog(open_catalog(db_url))
    ]
