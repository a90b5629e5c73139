"""F6: retention and residency policies per category, checked over the data map."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from evcat.catalog.service import Catalog
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
