"""``evcat diff OLD NEW``: what changed between two schemas, and what each level says of it."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import typer

from evcat.cli.errors import UserError, user_errors
from evcat.cli.options import (
    Output,
    OutputOpt,
    PasswordOpt,
    RegistryOpt,
    TokenOpt,
    TypeOpt,
    UserOpt,
)


class _Remote:
    """Schemas from the registry, parsed with everything they reference."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.parsed: dict[tuple[str, str], Any] = {}

    def load(self, subject: str, version: str) -> Any:
        from evcat.formats import SchemaReference, get_format

        key = (subject, version)
        if key not in self.parsed:
            answer = self.client.version(subject, version)
            references = [
                SchemaReference(r["name"], r["subject"], int(r["version"]))
                for r in answer.get("references", [])
            ]
            dependencies = {r.name: self.load(r.subject, str(r.version)) for r in references}
            schema_type = answer.get("schemaType", "AVRO")
            self.parsed[key] = get_format(schema_type).parse(
                answer["schema"], references, dependencies
            )
        return self.parsed[key]


def _load_file(path: Path, schema_type: str | None, partner: Path | None) -> Any:
    """Parse a file with its references; a file evcat.yaml does not list borrows those of the
    file it is compared with (a draft next version of a listed schema, say)."""
    from dataclasses import replace

    from evcat.cli.offline import WorkingTree
    from evcat.cli.registration import plan_registration
    from evcat.cli.resolve import Resolver, Unresolved
    from evcat.cli.sources import read_text
    from evcat.errors import InvalidSchemaError

    files = [path, partner] if partner is not None else [path]
    plan = plan_registration(files, None, schema_type, (), no_manifest=False)
    target, *others = plan.targets
    if not target.references and others and others[0].references:
        target = replace(target, references=others[0].references)
    text = read_text(path)
    try:
        return Resolver(WorkingTree(), plan, lambda p: 1).parse(target, text)
    except (Unresolved, InvalidSchemaError) as error:
        raise UserError(f"{path}: {error.message}") from None


def _load(spec: str, other: str, schema_type: str | None, remote: _Remote | None) -> Any:
    from evcat.cli.registry_cmds import split_version

    path = Path(spec)
    if path.exists():
        partner = Path(other) if Path(other).is_file() else None
        return _load_file(path, schema_type, partner)
    if "@" not in spec:
        raise UserError(f"{spec}: no such file (name a registry schema as subject@version)")
    if remote is None:
        raise UserError(f"{spec}: reading a registry schema needs --registry URL (or EVCAT_URL)")
    subject, version = split_version(spec)
    return remote.load(subject, version or "latest")


def diff(
    old: Annotated[str, typer.Argument(help="The old schema: a file, or SUBJECT@VERSION.")],
    new: Annotated[str, typer.Argument(help="The new schema: a file, or SUBJECT@VERSION.")],
    schema_type: TypeOpt = None,
    output: OutputOpt = Output.TEXT,
    registry: RegistryOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    token: TokenOpt = None,
) -> None:
    """Show the fields added, removed and changed between two schemas, and each level's verdict.

    Either side is a file or SUBJECT@VERSION in the registry (VERSION may be
    'latest'). The exit code is 0 whatever the verdicts.

    Examples:

        evcat diff schemas/order_v1.avsc schemas/order_v2.avsc

        evcat diff orders-value@3 schemas/orders.avsc --registry http://localhost:8081

        evcat diff orders-value@1 orders-value@latest -o json
    """
    from evcat.cli.client import Connection

    with user_errors(), ExitStack() as stack:
        remote = None
        if registry and ("@" in old or "@" in new):
            client = Connection(registry, user, password, token).client()
            remote = _Remote(stack.enter_context(client))
        before = _load(old, new, schema_type, remote)
        after = _load(new, old, schema_type, remote)
        result = compare(before, after)
    result["old"], result["new"] = old, new
    if output is Output.JSON:
        from evcat.cli.display import emit_json

        emit_json(result)
        return
    _print(result)


def compare(old: Any, new: Any) -> dict[str, Any]:
    """Field changes and, for each level, the incompatibilities (none: compatible)."""
    from evcat.cli.fields import compare_fields, fields_of
    from evcat.compat.levels import LEVELS, check_pair, parse_level

    changes = compare_fields(fields_of(old), fields_of(new))
    levels: dict[str, Any] = {}
    for name in sorted(LEVELS):
        # Between two schemas a transitive level is its plain level.
        plain = name.removesuffix("_TRANSITIVE")
        if plain in levels:
            levels[name] = levels[plain]
            continue
        issues = check_pair(new, old, parse_level(plain))
        levels[name] = {
            "compatible": not issues,
            "incompatibilities": [
                {
                    "rule": i.rule,
                    "path": i.path,
                    "message": i.message,
                    "fix": i.fix,
                    "direction": i.direction,
                }
                for i in issues
            ],
        }
    return {
        "schemaType": {"old": old.schema_type, "new": new.schema_type},
        "fields": {
            "added": [{"field": f.name, "type": f.describe()} for f in changes.added],
            "removed": [{"field": f.name, "type": f.describe()} for f in changes.removed],
            "changed": [
                {"field": b.name, "old": a.describe(), "new": b.describe(), "oldName": a.name}
                for a, b in changes.changed
            ],
        },
        "levels": levels,
    }


def _print(result: dict[str, Any]) -> None:
    from evcat.cli.display import emit_line

    emit_line(f"{result['old']} -> {result['new']}", "bold")
    fields = result["fields"]
    if not any(fields.values()):
        emit_line("no field was added, removed or changed")
    for item in fields["added"]:
        emit_line(f"  + {item['field']}: {item['type']}", "green")
    for item in fields["removed"]:
        emit_line(f"  - {item['field']}: {item['type']}", "red")
    for item in fields["changed"]:
        renamed = f" (was {item['oldName']})" if item["oldName"] != item["field"] else ""
        emit_line(f"  ~ {item['field']}{renamed}: {item['old']} -> {item['new']}", "yellow")
    emit_line("")
    width = max(len(name) for name in result["levels"])
    for name, verdict in result["levels"].items():
        if verdict["compatible"]:
            emit_line(f"  {name.ljust(width)}  compatible", "green")
            continue
        emit_line(f"  {name.ljust(width)}  incompatible", "red")
        for issue in verdict["incompatibilities"]:
            emit_line(
                f"  {'':{width}}    {issue['rule']} at {issue['path'] or '/'}: {issue['message']}"
            )
