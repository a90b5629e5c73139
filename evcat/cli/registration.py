"""Registering files in dependency order, and explaining a refusal with evcat's structured check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evcat.cli.client import RegistryClient, RegistryError
from evcat.cli.errors import UserError
from evcat.cli.locate import line_of
from evcat.cli.manifest import Reference, find_manifest, load_manifest
from evcat.cli.offline import WorkingTree
from evcat.cli.resolve import Unresolved, links, pinned
from evcat.cli.sources import expand, read_text, repository_root, shown, subject_of, type_of
from evcat.cli.targets import Plan, Target


@dataclass
class Registered:
    file: str
    subject: str
    status: str = "registered"  # or "incompatible", "invalid"
    version: int | None = None
    id: int | None = None
    message: str = ""
    incompatibilities: list[dict[str, Any]] = field(default_factory=list)


def plan_registration(
    files: list[Path],
    subject: str | None,
    schema_type: str | None,
    references: tuple[Reference, ...],
    no_manifest: bool,
) -> Plan:
    """The files to register as targets, each with its subject, type and references."""
    cwd = Path.cwd()
    found = None if no_manifest else find_manifest(cwd)
    manifest = load_manifest(found) if found else None
    plan = Plan(repository_root(cwd))
    if manifest is not None:
        for entry in manifest.entries:
            plan.known[entry.file] = Target(
                entry.file,
                shown(entry.file, plan.root),
                entry.subject,
                entry.schema_type,
                "NONE",
                entry.references,
            )
    for file in expand(files):
        resolved = file.resolve()
        known = plan.known.get(resolved)
        target = Target(
            resolved,
            shown(file, plan.root),
            subject or (known.subject if known else subject_of(file)),
            type_of(file, schema_type) if schema_type or not known else known.schema_type,
            "NONE",
            references or (known.references if known else ()),
        )
        plan.known[resolved] = target
        plan.targets.append(target)
    return plan


class Registrar:
    def __init__(self, client: RegistryClient, plan: Plan, normalize: bool) -> None:
        self.client = client
        self.plan = plan
        self.normalize = normalize
        self.tree = WorkingTree()

    def ordered(self) -> list[Target]:
        """The targets, each after the targets it references."""
        chosen = {t.file: t for t in self.plan.targets}
        ordered: list[Target] = []
        seen: set[Path] = set()

        def visit(target: Target) -> None:
            if target.file in seen:
                return
            seen.add(target.file)
            text = self.tree.read(target.file)
            try:
                found = links(target, text, self.plan, self.tree) if text is not None else []
            except Unresolved:
                found = []  # registering it says what is missing
            for link in found:
                if link.target is not None and link.target.file in chosen:
                    visit(chosen[link.target.file])
            ordered.append(target)

        for target in self.plan.targets:
            visit(target)
        return ordered

    def run(self) -> list[Registered]:
        return [self.one(target) for target in self.ordered()]

    def latest(self, subject: str) -> int | None:
        """The subject's latest version; None when the registry does not have the subject."""
        try:
            return int(self.client.version(subject)["version"])
        except RegistryError as error:
            if error.status != 404:
                raise
            return None

    def references(self, target: Target, text: str) -> list[dict[str, Any]]:
        return pinned(target, text, self.plan, self.tree, self.latest, self.client.url)

    def one(self, target: Target) -> Registered:
        result = Registered(target.shown, target.subject)
        try:
            text = read_text(target.file)
            body = {
                "schema": text,
                "schemaType": target.schema_type,
                "references": self.references(target, text),
            }
        except (UserError, Unresolved) as error:
            result.status, result.message = "invalid", str(error)
            return result
        try:
            answer = self.client.register(target.subject, body, normalize=self.normalize)
        except RegistryError as error:
            if error.status == 409:
                return self.explain(result, target, body)
            if error.status == 422:
                result.status, result.message = "invalid", error.message
                return result
            raise
        result.version, result.id = answer.get("version"), answer.get("id")
        return result

    def explain(self, result: Registered, target: Target, body: dict[str, Any]) -> Registered:
        """Ask evcat's structured check why the registry refused the schema."""
        answer = self.client.compatibility(target.subject, body, normalize=self.normalize)
        text = str(body["schema"])
        result.status = "incompatible"
        result.message = f"the registry refused it at level {answer.get('level', '?')}"
        old_texts: dict[int, str] = {}
        for issue in answer.get("incompatibilities", []):
            reader_text: str | None = text
            version = issue.get("version")
            if issue.get("direction") == "FORWARD":
                reader_text = None
                if isinstance(version, int):
                    if version not in old_texts:
                        old_texts[version] = str(
                            self.client.version(target.subject, str(version))["schema"]
                        )
                    reader_text = old_texts[version]
            line = line_of(target.schema_type, text, str(issue["path"]), reader_text=reader_text)
            result.incompatibilities.append({**issue, "line": line})
        return result
