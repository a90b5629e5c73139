"""Catalog commands: ``evcat apply``, ``evcat export catalog``, ``evcat asyncapi export|import``.

They work on the database directly (``--db`` or ``EVCAT_DB_URL``), like ``evcat db upgrade``:
an apply is one transaction on the same database the servers read, it needs no running server
(so it fits a CI job), and its checks and errors are exactly the API's. An embedded SQLite
database is migrated first, as ``evcat serve`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from evcat.catalog.service import Catalog

Db = Annotated[str | None, typer.Option("--db", help="Database URL (EVCAT_DB_URL).")]

export_app = typer.Typer(help="Write catalog data out in files.", no_args_is_help=True)
asyncapi_app = typer.Typer(help="AsyncAPI 3.0 documents, one per service.", no_args_is_help=True)


def open_catalog(db: str | None) -> Catalog:
    from evcat.catalog.service import Catalog
    from evcat.db import make_engine
    from evcat.migrations import upgrade
    from evcat.registry.service import Registry
    from evcat.settings import Settings

    settings = Settings(db_url=db) if db else Settings()
    if settings.is_embedded:
        upgrade(settings.db_url)
    return Catalog(Registry(make_engine(settings.db_url), settings))


def _fail(error: Exception) -> typer.Exit:
    """Print every problem of a refused catalog change and choose exit code 1."""
    from evcat.catalog.errors import CatalogProblems

    if isinstance(error, CatalogProblems):
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
        count = len(error.problems)
        typer.echo(f"{count} problem{'s' if count != 1 else ''}, nothing written", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    return typer.Exit(1)


def apply(
    paths: Annotated[list[Path], typer.Argument(help="YAML files or directories.")],
    prune: Annotated[
        bool, typer.Option(help="Delete stored resources the files no longer declare.")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Print the plan, write nothing.")] = False,
    db: Db = None,
) -> None:
    """Apply catalog YAML: check every reference, then write all of it in one transaction.

    Example: evcat apply catalog/ --prune --dry-run
    """
    from evcat.audit import local_actor
    from evcat.errors import EvcatError

    catalog = open_catalog(db)
    try:
        plan = catalog.apply_paths(paths, prune=prune, dry_run=dry_run, actor=local_actor())
    except EvcatError as error:
        raise _fail(error) from None
    typer.echo(plan.render())
    if dry_run:
        typer.echo("dry run: nothing written")


@export_app.command("catalog")
def export_catalog(
    directory: Annotated[Path, typer.Argument(help="Folder to write, one file per resource.")],
    db: Db = None,
) -> None:
    """Write the stored catalog as YAML files that `evcat apply` reads back unchanged."""
    written = open_catalog(db).export_files(directory)
    typer.echo(f"wrote {len(written)} files under {directory}")


@asyncapi_app.command("export")
def asyncapi_export(
    service: Annotated[str, typer.Argument(help="Service id.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of YAML.")] = False,
    kafka: Annotated[
        str | None, typer.Option(help="Kafka bootstrap host:port for the servers block.")
    ] = None,
    registry_url: Annotated[
        str | None, typer.Option(help="Schema registry URL for the Kafka server binding.")
    ] = None,
    db: Db = None,
) -> None:
    """Print one service's AsyncAPI 3.0.0 document."""
    import orjson

    from evcat.catalog.asyncapi import Servers, export_service
    from evcat.catalog.yamlio import dump_yaml
    from evcat.errors import EvcatError

    try:
        document = export_service(open_catalog(db), service, Servers(kafka, registry_url))
    except EvcatError as error:
        raise _fail(error) from None
    text = (
        orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
        if as_json
        else dump_yaml(document)
    )
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@asyncapi_app.command("import")
def asyncapi_import(
    files: Annotated[list[Path], typer.Argument(help="AsyncAPI 3.x YAML or JSON files.")],
    db: Db = None,
) -> None:
    """Register each document's payloads and apply its service, channels and events."""
    import yaml

    from evcat import yamlsafe
    from evcat.audit import local_actor
    from evcat.catalog.asyncapi_import import import_document
    from evcat.errors import EvcatError

    catalog = open_catalog(db)
    for path in files:
        try:
            document = yamlsafe.load(path.read_text(encoding="utf-8"))
            result = import_document(catalog, document, str(path), actor=local_actor())
        except (OSError, yaml.YAMLError) as error:
            raise _fail(error) from None
        except EvcatError as error:
            raise _fail(error) from None
        typer.echo(
            f"{path}: service {result.service}, {len(result.registered)} schema versions, "
            f"{result.plan.summary()}"
        )


def register_catalog_commands(app: typer.Typer) -> None:
    """Add the catalog commands to the ``evcat`` app."""
    app.command("apply")(apply)
    app.add_typer(export_app, name="export")
    app.add_typer(asyncapi_app, name="asyncapi")
