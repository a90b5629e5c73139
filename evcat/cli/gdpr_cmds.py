"""``evcat gdpr``: the data map's reports and checks on the database (``--db``).

Exit codes: 0 success (an empty report included), 2 bad input (an unknown category, subject
type or key field, with close matches), 1 a policy violation (``retention``), 3 a blocked
erasure location with ``--fail-on-blocked``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evcat.cli.catalog_cmds import Db, open_catalog

gdpr_app = typer.Typer(help="GDPR data map: where, erasure, retention.", no_args_is_help=True)
Output = Annotated[str, typer.Option("--output", "-o", help="text, json or csv.")]


def _check_output(output: str) -> None:
    from evcat.gdpr.render import FORMATS

    if output not in FORMATS:
        typer.echo(f"error: unknown output '{output}'; use text, json or csv", err=True)
        raise typer.Exit(2)


def _bad_input(error: Exception) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(2)


@gdpr_app.command("where")
def where_cmd(
    category: Annotated[str, typer.Option(help="Category id, e.g. email-address.")],
    subject_type: Annotated[str | None, typer.Option(help="Only this subject type.")] = None,
    output: Output = "text",
    db: Db = None,
) -> None:
    """Every field, channel, producer, consumer, store and recipient holding a category.

    Example: evcat gdpr where --category email-address --subject-type customer -o csv
    """
    from evcat.errors import EvcatError
    from evcat.gdpr import where
    from evcat.gdpr.render import render

    _check_output(output)
    try:
        report = where.where(open_catalog(db), category, subject_type)
    except EvcatError as error:
        raise _bad_input(error) from None
    title = f"where is {category}" + (f" ({subject_type})" if subject_type else "")
    typer.echo(render(report, where.COLUMNS, output, title), nl=False)


@gdpr_app.command("erasure")
def erasure_cmd(
    subject_type: Annotated[str, typer.Option(help="Data-subject type, e.g. customer.")],
    key: Annotated[str, typer.Option(help="The field that keys the person, e.g. customer_id.")],
    fail_on_blocked: Annotated[
        bool, typer.Option(help="Exit 3 when a location has no erasure mechanism.")
    ] = False,
    output: Output = "text",
    db: Db = None,
) -> None:
    """Each location that can hold one person's data and how to erase it (Art. 17).

    Example: evcat gdpr erasure --subject-type customer --key customer_id --fail-on-blocked
    """
    from evcat.errors import EvcatError
    from evcat.gdpr import erasure
    from evcat.gdpr.render import render

    _check_output(output)
    try:
        report = erasure.erasure(open_catalog(db), subject_type, key)
    except EvcatError as error:
        raise _bad_input(error) from None
    title = f"erasure of one {subject_type} keyed by {key}"
    typer.echo(render(report, erasure.COLUMNS, output, title), nl=False)
    if fail_on_blocked and report["blocked"]:
        typer.echo(f"{report['blocked']} location(s) blocked", err=True)
        raise typer.Exit(3)


@gdpr_app.command("retention")
def retention_cmd(
    policies: Annotated[
        Path | None, typer.Option(help="YAML file of policies (added to stored ones).")
    ] = None,
    db: Db = None,
) -> None:
    """Check retention and residency policies per category; exit 1 on any violation.

    Example: evcat gdpr retention --policies gdpr-policies.yaml
    """
    from evcat.errors import EvcatError
    from evcat.gdpr import retention

    try:
        extra = retention.read_policy_file(policies) if policies else []
        violations = retention.check_catalog(open_catalog(db), extra)
    except (EvcatError, OSError) as error:
        raise _bad_input(error) from None
    for violation in violations:
        typer.echo(f"error: {violation.message}")
    if violations:
        raise typer.Exit(1)
    typer.echo("retention and residency within policy")


@gdpr_app.command("diff")
def diff_cmd(
    event: Annotated[str, typer.Argument(help="Event name (or its last segment).")],
    from_: Annotated[str, typer.Option("--from", help="Old version.")],
    to: Annotated[str, typer.Option("--to", help="New version.")] = "latest",
    db: Db = None,
) -> None:
    """Semantic diff of two versions as JSON: fields, verdicts, privacy, consumers."""
    from evcat.errors import EvcatError
    from evcat.gdpr.diff import diff_versions
    from evcat.gdpr.render import to_json

    try:
        typer.echo(to_json(diff_versions(open_catalog(db), event, from_, to)), nl=False)
    except EvcatError as error:
        raise _bad_input(error) from None


def register_gdpr_commands(app: typer.Typer) -> None:
    """Add ``evcat gdpr`` to the ``evcat`` app."""
    app.add_typer(gdpr_app, name="gdpr")
