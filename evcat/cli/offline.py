"""The gate against a git ref: each schema file now, judged against the same file at the ref.

No server is involved. A file absent at the ref is a new subject and passes; a file whose text
and references are unchanged is not parsed at all, which keeps big repositories fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evcat.cli.errors import UserError
from evcat.cli.findings import (
    BASE_UNREADABLE,
    INVALID_SCHEMA,
    UNRESOLVED_REFERENCE,
    Finding,
    Kind,
    Outcome,
    Report,
    Status,
)
from evcat.cli.gitref import GitTree
from evcat.cli.locate import line_of, line_of_error
from evcat.cli.resolve import Resolver, Unresolved, links
from evcat.cli.sources import UnreadableFile, read_text
from evcat.cli.targets import Plan, Target


class WorkingTree:
    """Files as they are on disk now."""

    def __init__(self) -> None:
        self._texts: dict[Path, str | None] = {}

    def read(self, path: Path) -> str | None:
        key = path.resolve()
        if key not in self._texts:
            try:
                self._texts[key] = read_text(key) if key.is_file() else None
            except UserError:
                self._texts[key] = None
        return self._texts[key]


class OfflineGate:
    def __init__(self, plan: Plan, base: GitTree) -> None:
        self.plan = plan
        self.base = base
        self.head = WorkingTree()
        base.prefetch(plan.known)
        self.head_parser = Resolver(self.head, plan, lambda p: 2 if self.changed(p) else 1)
        self.base_parser = Resolver(base, plan, lambda p: 1)
        self._deps_changed: dict[Path, bool] = {}

    def changed(self, path: Path) -> bool:
        return self.head.read(path) != self.base.read(path)

    def references_changed(self, target: Target, text: str) -> bool:
        """Whether any file this one references (directly or not) differs from the ref."""
        if target.file in self._deps_changed:
            return self._deps_changed[target.file]
        self._deps_changed[target.file] = True  # a cycle counts as changed: let parse say why
        try:
            answer = False
            for link in links(target, text, self.plan, self.head):
                dependency = link.target
                dependency_text = self.head.read(dependency.file) if dependency else None
                if dependency is None or dependency_text is None or self.changed(dependency.file):
                    answer = True
                    break
                if self.references_changed(dependency, dependency_text):
                    answer = True
                    break
        except Unresolved:
            answer = True
        self._deps_changed[target.file] = answer
        return answer

    def judge(self, target: Target, report: Report) -> Status:
        from evcat.compat.levels import check_pair, parse_level
        from evcat.errors import InvalidSchemaError

        def problem(kind: Kind, rule: str, message: str, fix: str = "", line: int = 1) -> None:
            report.findings.append(
                Finding(kind, rule, message, target.shown, line, target.subject, fix=fix)
            )

        try:
            text = read_text(target.file)
        except UnreadableFile as error:
            problem(Kind.INVALID, INVALID_SCHEMA, f"the file is {error.reason}")
            return Status.INVALID
        old_text = self.base.read(target.file)
        if old_text == text and not self.references_changed(target, text):
            return Status.UNCHANGED
        try:
            new = self.head_parser.parse(target, text)
        except InvalidSchemaError as error:
            line = line_of_error(target.schema_type, text, error.message)
            problem(Kind.INVALID, INVALID_SCHEMA, error.message, "", line)
            return Status.INVALID
        except Unresolved as error:
            problem(Kind.INVALID, UNRESOLVED_REFERENCE, error.message, error.fix)
            return Status.INVALID
        if old_text is None:
            return Status.NEW
        try:
            old = self.base_parser.parse(target, old_text)
        except (InvalidSchemaError, Unresolved) as error:
            problem(
                Kind.WARNING,
                BASE_UNREADABLE,
                f"the version at {self.base.ref} does not parse, so it was not compared: "
                f"{error.message}",
            )
            return Status.NEW
        issues = check_pair(new, old, parse_level(target.level))
        for issue in issues:
            report.findings.append(_finding(target, issue, text, old_text))
        return Status.INCOMPATIBLE if issues else Status.COMPATIBLE


def _finding(target: Target, issue: Any, text: str, old_text: str) -> Finding:
    reader_text = text if issue.direction == "BACKWARD" else old_text
    line = line_of(target.schema_type, text, issue.path, reader_text=reader_text)
    message = issue.message
    if issue.additional_info and issue.additional_info not in message:
        message += f" ({issue.additional_info})"
    return Finding(
        Kind.INCOMPATIBLE,
        issue.rule,
        message,
        target.shown,
        line,
        target.subject,
        issue.path,
        issue.fix,
        None,
        issue.direction,
    )


def check_offline(plan: Plan, base: GitTree) -> Report:
    """Judge every target of ``plan`` against its text at ``base``."""
    gate = OfflineGate(plan, base)
    report = Report("offline", base.ref, findings=list(plan.problems))
    for target in plan.targets:
        status = gate.judge(target, report)
        report.outcomes.append(
            Outcome(target.subject, target.shown, target.schema_type, target.level, status)
        )
    return report
