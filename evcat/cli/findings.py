"""What ``evcat check`` found: one outcome per schema, findings with file and line, the verdict."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from evcat.cli.errors import Exit

REPORT_VERSION = 1


class Kind(StrEnum):
    """Incompatible changes fail the gate (exit 1); invalid input fails it harder (exit 2)."""

    INCOMPATIBLE = "incompatible"
    INVALID = "invalid"
    WARNING = "warning"


class Status(StrEnum):
    COMPATIBLE = "compatible"
    INCOMPATIBLE = "incompatible"
    INVALID = "invalid"
    NEW = "new"
    UNCHANGED = "unchanged"


# Rules of the gate itself, beside the compatibility engine's rules.
INVALID_SCHEMA = "INVALID_SCHEMA"
UNRESOLVED_REFERENCE = "UNRESOLVED_REFERENCE"
MISSING_MANIFEST_ENTRY = "MISSING_MANIFEST_ENTRY"
MISSING_FILE = "MISSING_FILE"
BASE_UNREADABLE = "BASE_UNREADABLE"
RETENTION_POLICY = "RETENTION_POLICY"

RULE_SUMMARIES = {
    INVALID_SCHEMA: "The schema does not parse or is not valid for its type",
    UNRESOLVED_REFERENCE: "A reference or import names no schema that can be found",
    MISSING_MANIFEST_ENTRY: "A schema file has no entry in evcat.yaml",
    MISSING_FILE: "evcat.yaml names a file that does not exist",
    BASE_UNREADABLE: "The schema at the base does not parse, so nothing was compared",
    RETENTION_POLICY: "A channel or store keeps personal data longer or elsewhere than policy",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    rule: str
    message: str
    file: str
    line: int = 1
    subject: str = ""
    path: str = ""
    fix: str = ""
    version: int | None = None
    direction: str = ""

    @property
    def severity(self) -> str:
        return "warning" if self.kind is Kind.WARNING else "error"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict on one schema file."""

    subject: str
    file: str
    schema_type: str
    level: str
    status: Status


@dataclass
class Report:
    mode: str  # "offline" (against a git ref) or "online" (against a registry)
    against: str
    outcomes: list[Outcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> Exit:
        kinds = {finding.kind for finding in self.findings}
        if Kind.INVALID in kinds:
            return Exit.INVALID
        if Kind.INCOMPATIBLE in kinds:
            return Exit.INCOMPATIBLE
        return Exit.OK

    def counts(self) -> dict[str, int]:
        counted = Counter(outcome.status.value for outcome in self.outcomes)
        return {status.value: counted.get(status.value, 0) for status in Status}

    def summary(self) -> str:
        """One line: how many schemas, how each fared, against what."""
        counts = self.counts()
        total = len(self.outcomes)
        parts = [f"{counts[s.value]} {s.value}" for s in Status if counts[s.value]]
        orphans = sum(1 for f in self.findings if f.kind is Kind.INVALID and not f.subject)
        if orphans:
            parts.append(f"{orphans} configuration problem{'s' if orphans > 1 else ''}")
        verdict = {0: "passed", 1: "failed", 2: "failed"}[self.exit_code]
        noun = "schema" if total == 1 else "schemas"
        return f"evcat check {verdict}: {total} {noun} against {self.against}" + (
            f": {', '.join(parts)}" if parts else ""
        )
