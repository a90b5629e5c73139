"""``evcat audit list|verify|export``: read and check the audit trail.

From the database (``--db``, EVCAT_DB_URL) or from a running server (``--registry``, EVCAT_URL,
with the connection options of the other registry commands, through ``GET /v1/audit``).
``verify`` also checks an exported file (``--file``). It exits 0 when the chain is whole and 1
naming the first broken record.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

from evcat.cli.errors import UserError, user_errors
from evcat.cli.options import Output, OutputOpt, PasswordOpt, RegistryOpt, TokenOpt, UserOpt

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from evcat.audit.chain import Entry
    from evcat.audit.query import Filters

audit_app = typer.Typer(help="The audit trail: list, verify, export.", no_args_is_help=True)

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (EVCAT_DB_URL); or read a server with --registry."),
]
PrincipalOpt = Annotated[str | None, typer.Option(help="Only this verified principal.")]
ActionOpt = Annotated[str | None, typer.Option(help="Only this action (schema.register...).")]
ResourceOpt = Annotated[
    str | None, typer.Option(help="Only this resource; a trailing * matches a prefix.")
]
OutcomeOpt = Annotated[str | None, typer.Option(help="success or refused.")]
SinceOpt = Annotated[str | None, typer.Option(help="From this time (RFC 3339 or a date).")]
UntilOpt = Annotated[str | None, typer.Option(help="Before this time (RFC 3339 or a date).")]
PAGE = 1000


class ExportFormat(StrEnum):
    """What ``evcat audit export`` writes."""

    JSONL = "jsonl"


def register_audit_commands(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


class _Source:
    """The trail of a database or of a server, read page by page."""

    def __init__(
        self, db: str | None, registry: str | None, credentials: tuple[str | None, ...]
    ) -> None:
        if db is not None and registry:
            raise UserError("pass either --db or --registry, not both")
        self.engine: Engine | None = None
        self.url = registry if db is None else None
        self.credentials = credentials
        if self.url is None:
            self.engine = _engine(db)

    def page(
        self, filters: Filters, params: dict[str, str], limit: int, cursor: str | None, asc: bool
    ) -> tuple[list[dict[str, Any]], str | None]:
        if self.engine is not None:
            from evcat.audit import query

            found = query.page(
                self.engine,
                filters,
                limit=limit,
                cursor=query.parse_cursor(cursor),
                ascending=asc,
            )
            following = None if found.next is None else str(found.next)
            return [entry.as_dict() for entry in found.entries], following
        from evcat.cli.client import Connection

        sent = params | {"limit": str(limit), "order": "asc" if asc else "desc"}
        if cursor:
            sent["cursor"] = cursor
        with Connection(self.url, *self.credentials).client() as client:
            answer = client.request("GET", "/v1/audit", params=sent)
        return list(answer["records"]), answer.get("next")

    def every(self, filters: Filters, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every matching record, oldest first."""
        cursor: str | None = None
        while True:
            records, cursor = self.page(filters, params, PAGE, cursor, True)
            yield from records
            if cursor is None:
                return

    def entries(self) -> Iterator[Entry]:
        """The whole chain, oldest first (from the database without decoding JSON)."""
        from evcat.audit.chain import entry_of
        from evcat.audit.query import Filters, every_entry

        if self.engine is not None:
            yield from every_entry(self.engine)
            return
        for item in self.every(Filters(), {}):
            yield entry_of(item)


def _engine(db: str | None) -> Engine:
    from evcat.db import make_engine
    from evcat.migrations import upgrade
    from evcat.settings import Settings

    settings = Settings(db_url=db) if db else Settings()
    if settings.is_embedded:
        upgrade(settings.db_url)
    return make_engine(settings.db_url)


def _filters(**given: str | None) -> tuple[Filters, dict[str, str]]:
    """The filters checked here (exit 2 on a bad one) and as query parameters for a server."""
    from evcat.audit.query import parse_filters

    return parse_filters(**given), {k: v for k, v in given.items() if v}


@audit_app.command("list")
def list_records(
    principal: PrincipalOpt = None,
    action: ActionOpt = None,
    resource: ResourceOpt = None,
    outcome: OutcomeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Records to show.")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Continue after an earlier list.")] = None,
    output: OutputOpt = Output.TEXT,
    db: DbOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """The newest records of the trail, filtered.

    Example: evcat audit list --resource subject:orders-value --since 2025-06-01
    """
    from evcat.cli.display import emit_json, emit_table

    with user_errors():
        filters, params = _filters(
            principal=principal,
            action=action,
            resource=resource,
            outcome=outcome,
            since=since,
            until=until,
        )
        source = _Source(db, registry, (user, password, token))
        records, following = source.page(filters, params, limit, cursor, False)
    if output is Output.JSON:
        emit_json({"records": records, "next": following})
        return
    rows = [
        (r["seq"], r["time"], r["principal"], r["action"], r["resource"], r["outcome"])
        for r in records
    ]
    emit_table(("seq", "time", "principal", "action", "resource", "outcome"), rows)
    if following is not None:
        typer.echo(f"more: --cursor {following}", err=True)


@audit_app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(help="A head hash printed by an earlier verify: it must still be there."),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Check an exported JSON Lines file instead.")
    ] = None,
    db: DbOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Check the hash chain: exit 0 when whole, 1 naming the first broken record.

    Example: evcat audit verify --db postgresql+psycopg://evcat@db/evcat
    """
    from evcat.audit.verify import verify as check

    with user_errors():
        if file is not None:
            verdict = check(_file_entries(file), anchor=anchor)
        else:
            verdict = check(_Source(db, registry, (user, password, token)).entries(), anchor=anchor)
    if verdict.broken is not None:
        intact = "1 record" if verdict.count == 1 else f"{verdict.count} records"
        typer.echo(
            f"audit trail broken at record {verdict.broken.seq}: {verdict.broken.reason} "
            f"({intact} before it intact)"
        )
        raise typer.Exit(1)
    counted = "1 record" if verdict.count == 1 else f"{verdict.count} records"
    typer.echo(f"audit trail intact: {counted}, head {verdict.head}")


def _file_entries(path: Path) -> Iterator[Entry]:
    from evcat.audit.chain import MalformedRecordError, entry_of

    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
                if not isinstance(item, dict):
                    raise MalformedRecordError("each line must be a JSON object")
                yield entry_of(item)
            except (orjson.JSONDecodeError, MalformedRecordError) as error:
                raise UserError(f"{path}:{number}: not an audit record: {error}") from None


@audit_app.command("export")
def export(
    output: Annotated[
        ExportFormat, typer.Option("--output", "-o", help="jsonl: one record per line.")
    ] = ExportFormat.JSONL,
    file: Annotated[Path | None, typer.Option("--file", help="Write here, not stdout.")] = None,
    principal: PrincipalOpt = None,
    action: ActionOpt = None,
    resource: ResourceOpt = None,
    outcome: OutcomeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    db: DbOpt = None,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Every record (or those matching the filters), oldest first, as JSON Lines.

    An unfiltered export keeps the chain: `evcat audit verify --file` checks it anywhere.

    Example: evcat audit export -o jsonl --file audit.jsonl
    """
    assert output is ExportFormat.JSONL
    with user_errors():
        filters, params = _filters(
            principal=principal,
            action=action,
            resource=resource,
            outcome=outcome,
            since=since,
            until=until,
        )
        source = _Source(db, registry, (user, password, token))
        handle = sys.stdout.buffer if file is None else open(file, "wb")  # noqa: SIM115
        try:
            for item in source.every(filters, params):
                handle.write(orjson.dumps(item) + b"\n")
        finally:
            if file is None:
                handle.flush()
            else:
                handle.close()
