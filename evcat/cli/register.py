"""``evcat register``: register schema files, and say exactly why the registry refused one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from evcat.cli.errors import Exit, UserError, say_error, user_errors
from evcat.cli.options import (
    Output,
    OutputOpt,
    PasswordOpt,
    RegistryOpt,
    TokenOpt,
    TypeOpt,
    UserOpt,
)

if TYPE_CHECKING:
    from evcat.cli.registration import Registered


def parse_reference(text: str) -> Any:
    """``name=subject:version`` (version optional: the latest) -> a manifest ``Reference``."""
    from evcat.cli.manifest import Reference

    name, equals, target = text.partition("=")
    subject, colon, version = target.rpartition(":") if ":" in target else (target, "", "")
    if not (equals and name and subject) or (colon and not version.isdigit()):
        raise UserError(
            f"--reference '{text}': write it as name=subject:version, e.g. "
            "com.acme.Money=money-value:2 (the version may be left out for the latest)"
        )
    return Reference(name, subject, int(version) if colon else None)


def register(
    files: Annotated[list[Path], typer.Argument(help="Schema files (or directories) to register.")],
    subject: Annotated[
        str | None,
        typer.Option(
            "--subject",
            "-s",
            help="Subject (one file only; default: from evcat.yaml, "
            "else the file name without extension).",
        ),
    ] = None,
    schema_type: TypeOpt = None,
    reference: Annotated[
        list[str] | None,
        typer.Option(
            "--reference",
            "-r",
            metavar="NAME=SUBJECT:VERSION",
            help="A reference of the schema (one file only); repeat for several.",
        ),
    ] = None,
    normalize: Annotated[bool, typer.Option(help="Register the normalized form.")] = False,
    no_manifest: Annotated[bool, typer.Option("--no-manifest", help="Ignore evcat.yaml.")] = False,
    output: OutputOpt = Output.TEXT,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Register schema files; referenced files are registered first.

    The subject, type and references come from evcat.yaml when the file has an
    entry there, else from the flags or the file name. When the registry
    refuses a schema as incompatible, each difference is printed with its rule,
    path, line and a fix, and the exit code is 1.

    Examples:

        evcat register schemas/orders.avsc --subject orders-value

        evcat register schemas/ --registry http://localhost:8081

        evcat register order.proto -r acme/money.proto=money-value:2
    """
    from evcat.cli.client import Connection
    from evcat.cli.registration import Registrar, plan_registration

    with user_errors():
        if len(files) > 1 and (subject or reference):
            raise UserError("--subject and --reference apply to one file; use evcat.yaml for many")
        references = tuple(parse_reference(text) for text in reference or [])
        plan = plan_registration(files, subject, schema_type, references, no_manifest)
        with Connection(registry, user, password, token).client() as client:
            results = Registrar(client, plan, normalize).run()
    _print(results, output)
    codes = {"registered": Exit.OK, "incompatible": Exit.INCOMPATIBLE, "invalid": Exit.INVALID}
    raise typer.Exit(max((codes[r.status] for r in results), default=Exit.OK))


def _print(results: list[Registered], output: Output) -> None:
    from evcat.cli.display import emit_json, emit_line

    if output is Output.JSON:
        emit_json([vars(r) for r in results])
    for r in results:
        if r.status == "invalid":
            say_error(f"{r.file}: {r.message}")
        if output is Output.JSON:
            continue
        if r.status == "registered":
            emit_line(f"{r.subject}  version {r.version}  id {r.id}  ({r.file})", "green")
        elif r.status == "incompatible":
            emit_line(f"{r.subject}: {r.file} is incompatible: {r.message}", "bold red")
            for issue in r.incompatibilities:
                emit_line(
                    f"  {r.file}:{issue['line']}: {issue['rule']} at {issue['path'] or '/'} "
                    f"({issue['direction']}, against version {issue['version']})"
                )
                emit_line(f"    {issue['message']}")
                if issue.get("fix"):
                    emit_line(f"    fix: {issue['fix']}", "bold")
    sys.stdout.flush()
