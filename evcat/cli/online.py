"""The gate against a registry: each schema file judged by the registry's own rules.

The registry applies the subject's configured level to its live versions; evcat's
``/v1/subjects/{subject}/compatibility`` route answers with every incompatibility, structured.
"""

from __future__ import annotations

from typing import Any

from evcat.cli.client import RegistryClient, RegistryError
from evcat.cli.findings import (
    INVALID_SCHEMA,
    UNRESOLVED_REFERENCE,
    Finding,
    Kind,
    Outcome,
    Report,
    Status,
)
from evcat.cli.locate import line_of, line_of_error
from evcat.cli.offline import WorkingTree
from evcat.cli.resolve import Unresolved, pinned
from evcat.cli.sources import UnreadableFile, read_text
from evcat.cli.targets import Plan, Target


class OnlineGate:
    def __init__(self, plan: Plan, client: RegistryClient) -> None:
        self.plan = plan
        self.client = client
        self.tree = WorkingTree()
        self.existing = set(client.subjects())
        self._latest: dict[str, int | None] = {}
        self._old_texts: dict[tuple[str, int], str | None] = {}

    def latest(self, subject: str) -> int | None:
        """The subject's latest version; None when the registry does not have the subject."""
        if subject not in self._latest:
            try:
                self._latest[subject] = int(self.client.version(subject)["version"])
            except RegistryError as error:
                if error.status != 404:
                    raise
                self._latest[subject] = None
        return self._latest[subject]

    def old_text(self, subject: str, version: int | None) -> str | None:
        if version is None:
            return None
        key = (subject, version)
        if key not in self._old_texts:
            try:
                self._old_texts[key] = str(self.client.version(subject, str(version))["schema"])
            except RegistryError:
                self._old_texts[key] = None
        return self._old_texts[key]

    def references(self, target: Target, text: str) -> list[dict[str, Any]]:
        return pinned(target, text, self.plan, self.tree, self.latest, self.client.url)

    def judge(self, target: Target, report: Report) -> tuple[Status, str]:
        def problem(rule: str, message: str, fix: str = "", line: int = 1) -> None:
            report.findings.append(
                Finding(Kind.INVALID, rule, message, target.shown, line, target.subject, fix=fix)
            )

        try:
            text = read_text(target.file)
        except UnreadableFile as error:
            problem(INVALID_SCHEMA, f"the file is {error.reason}")
            return Status.INVALID, target.level
        try:
            references = self.references(target, text)
        except Unresolved as error:
            problem(UNRESOLVED_REFERENCE, error.message, error.fix)
            return Status.INVALID, target.level
        body = {"schema": text, "schemaType": target.schema_type, "references": references}
        try:
            answer = self.client.compatibility(target.subject, body)
        except RegistryError as error:
            if error.status != 422:
                raise
            line = line_of_error(target.schema_type, text, error.message)
            problem(INVALID_SCHEMA, error.message, line=line)
            return Status.INVALID, target.level
        level = str(answer.get("level", target.level))
        for issue in answer["incompatibilities"]:
            report.findings.append(self._finding(target, issue, text))
        if answer["incompatibilities"]:
            return Status.INCOMPATIBLE, level
        return (Status.COMPATIBLE if target.subject in self.existing else Status.NEW), level

    def _finding(self, target: Target, issue: dict[str, Any], text: str) -> Finding:
        direction = str(issue.get("direction", "BACKWARD"))
        version = issue.get("version")
        reader_text = text if direction == "BACKWARD" else self.old_text(target.subject, version)
        message = str(issue["message"])
        info = str(issue.get("additional_info") or "")
        if info and info not in message:
            message += f" ({info})"
        return Finding(
            Kind.INCOMPATIBLE,
            str(issue["rule"]),
            message,
            target.shown,
            line_of(target.schema_type, text, str(issue["path"]), reader_text=reader_text),
            target.subject,
            str(issue["path"]),
            str(issue.get("fix", "")),
            version,
            direction,
        )


def check_online(plan: Plan, client: RegistryClient) -> Report:
    """Judge every target of ``plan`` with the registry's levels and live versions."""
    gate = OnlineGate(plan, client)
    report = Report("online", client.url, findings=list(plan.problems))
    for target in plan.targets:
        status, level = gate.judge(target, report)
        report.outcomes.append(
            Outcome(target.subject, target.shown, target.schema_type, level, status)
        )
    return report
