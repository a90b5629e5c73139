"""F6: retention and residency policies per category, checked over the data map."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from evcat.catalog.service import Catalog
from evcat.cli.main import app as cli_app
from tests.catalog.conftest import Cli


def keep_prescriptions_a_year(catalog: Catalog) -> None:
    catalog.apply_text(
        """
kind: Channel
id: pharmacy.prescriptions
cluster: health
partitions: 3
replicas: 3
retention: P1Y
cleanup_policy: delete
residency: eu-central-1
key: customer_id
owner: pharmacy-team
privacy_contact: dpo
"""
    )


def test_special_category_max_retention_fails_naming_channel_and_values(
    catalog: Catalog, cli: Cli, tmp_path: Path
) -> None:
    keep_prescriptions_a_year(catalog)
    policies = tmp_path / "policies.yaml"
    policies.write_text("- id: art9\n  special_category: true\n  max_retention: P90D\n")
    code, out, _ = cli("gdpr", "retention", "--policies", str(policies))
    assert code == 1
    assert out.splitlines() == [
        "error: channel 'pharmacy.prescriptions' keeps health-record for P1Y; "
        "policy 'art9' allows at most P90D"
    ]


def test_retention_within_policy_passes(cli: Cli, tmp_path: Path) -> None:
    policies = tmp_path / "policies.yaml"
    policies.write_text("- id: art9\n  special_category: true\n  max_retention: P90D\n")
    code, out, _ = cli("gdpr", "retention", "--policies", str(policies))
    assert (code, out) == (0, "retention and residency within policy\n")


def test_stored_residency_policy_is_checked_through_the_api(api: TestClient) -> None:
    answer = api.put(
        "/v1/gdpr/retention-policies/names-in-eu",
        json={"category": "name", "residency": ["eu-west-1", "eu"]},
    )
    assert answer.status_code == 200, answer.text
    violations = api.get("/v1/gdpr/retention-check").json()["violations"]
    assert violations == []
    api.put(
        "/v1/gdpr/retention-policies/email-short",
        json={"category": "email-address", "max_retention": "P1000D"},
    )
    found = [
        (v["kind"], v["id"], v["declared"], v["allowed"])
        for v in api.get("/v1/gdpr/retention-check").json()["violations"]
    ]
    assert found == [
        ("channel", "billing.invoices", "P3650D", "P1000D"),
        ("channel", "customers", "infinite", "P1000D"),
        ("channel", "customers.scores", "infinite", "P1000D"),
        ("channel", "marketing.newsletter", "infinite", "P1000D"),
        ("store", "warehouse", "P1825D", "P1000D"),
    ]


def test_policy_with_unknown_category_is_422(api: TestClient) -> None:
    answer = api.put(
        "/v1/gdpr/retention-policies/x", json={"category": "helth", "max_retention": "P1D"}
    )
    assert answer.status_code == 422
    assert "'helth'" in answer.json()["detail"]
    assert "health" in answer.json()["detail"]


def schema_repository(root: Path) -> Path:
    """A git repository with one committed, unchanged schema file; returns the file."""
    schema = root / "orders-value.avsc"
    schema.write_text('{"type": "record", "name": "Order", "fields": []}')
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "base"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *command], cwd=root, check=True
        )
    return schema


def test_schema_gate_fails_on_a_catalog_retention_violation(
    api: TestClient, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.put(
        "/v1/gdpr/retention-policies/email-short",
        json={"category": "email-address", "max_retention": "P1000D"},
    )
    schema = schema_repository(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli_app,
        ["check", "--against", "HEAD", str(schema), "--catalog-db", demo_url, "-f", "json"],
    )
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["subject"]) for f in findings] == [
        ("RETENTION_POLICY", "billing.invoices"),
        ("RETENTION_POLICY", "customers"),
        ("RETENTION_POLICY", "customers.scores"),
        ("RETENTION_POLICY", "marketing.newsletter"),
        ("RETENTION_POLICY", "warehouse"),
    ]


def test_schema_gate_passes_when_the_catalog_is_within_policy(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = schema_repository(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli_app, ["check", "--against", "HEAD", str(schema), "--catalog-db", demo_url]
    )
    assert result.exit_code == 0, result.output
