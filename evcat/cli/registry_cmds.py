"""The registry at your terminal: subjects, versions, show, config and delete."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from evcat.cli.errors import UserError, user_errors
from evcat.cli.options import (
    Level,
    Output,
    OutputOpt,
    PasswordOpt,
    RegistryOpt,
    TokenOpt,
    UserOpt,
)

SubjectVersionArg = Annotated[
    str, typer.Argument(metavar="SUBJECT[@VERSION]", help="A subject, or one of its versions.")
]


def split_version(spec: str) -> tuple[str, str | None]:
    """``orders-value@3`` -> ``("orders-value", "3")``; ``@latest`` is accepted too."""
    subject, at, version = spec.rpartition("@")
    if at and subject and (version.isdigit() or version in ("latest", "-1")):
        return subject, version
    if at and subject:
        raise UserError(f"'{spec}': the version after @ must be a number or 'latest'")
    return spec, None


def _client(registry: str | None, user: str | None, password: str | None, token: str | None) -> Any:
    from evcat.cli.client import Connection

    return Connection(registry, user, password, token).client()


def subjects(
    prefix: Annotated[str, typer.Option(help="Only subjects starting with this.")] = "",
    deleted: Annotated[bool, typer.Option(help="Include soft-deleted subjects.")] = False,
    output: OutputOpt = Output.TEXT,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """List the registry's subjects with their latest version.

    Examples:

        evcat subjects --registry http://localhost:8081

        evcat subjects --prefix orders. -o json
    """
    from evcat.cli.display import emit_json, emit_table

    with user_errors(), _client(registry, user, password, token) as client:
        names = client.subjects(prefix=prefix, deleted=deleted)
        params = {"latestOnly": "true", "subjectPrefix": prefix}
        latest = {s["subject"]: s for s in client.request("GET", "/schemas", params=params)}
    rows = [
        {
            "subject": name,
            "version": latest.get(name, {}).get("version"),
            "id": latest.get(name, {}).get("id"),
            "schemaType": latest.get(name, {}).get("schemaType", "AVRO")
            if name in latest
            else None,
        }
        for name in sorted(names)
    ]
    if output is Output.JSON:
        emit_json(rows)
        return
    emit_table(
        ("subject", "latest", "id", "type"),
        [[r["subject"], r["version"] or "-", r["id"] or "-", r["schemaType"] or "-"] for r in rows],
    )


def versions(
    subject: Annotated[str, typer.Argument(help="The subject.")],
    deleted: Annotated[bool, typer.Option(help="Include soft-deleted versions.")] = False,
    output: OutputOpt = Output.TEXT,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """List the versions of a subject with their schema ids and types.

    Examples:

        evcat versions orders-value

        evcat versions orders-value --deleted -o json
    """
    from evcat.cli.display import emit_json, emit_table

    with user_errors(), _client(registry, user, password, token) as client:
        numbers = client.versions(subject, deleted=deleted)
        params = {"subjectPrefix": subject, "deleted": str(deleted).lower()}
        by_version = {
            s["version"]: s
            for s in client.request("GET", "/schemas", params=params)
            if s["subject"] == subject
        }
    rows = [
        {
            "version": number,
            "id": by_version.get(number, {}).get("id"),
            "schemaType": by_version.get(number, {}).get("schemaType", "AVRO"),
            "references": len(by_version.get(number, {}).get("references", [])),
        }
        for number in numbers
    ]
    if output is Output.JSON:
        emit_json(rows)
        return
    emit_table(
        ("version", "id", "type", "references"),
        [[r["version"], r["id"] or "-", r["schemaType"], r["references"]] for r in rows],
    )


def show(
    spec: SubjectVersionArg,
    raw: Annotated[bool, typer.Option(help="Print only the schema text, as stored.")] = False,
    output: OutputOpt = Output.TEXT,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Show one version of a subject (the latest unless SUBJECT@VERSION).

    Examples:

        evcat show orders-value

        evcat show orders-value@2 --raw > order_v2.avsc
    """
    from evcat.cli.display import emit_json, emit_line, emit_schema

    with user_errors():
        subject, version = split_version(spec)
        with _client(registry, user, password, token) as client:
            answer = client.version(subject, version or "latest")
    schema_type = answer.get("schemaType", "AVRO")
    if output is Output.JSON:
        emit_json({**answer, "schemaType": schema_type})
        return
    if raw:
        emit_line(answer["schema"])
        return
    emit_line(
        f"{answer['subject']} version {answer['version']} (id {answer['id']}, {schema_type})",
        "bold",
    )
    for reference in answer.get("references", []):
        emit_line(f"  uses {reference['name']} = {reference['subject']}@{reference['version']}")
    emit_schema(schema_type, answer["schema"])


def config(
    subject: Annotated[
        str | None, typer.Argument(help="The subject (default: the global config).")
    ] = None,
    set_level: Annotated[
        Level | None,
        typer.Option("--set", case_sensitive=False, help="Set this compatibility level."),
    ] = None,
    output: OutputOpt = Output.TEXT,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Show or set the compatibility level of a subject, or the global one.

    Examples:

        evcat config

        evcat config orders-value --set FULL_TRANSITIVE
    """
    from evcat.cli.display import emit_json, emit_line

    with user_errors(), _client(registry, user, password, token) as client:
        if set_level is not None:
            level, own = client.set_config(subject, set_level.value), True
        else:
            level, own = client.config(subject)
    if output is Output.JSON:
        emit_json({"subject": subject, "compatibilityLevel": level, "inherited": not own})
        return
    scope = subject or "global"
    emit_line(f"{scope}: {level}" + ("" if own else " (from the global config)"))


def delete(
    spec: SubjectVersionArg,
    permanent: Annotated[
        bool,
        typer.Option(help="Delete for good (soft-deleting first if needed); ids are not reused."),
    ] = False,
    output: OutputOpt = Output.TEXT,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Delete a subject or one version: soft by default, for good with --permanent.

    Examples:

        evcat delete orders-value@3

        evcat delete orders-value --permanent
    """
    from evcat.cli.client import RegistryError
    from evcat.cli.display import emit_json, emit_line

    with user_errors():
        subject, version = split_version(spec)
        with _client(registry, user, password, token) as client:
            already_soft = (40404, 40406)
            try:
                answer = client.delete(subject, version, permanent=False)
            except RegistryError as error:
                if not (permanent and error.error_code in already_soft):
                    raise
                answer = None
            if permanent:
                answer = client.delete(subject, version, permanent=True)
    deleted = answer if isinstance(answer, list) else [answer]
    if output is Output.JSON:
        emit_json({"subject": subject, "versions": deleted, "permanent": permanent})
        return
    how = "permanently deleted" if permanent else "soft-deleted"
    listed = ", ".join(str(v) for v in deleted)
    emit_line(f"{how} {subject} version{'s' if len(deleted) != 1 else ''} {listed}")
