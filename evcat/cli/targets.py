"""Which schema files ``evcat check`` judges, as which subjects, at which level.

With a manifest, its entries say everything (and files without an entry are reported). Without
one, the conventions apply: the type from the extension, the subject from the file name, the
level BACKWARD unless ``--level``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evcat.cli.errors import UserError
from evcat.cli.findings import MISSING_FILE, MISSING_MANIFEST_ENTRY, Finding, Kind
from evcat.cli.manifest import Manifest, Reference
from evcat.cli.sources import expand, shown, subject_of, type_of

DEFAULT_LEVEL = "BACKWARD"


@dataclass(frozen=True, slots=True)
class Target:
    """One schema file to judge."""

    file: Path  # resolved
    shown: str  # relative to the repository root, for reports
    subject: str
    schema_type: str
    level: str
    references: tuple[Reference, ...] = ()


@dataclass
class Plan:
    """The targets, the problems found while choosing them, and every schema file known by
    subject (references and imports resolve among these, judged or not)."""

    root: Path
    targets: list[Target] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    known: dict[Path, Target] = field(default_factory=dict)

    def by_subject(self, subject: str) -> Target | None:
        return next((t for t in self.known.values() if t.subject == subject), None)


def _from_manifest(manifest: Manifest, paths: list[Path], level: str | None, root: Path) -> Plan:
    plan = Plan(root)
    default = level or manifest.default_level or DEFAULT_LEVEL
    for entry in manifest.entries:
        plan.known[entry.file] = Target(
            entry.file,
            shown(entry.file, root),
            entry.subject,
            entry.schema_type,
            entry.compatibility or default,
            entry.references,
        )
    if paths:
        chosen = []
        for file in expand(paths):
            target = plan.known.get(file.resolve())
            if target is None:
                plan.problems.append(_missing_entry(file, manifest, root))
            else:
                chosen.append(target)
    else:
        chosen = list(plan.known.values())
        plan.problems += [
            _missing_entry(file, manifest, root)
            for file in manifest.included_files()
            if file not in plan.known
        ]
    for target in chosen:
        if target.file.is_file():
            plan.targets.append(target)
        else:
            plan.problems.append(
                Finding(
                    Kind.INVALID,
                    MISSING_FILE,
                    f"{manifest.path.name} declares '{target.shown}' for subject "
                    f"'{target.subject}', but there is no such file",
                    file=shown(manifest.path, root),
                    subject=target.subject,
                    fix="fix the path in the manifest, or remove the entry",
                )
            )
    return plan


def _missing_entry(file: Path, manifest: Manifest, root: Path) -> Finding:
    return Finding(
        Kind.INVALID,
        MISSING_MANIFEST_ENTRY,
        f"{shown(file, root)} has no entry in {manifest.path.name}, so evcat does not know its "
        "subject",
        file=shown(file, root),
        fix=f"add '- file: ...' with its subject under 'schemas:' in {manifest.path.name}",
    )


def _from_files(paths: list[Path], level: str | None, schema_type: str | None, root: Path) -> Plan:
    if not paths:
        raise UserError(
            "nothing to check: give schema files or directories, or add an evcat.yaml "
            "(see docs/manifest.md)"
        )
    plan = Plan(root)
    by_subject: dict[str, Path] = {}
    for file in expand(paths):
        subject = subject_of(file)
        if subject in by_subject:
            raise UserError(
                f"{file} and {by_subject[subject]} would both be subject '{subject}': "
                "rename one, or describe them in an evcat.yaml"
            )
        by_subject[subject] = file
        target = Target(
            file.resolve(),
            shown(file, root),
            subject,
            type_of(file, schema_type),
            level or DEFAULT_LEVEL,
        )
        plan.known[target.file] = target
        plan.targets.append(target)
    return plan


def plan_check(
    paths: list[Path],
    *,
    manifest: Manifest | None,
    level: str | None,
    schema_type: str | None,
    root: Path,
) -> Plan:
    """Choose the targets from the manifest (if any) and the paths given."""
    if manifest is None:
        return _from_files(paths, level, schema_type, root)
    if schema_type:
        raise UserError(
            f"--type applies only without a manifest; set 'type:' in {manifest.path.name}"
        )
    return _from_manifest(manifest, paths, level, root)
