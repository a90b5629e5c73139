"""``evcat check`` reports: text for people, JSON for programs, GitHub annotations, Markdown.

Every renderer takes the same ``Report`` and writes to a stream; the exit code never depends on
the format. SARIF lives in ``sarif.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from evcat import __version__
from evcat.cli.findings import REPORT_VERSION, Finding, Report, Status
from evcat.cli.options import ReportFormat

_VERDICT_MARKS = {
    Status.COMPATIBLE: "✅ compatible",
    Status.INCOMPATIBLE: "❌ incompatible",
    Status.INVALID: "⛔ invalid",
    Status.NEW: "🆕 new",
    Status.UNCHANGED: "unchanged",
}


def _problem(finding: Finding) -> str:
    return finding.message + (f" Fix: {finding.fix}." if finding.fix else "")


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON report; ``schemaVersion`` changes only when a field changes meaning."""
    return {
        "schemaVersion": REPORT_VERSION,
        "tool": {"name": "evcat", "version": __version__},
        "mode": report.mode,
        "against": report.against,
        "passed": report.exit_code == 0,
        "exitCode": int(report.exit_code),
        "summary": report.counts(),
        "schemas": [
            {
                "subject": o.subject,
                "file": o.file,
                "schemaType": o.schema_type,
                "level": o.level,
                "status": o.status.value,
            }
            for o in report.outcomes
        ],
        "findings": [
            {
                "kind": f.kind.value,
                "severity": f.severity,
                "rule": f.rule,
                "subject": f.subject,
                "file": f.file,
                "line": f.line,
                "path": f.path,
                "message": f.message,
                "fix": f.fix,
                "version": f.version,
                "direction": f.direction,
            }
            for f in report.findings
        ],
    }


def render_json(report: Report, out: TextIO) -> None:
    json.dump(report_dict(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


def render_text(report: Report, out: TextIO) -> None:
    """Tables of the schemas that changed and of the findings, then the summary line."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    terminal = out.isatty()
    console = Console(file=out, highlight=False, width=None if terminal else 160)
    judged = [o for o in report.outcomes if o.status is not Status.UNCHANGED]
    if judged:
        table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
        for column in ("verdict", "subject", "file", "type", "level"):
            table.add_column(column)
        styles = {Status.COMPATIBLE: "green", Status.NEW: "cyan"}
        for o in judged:
            verdict = Text(o.status.value, style=styles.get(o.status, "bold red"))
            table.add_row(verdict, Text(o.subject), Text(o.file), o.schema_type, o.level)
        console.print(table)
    if report.findings:
        table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
        table.add_column("where", no_wrap=True)
        table.add_column("rule")
        table.add_column("problem", ratio=1)
        for f in report.findings:
            style = "yellow" if f.severity == "warning" else "red"
            where = Text(f"{f.file}:{f.line}")
            problem = Text(f.message)
            if f.path and f.path not in f.message:
                problem.append(f"\nat {f.path}", style="dim")
            if f.direction:
                against = f" v{f.version}" if f.version else ""
                problem.append(f" ({f.direction}{against})", style="dim")
            if f.fix:
                problem.append(f"\nfix: {f.fix}", style="bold")
            table.add_row(where, Text(f.rule, style=style), problem)
        console.print(table)
    style = "green" if report.exit_code == 0 else "bold red"
    console.print(Text(report.summary(), style=style))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    """One workflow command: ``::error file=F,line=L,title=T::message``."""
    title = finding.rule + (f" ({finding.subject})" if finding.subject else "")
    properties = (
        f"file={_escape_property(finding.file)},line={finding.line},title={_escape_property(title)}"
    )
    return f"::{finding.severity} {properties}::{_escape_data(_problem(finding))}"


def render_github(report: Report, out: TextIO) -> None:
    """Annotations on the lines of the pull request, and the Markdown report in the job summary."""
    for finding in report.findings:
        out.write(github_line(finding) + "\n")
    out.write(report.summary() + "\n")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as summary:
            render_markdown(report, summary)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def render_markdown(report: Report, out: TextIO) -> None:
    """A pull-request comment; the first line marks it so a bot can update it in place."""
    passed = report.exit_code == 0
    out.write("<!-- evcat-check -->\n")
    out.write(f"### {'✅' if passed else '❌'} {_cell(report.summary())}\n\n")
    judged = [o for o in report.outcomes if o.status is not Status.UNCHANGED]
    if judged:
        out.write("| Verdict | Subject | File | Type | Level |\n|---|---|---|---|---|\n")
        for o in judged:
            out.write(
                f"| {_VERDICT_MARKS[o.status]} | `{_cell(o.subject)}` | `{_cell(o.file)}` "
                f"| {o.schema_type} | {o.level} |\n"
            )
        out.write("\n")
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault((finding.subject, finding.file), []).append(finding)
    for (subject, file), findings in groups.items():
        heading = f"`{_cell(subject)}` in `{_cell(file)}`" if subject else f"`{_cell(file)}`"
        out.write(f"#### {heading}\n\n| Line | Rule | Problem | Fix |\n|---:|---|---|---|\n")
        for f in findings:
            where = f" ({f.direction})" if f.direction else ""
            if f.path and f.path not in f.message:
                where = f" (at `{_cell(f.path)}`, {f.direction})"
            out.write(f"| {f.line} | `{f.rule}` | {_cell(f.message)}{where} | {_cell(f.fix)} |\n")
        out.write("\n")


def renderer(report_format: ReportFormat) -> Callable[[Report, TextIO], None]:
    from evcat.cli.sarif import render_sarif

    renderers: Mapping[ReportFormat, Callable[[Report, TextIO], None]] = {
        ReportFormat.TEXT: render_text,
        ReportFormat.JSON: render_json,
        ReportFormat.GITHUB: render_github,
        ReportFormat.SARIF: render_sarif,
        ReportFormat.MARKDOWN: render_markdown,
    }
    return renderers[report_format]
