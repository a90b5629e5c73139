"""``evcat import`` and ``evcat export registry``: move a registry in, back it up, restore it.

Sources: a running Confluent-compatible registry (``--from-registry``), a dump of Confluent's
``_schemas`` topic (``--from-schemas-topic``), or an evcat export (``--from-export``).
Targets: a database (``--db``, one transaction, a new database migrated first) or a running
evcat (``--registry``, through its API in IMPORT mode, resumable). Ids and version numbers
are kept; what the target already holds identically is skipped; a different schema under
an id the target holds stops the import before anything is written (exit 1). Bad input is
exit 2. See docs/operations.md, "Migration from Confluent" and "Backup and restore".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from evcat.cli.errors import Exit, UserError, say_error, user_errors
from evcat.cli.options import PasswordOpt, TokenOpt, UserOpt

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from evcat.cli.client import RegistryClient
    from evcat.transfer.snapshot import Snapshot

FileArg = Annotated[Path, typer.Argument(help="File to write; '-' for standard output.")]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="Database URL (a new database is migrated first).")
]
_SOURCE = "Source"


@contextmanager
def _reported() -> Iterator[None]:
    """Transfer errors as lines on stderr: bad input exit 2, conflicts exit 1."""
    from evcat.transfer.errors import ConflictError, TransferError

    try:
        with user_errors():
            yield
    except TransferError as error:
        say_error(error.message)
        for detail in error.details:
            print(f"  {detail}", file=sys.stderr)
        raise typer.Exit(Exit.INVALID) from None
    except ConflictError as error:
        for conflict in error.conflicts:
            say_error(conflict)
        raise typer.Exit(Exit.INCOMPATIBLE) from None


@contextmanager
def _binary(path: Path, mode: str) -> Iterator[BinaryIO]:
    if str(path) == "-":
        yield sys.stdin.buffer if mode == "rb" else sys.stdout.buffer
        return
    with path.open(mode) as file:
        yield file  # type: ignore[misc]


def _engine(url: str, *, migrate: bool) -> Engine:
    """An engine on ``url``; a database never migrated is migrated, an outdated one refused."""
    from evcat.db import make_engine
    from evcat.migrations import upgrade
    from evcat.transfer.restore import head_revision
    from evcat.transfer.tables import alembic_revision

    engine = make_engine(url)
    with engine.connect() as connection:
        revision = alembic_revision(connection)
    if revision is None and migrate:
        upgrade(url)
    elif revision is not None and revision != head_revision():
        raise UserError(
            f"the database is at revision {revision}, this evcat needs {head_revision()}: "
            "run `evcat db upgrade --db URL` first"
        )
    return engine


def _read_topic(path: Path, skip_bad_lines: bool) -> Snapshot:
    from evcat.transfer.errors import TransferError
    from evcat.transfer.schemas_topic import read_schemas_topic

    with _binary(path, "rb") as file:
        dump = read_schemas_topic(file)
    bad = [str(line) for line in dump.bad_lines]
    if bad and not skip_bad_lines:
        shown = bad[:50] + ([f"... and {len(bad) - 50} more"] if len(bad) > 50 else [])
        raise TransferError(
            f"{len(bad)} of {dump.records} lines of {path} are not _schemas records; nothing "
            "was written (fix them, or pass --skip-bad-lines to import the rest)",
            shown,
        )
    for line in bad:
        print(f"evcat: skipped {line}", file=sys.stderr)
    for note in dump.notes:
        print(f"evcat: note: {note}", file=sys.stderr)
    for keytype, count in sorted(dump.left_out.items()):
        print(f"evcat: note: left out {count} {keytype} records", file=sys.stderr)
    return dump.snapshot


def _typed(ctx: typer.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _source_credentials(
    ctx: typer.Context, to_registry: bool, given: tuple[str | None, str | None, str | None]
) -> tuple[str | None, str | None, str | None]:
    """The source's credentials: --from-user/--from-password/--from-token; or, when no
    --registry takes them, --user/--password/--token typed on the command line (never the
    EVCAT_* variables, which belong to evcat and must not reach another vendor's server)."""
    if any(given) or to_registry:
        return given
    typed = [
        ctx.params[name] if _typed(ctx, name) else None for name in ("user", "password", "token")
    ]
    return typed[0], typed[1], typed[2]


def _client(url: str, credentials: tuple[str | None, str | None, str | None]) -> RegistryClient:
    from evcat.cli.client import Connection

    return Connection(url, *credentials).client()


def _read_registry(client: RegistryClient) -> Snapshot:
    from evcat.cli.progress import progress
    from evcat.cli.transfer_remote import read_registry

    with progress(f"reading {client.url}", None) as advance:
        snapshot, other_contexts = read_registry(client, advance)
    if other_contexts:
        print(
            f"evcat: note: left out {len(other_contexts)} subjects of other contexts than the "
            f"default one (evcat has one id space), e.g. {other_contexts[0]}",
            file=sys.stderr,
        )
    return snapshot


def _import_snapshot(
    source: Snapshot,
    *,
    db: str | None,
    target: RegistryClient | None,
    dry_run: bool,
) -> None:
    from evcat.cli.progress import progress
    from evcat.transfer.fingerprints import Fingerprinter
    from evcat.transfer.plan import make_plan
    from evcat.transfer.verify import differences, verified_summary

    typer.echo(f"source: {source.summary()}")
    parsed = Fingerprinter(source)
    with progress("parsing schemas", len(source.schemas)) as advance:
        prints = parsed.all(advance=advance)
    if db is not None:
        from evcat.audit import local_actor
        from evcat.transfer.database import database_state, import_into

        engine = _engine(db, migrate=not dry_run)
        plan = import_into(engine, source, parsed, prints, dry_run=dry_run, actor=local_actor())
        typer.echo(f"plan: {plan.summary()}")
        if dry_run:
            typer.echo("dry run: nothing written")
            return
        problems = differences(source, prints, database_state(engine))
    else:
        from evcat.cli.transfer_remote import push_plan, target_state

        assert target is not None
        state = target_state(target, source)
        plan = make_plan(source, prints, state)
        typer.echo(f"plan: {plan.summary()}")
        if dry_run:
            typer.echo("dry run: nothing written")
            return
        with progress("importing", len(plan.versions)) as advance:
            push_plan(target, source, plan, state, advance)
        problems = differences(source, prints, target_state(target, source))
    if problems:
        for problem in problems:
            say_error(f"verification: {problem}")
        raise typer.Exit(Exit.INCOMPATIBLE)
    typer.echo(verified_summary(source))


def _restore(path: Path, db: str) -> None:
    from evcat.db import make_engine
    from evcat.transfer.restore import restore_database

    engine = make_engine(db)
    with _binary(path, "rb") as file:
        summary = restore_database(db, engine, file)
    typer.echo(
        f"restored {summary.rows} rows of {summary.tables} tables "
        f"(database revision {summary.revision})"
    )


def import_command(
    ctx: typer.Context,
    from_registry: Annotated[
        str | None,
        typer.Option(
            help="Copy this running registry (Confluent-compatible).", rich_help_panel=_SOURCE
        ),
    ] = None,
    from_schemas_topic: Annotated[
        Path | None,
        typer.Option(
            help="Replay a dump of Confluent's _schemas topic (kcat -J or "
            "kafka-console-consumer print.key=true); '-' reads stdin.",
            rich_help_panel=_SOURCE,
        ),
    ] = None,
    from_export: Annotated[
        Path | None,
        typer.Option(
            help="Restore a file of `evcat export registry` into an empty --db.",
            rich_help_panel=_SOURCE,
        ),
    ] = None,
    db: DbOpt = None,
    registry: Annotated[
        str | None,
        typer.Option("--registry", help="Write through this running evcat, in IMPORT mode."),
    ] = None,
    subjects: Annotated[
        str | None,
        typer.Option(help="Only subjects matching this glob (and the versions they reference)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Print the plan, write nothing.")] = False,
    skip_bad_lines: Annotated[
        bool, typer.Option(help="Import a dump's good lines, reporting the malformed ones.")
    ] = False,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
    from_user: Annotated[
        str | None, typer.Option(help="User on --from-registry.", rich_help_panel=_SOURCE)
    ] = None,
    from_password: Annotated[
        str | None, typer.Option(help="Password on --from-registry.", rich_help_panel=_SOURCE)
    ] = None,
    from_token: Annotated[
        str | None, typer.Option(help="Bearer token on --from-registry.", rich_help_panel=_SOURCE)
    ] = None,
) -> None:
    """Import a registry with every id and version number kept, then verify it.

    --user/--password/--token authenticate to the evcat given with --registry; with --db they
    authenticate to --from-registry (or use --from-user/--from-password/--from-token).

    Examples:

        evcat import --from-registry http://confluent:8081 --db postgresql+psycopg://evcat@db/evcat

        evcat import --from-schemas-topic schemas.jsonl --registry http://evcat:8081 --token T

        evcat import --from-export backup.jsonl --db sqlite:///var/restored.db
    """
    with _reported():
        sources = [s for s in (from_registry, from_schemas_topic, from_export) if s is not None]
        if len(sources) != 1:
            raise UserError(
                "name one source: --from-registry URL, --from-schemas-topic FILE or "
                "--from-export FILE"
            )
        if (db is None) == (registry is None):
            raise UserError("name one target: --db URL or --registry URL")
        if from_export is not None:
            if db is None:
                raise UserError("--from-export restores into a database: pass --db URL")
            if subjects or dry_run or skip_bad_lines:
                raise UserError(
                    "--subjects, --dry-run and --skip-bad-lines do not apply to --from-export: "
                    "a restore is all or nothing (try it on a scratch --db)"
                )
            _restore(from_export, db)
            return
        if skip_bad_lines and from_schemas_topic is None:
            raise UserError("--skip-bad-lines applies to --from-schemas-topic only")
        target = None if registry is None else _client(registry, (user, password, token))
        if from_schemas_topic is not None:
            source = _read_topic(from_schemas_topic, skip_bad_lines)
        else:
            assert from_registry is not None
            credentials = _source_credentials(
                ctx, registry is not None, (from_user, from_password, from_token)
            )
            with _client(from_registry, credentials) as client:
                source = _read_registry(client)
        if subjects is not None:
            from evcat.transfer.snapshot import select_subjects

            source = select_subjects(source, subjects)
        if target is None:
            _import_snapshot(source, db=db, target=None, dry_run=dry_run)
        else:
            with target:
                _import_snapshot(source, db=None, target=target, dry_run=dry_run)


def export_registry(
    file: FileArg,
    db: Annotated[str | None, typer.Option("--db", help="Database URL (EVCAT_DB_URL).")] = None,
) -> None:
    """Write every table evcat holds (registry, catalog, upcasters, GDPR...) as JSON Lines.

    The same database always gives the same bytes; `evcat import --from-export FILE --db URL`
    restores it into an empty database on either backend.

    Example: evcat export registry backup.jsonl --db postgresql+psycopg://evcat@db/evcat
    """
    from evcat.db import ensure_sqlite_directory, make_engine
    from evcat.settings import Settings
    from evcat.transfer.export import export_database

    with _reported():
        url = db or Settings().db_url
        database = ensure_sqlite_directory(url) if url.startswith("sqlite") else None
        if database is not None and not database.exists():
            raise UserError(f"no database at {database}: check --db or EVCAT_DB_URL")
        if str(file) == "-":
            summary = export_database(make_engine(url), sys.stdout.buffer)
        else:
            # A failed export must not leave a half file where a backup is expected.
            partial = file.with_name(file.name + ".partial")
            try:
                with partial.open("wb") as out:
                    summary = export_database(make_engine(url), out)
                os.replace(partial, file)
            finally:
                partial.unlink(missing_ok=True)
        print(
            f"wrote {summary.rows} rows of {summary.tables} tables "
            f"(database revision {summary.revision}) to {file}",
            file=sys.stderr if str(file) == "-" else sys.stdout,
        )


def register_import_commands(app: typer.Typer) -> None:
    """Add ``evcat import`` and ``evcat export registry`` to the ``evcat`` app."""
    from evcat.cli.catalog_cmds import export_app

    app.command("import")(import_command)
    export_app.command("registry")(export_registry)
