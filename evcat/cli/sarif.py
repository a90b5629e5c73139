"""The report as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from evcat import __version__
from evcat.cli.findings import RULE_SUMMARIES, Finding, Report

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _rule(rule_id: str) -> dict[str, Any]:
    summary = RULE_SUMMARIES.get(rule_id)
    if summary is None:
        words = rule_id.replace("_", " ").lower()
        summary = f"Incompatible schema change: {words}"
    return {
        "id": rule_id,
        "name": "".join(word.capitalize() for word in rule_id.split("_")),
        "shortDescription": {"text": summary},
    }


def _fingerprint(finding: Finding) -> str:
    """Stable across runs even when lines move: what, where in the schema, which way."""
    key = "\0".join((finding.subject, finding.file, finding.rule, finding.path, finding.direction))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def sarif_dict(report: Report) -> dict[str, Any]:
    rule_ids = list(dict.fromkeys(finding.rule for finding in report.findings))
    results = []
    for finding in report.findings:
        text = finding.message + (f" Fix: {finding.fix}." if finding.fix else "")
        properties: dict[str, Any] = {"subject": finding.subject, "kind": finding.kind.value}
        if finding.path:
            properties["schemaPath"] = finding.path
        if finding.direction:
            properties["direction"] = finding.direction
        if finding.version is not None:
            properties["version"] = finding.version
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": rule_ids.index(finding.rule),
                "level": finding.severity,
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": finding.file, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": finding.line},
                        }
                    }
                ],
                "partialFingerprints": {"evcatFinding/v1": _fingerprint(finding)},
                "properties": properties,
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "evcat",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "automationDetails": {"id": f"evcat-check/{report.mode}/"},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "exitCode": int(report.exit_code),
                    }
                ],
                "results": results,
            }
        ],
    }


def render_sarif(report: Report, out: TextIO) -> None:
    json.dump(sarif_dict(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
