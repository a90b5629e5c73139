"""``evcat upcast``: read stored events as the version you want, and manage upcasters.

Works on the registry database directly (``--db``, EVCAT_DB_URL), like ``evcat serve``; or,
for ``run``, ``plan``, ``check`` and ``ancestors``, on a running evcat server (``--registry``,
EVCAT_URL, with the connection options of the other registry commands): its contents are read
over HTTP once (``evcat.cli.upcast_remote``) and the upcasting runs here, as with ``--db``.
Inputs of ``evcat upcast run``: JSON Lines of stored events (``{"type", "version", "data",
"id", "stream_id"...}``), JSON Lines of structured CloudEvents (detected by ``specversion``),
or an Avro container file (``--format avro --type T``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import orjson
import typer

from evcat.cli.errors import UserError, user_errors
from evcat.cli.options import PasswordOpt, RegistryOpt, TokenOpt, UserOpt

if TYPE_CHECKING:
    from evcat.upcast.graph.version_graph import Target

upcast_app = typer.Typer(
    help="Upcast stored events to a target version; manage upcasters.", no_args_is_help=True
)

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (EVCAT_DB_URL); or read a server with --registry."),
]
TargetOpt = Annotated[str, typer.Option(help="latest, or a version of the terminal type.")]
ModulesOpt = Annotated[
    list[str] | None,
    typer.Option("--module", "-m", help="Module holding @upcaster functions (repeatable)."),
]


def register_upcast_commands(app: typer.Typer) -> None:
    app.add_typer(upcast_app, name="upcast")


def _service(db: str | None, modules: list[str] | None, code_drift: str = "warn") -> Any:
    from evcat.db import make_engine
    from evcat.migrations import upgrade
    from evcat.registry.service import Registry
    from evcat.settings import Settings
    from evcat.upcast.service import UpcastService

    settings = Settings(db_url=db) if db else Settings()
    if settings.is_embedded:
        upgrade(settings.db_url)
    registry = Registry(make_engine(settings.db_url), settings)
    return UpcastService(registry, code_modules=modules or (), code_drift=code_drift)


def _remote_url(ctx: typer.Context, db: str | None, registry: str | None) -> str | None:
    """The server to read the registry from, or None to read the database.

    ``--db`` and ``--registry`` on one command line are refused. A flag beats an environment
    variable; with neither flag EVCAT_DB_URL beats EVCAT_URL (what ``evcat upcast`` read before
    it had ``--registry``), and with neither of those the default database is read.
    """
    source = ctx.get_parameter_source("registry")  # typer's (vendored) click enum: by name
    flagged = source is not None and source.name == "COMMANDLINE"
    if db is not None and registry and flagged:
        raise UserError(
            "pass either --db (read the registry's database) or --registry (read an evcat "
            "server over HTTP), not both"
        )
    if db is not None or not registry:
        return None
    if not flagged and os.environ.get("EVCAT_DB_URL"):
        return None
    return registry


def _upcasts(
    ctx: typer.Context,
    db: str | None,
    connection: tuple[str | None, str | None, str | None, str | None],
    modules: list[str] | None,
) -> Any:
    """What the read commands need (``upcaster(target)``, ``problems()``), from a database
    (an ``UpcastService``) or from a server (a ``RemoteUpcasts``)."""
    registry, user, password, token = connection
    url = _remote_url(ctx, db, registry)
    if url is None:
        return _service(db, modules)
    from evcat.cli.client import Connection
    from evcat.cli.upcast_remote import fetch_contents

    with Connection(url, user, password, token).client() as client:
        contents = fetch_contents(client)
    return contents.upcasts(modules or ())


def _target(text: str) -> Target:
    """``--target`` as the graph reads it; anything but latest or a version is exit 2."""
    from evcat.upcast.graph.version_graph import check_target

    return check_target(text)


@contextmanager
def _output(path: Path | None) -> Iterator[IO[bytes]]:
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with open(path, "wb") as handle:
            yield handle


def _progress(total: int | None) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TransferSpeedColumn

    return Progress(
        TextColumn("upcasting"),
        BarColumn(),
        TransferSpeedColumn(),
        transient=True,
        disable=total is None or not sys.stderr.isatty(),
    )


@upcast_app.command("run")
def run(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="Input file; - for standard input.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file.")] = None,
    db: DbOpt = None,
    target: TargetOpt = "latest",
    input_format: Annotated[
        str, typer.Option("--format", help="auto (JSON Lines / CloudEvents) or avro.")
    ] = "auto",
    event_type: Annotated[
        str | None, typer.Option("--type", help="Event type of an Avro container file.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (bulk mode).")] = 1,
    out_dir: Annotated[
        Path | None, typer.Option(help="Bulk mode: directory for part files and checkpoints.")
    ] = None,
    checkpoint_every: Annotated[int, typer.Option(help="Events between checkpoints.")] = 5000,
    partition: Annotated[
        str,
        typer.Option(
            help="Bulk mode: range (contiguous slices of the input; the parts read in order "
            "keep the input order) or stream (each stream's events in one part file)."
        ),
    ] = "range",
    on_error: Annotated[str, typer.Option(help="fail, skip or quarantine.")] = "fail",
    quarantine: Annotated[
        Path | None, typer.Option(help="Where quarantined events go (streaming mode).")
    ] = None,
    modules: ModulesOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Upcast a file of stored events.

    Example: evcat upcast run events.jsonl -o upcast.jsonl --target latest
    Bulk:    evcat upcast run events.jsonl --workers 2 --out-dir migrated/
    Remote:  evcat upcast run events.jsonl --registry http://localhost:8081
    """
    from evcat.upcast.read.stream import ON_ERROR

    with user_errors():
        if on_error not in ON_ERROR:
            raise UserError(f"--on-error is {', '.join(ON_ERROR[:-1])} or {ON_ERROR[-1]}")
        service = _upcasts(ctx, db, (registry, user, password, token), modules)
        if workers > 1 or out_dir is not None:
            from evcat.upcast.bulk import BulkJob, run_bulk

            if out_dir is None or str(source) == "-":
                raise UserError("bulk mode needs an input file and --out-dir")
            # Remote: the workers get the fetched contents instead of a database URL.
            contents = getattr(service, "contents", None)
            job = BulkJob(
                "" if contents is not None else service.registry.settings.db_url,
                source,
                out_dir,
                _target(target),
                workers,
                checkpoint_every,
                on_error,
                tuple(modules or ()),
                partition,
                contents,
            )
            service.upcaster(job.target).check()
            typer.echo(orjson.dumps(run_bulk(job)).decode(), err=True)
            return
        upcaster = service.upcaster(_target(target))
        if input_format == "avro":
            _avro(upcaster, source, output, event_type)
            return
        _lines(upcaster, source, output, on_error, quarantine)


def _lines(
    upcaster: Any, source: Path, output: Path | None, on_error: str, quarantine: Path | None
) -> None:
    from evcat.upcast.bulk import event_record, load_line, stored_event
    from evcat.upcast.errors import InvalidStoredEvent
    from evcat.upcast.read.cloudevents import CloudEventUpcaster
    from evcat.upcast.read.stream import StreamCounts, upcast_one

    if on_error == "quarantine" and quarantine is None:
        raise UserError("--on-error quarantine needs --quarantine FILE")
    ce = CloudEventUpcaster(upcaster)
    counts = StreamCounts()
    size = None if str(source) == "-" else source.stat().st_size
    with ExitStack() as stack:
        lines = sys.stdin.buffer if size is None else stack.enter_context(open(source, "rb"))
        out = stack.enter_context(_output(output))
        sink = stack.enter_context(open(quarantine, "wb")) if quarantine else None
        progress = stack.enter_context(_progress(size))
        task = progress.add_task("upcast", total=size)

        def to_quarantine(event: Any, error: Any) -> None:
            assert sink is not None
            sink.write(orjson.dumps({"error": error.message, "id": event.id}) + b"\n")

        for number, line in enumerate(lines, start=1):
            progress.advance(task, len(line))
            if not line.strip():
                continue
            try:
                record = load_line(line)
                if isinstance(record, dict) and "specversion" in record:
                    for body in ce.upcast_structured(line.strip()):
                        out.write(body + b"\n")
                    continue
                event = stored_event(record)
            except InvalidStoredEvent as error:
                if on_error == "fail":
                    raise UserError(f"{source} line {number}: {error.message}") from None
                counts.read += 1
                counts.failed += 1
                if sink is not None and on_error == "quarantine":
                    text = line.decode(errors="replace").rstrip("\n")
                    sink.write(orjson.dumps({"error": error.message, "line": text}) + b"\n")
                continue
            for result in upcast_one(upcaster, event, counts, on_error, to_quarantine):
                out.write(event_record(result, event.stream_id))
    typer.echo(orjson.dumps(asdict(counts)).decode(), err=True)


def _avro(upcaster: Any, source: Path, output: Path | None, event_type: str | None) -> None:
    import fastavro

    from evcat.formats import get_format

    if event_type is None:
        raise UserError("--format avro needs --type, the event type of the file")
    index = upcaster.index
    with open(source, "rb") as handle:
        reader = fastavro.reader(handle)
        canonical = get_format("AVRO").parse(orjson.dumps(reader.writer_schema).decode()).canonical
        versions = [
            v
            for v in index.versions.get(event_type, [])
            if index.parsed((event_type, v)).canonical == canonical
        ]
        if not versions:
            raise UserError(f"the file's schema is no registered version of {event_type}")
        target = upcaster.target_of(event_type)
        schema = index.parsed(target).model.fastavro_schema
        records = (upcaster.upcast_data(event_type, versions[-1], record) for record in reader)
        with _output(output) as out:
            fastavro.writer(out, schema, (r for r in records if r is not None))


@upcast_app.command("plan")
def plan(
    ctx: typer.Context,
    event_type: str,
    version: int,
    db: DbOpt = None,
    target: TargetOpt = "latest",
    modules: ModulesOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """The edges (and their operations) an event version goes through."""
    with user_errors():
        connection = (registry, user, password, token)
        upcaster = _upcasts(ctx, db, connection, modules).upcaster(_target(target))
        for label, steps in upcaster.explain(event_type, version):
            typer.echo(label)
            for step in steps:
                typer.echo(f"    {step}")


@upcast_app.command("check")
def check(
    ctx: typer.Context,
    db: DbOpt = None,
    modules: ModulesOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Validate the whole version graph; exit 1 and list the problems if any."""
    with user_errors():
        problems = _upcasts(ctx, db, (registry, user, password, token), modules).problems()
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        raise typer.Exit(1)
    typer.echo("the upcaster graph is valid")


@upcast_app.command("add")
def add(
    ctx: typer.Context,
    document: Path,
    db: DbOpt = None,
    replace: bool = False,
    modules: ModulesOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Register a declarative upcaster from a YAML or JSON file."""
    from evcat.audit import local_actor
    from evcat.upcast.edges.spec import load_document

    with user_errors():
        loaded = load_document(document.read_bytes())
        url = _remote_url(ctx, db, registry)
        if url is None:
            service = _service(db, modules)
            record = vars(service.register(loaded, replace=replace, actor=local_actor()))
        else:
            record = _add_remotely(loaded, replace, url, (user, password, token))
    typer.echo(
        f"registered {record['kind']} {record['event']} v{record['from_version']} -> "
        f"v{record['to_version']} {record['fingerprint']}"
    )


def _add_remotely(
    document: Any, replace: bool, url: str, credentials: tuple[str | None, ...]
) -> dict[str, Any]:
    """``POST`` the document under the version its edge is stored at (the server checks it)."""
    from evcat.cli.client import Connection, quoted
    from evcat.upcast.edges.spec import parse_spec

    spec = parse_spec(document)
    event, version = (
        (spec.event_type, spec.from_version) if spec.emit else (spec.to_type, spec.to_version)
    )
    path = f"/v1/events/{quoted(event)}/versions/{version}/upcasters"
    params = {"replace": "true"} if replace else None
    with Connection(url, *credentials).client() as client:
        answer: dict[str, Any] = client.request("POST", path, params=params, body=document)
    return answer


@upcast_app.command("pin")
def pin(
    modules: Annotated[list[str], typer.Argument(help="Modules with @upcaster code.")],
    db: DbOpt = None,
    replace: bool = False,
) -> None:
    """Validate and pin the Python upcasters of MODULES (re-pin changed code with --replace)."""
    from evcat.audit import local_actor

    with user_errors():
        service = _service(db, modules, code_drift="warn")
        records = service.pin(replace=replace, actor=local_actor())
    for record in records:
        typer.echo(f"pinned {record.code_ref} {record.fingerprint}")


@upcast_app.command("ancestors")
def ancestors(
    ctx: typer.Context,
    event_type: str,
    db: DbOpt = None,
    modules: ModulesOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Every type and version whose events can be read as EVENT_TYPE (for store queries)."""
    with user_errors():
        upcasts = _upcasts(ctx, db, (registry, user, password, token), modules)
        for name, versions in upcasts.upcaster().ancestors(event_type):
            typer.echo(f"{name} {','.join(str(v) for v in versions)}")
