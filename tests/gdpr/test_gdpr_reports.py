"""F4 and F5: the where and erasure reports, in JSON (validated), CSV and text, CLI and API."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from evcat.gdpr.report_schemas import SCHEMAS
from tests.catalog.conftest import Cli

DOCS = Path(__file__).resolve().parents[2] / "docs"
CR = "com.acme.customers.CustomerRegistered"


def validate(report: dict[str, object], name: str) -> None:
    schema = json.loads((DOCS / f"gdpr-{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(report)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_report_schemas_are_current_and_served(api: TestClient, name: str) -> None:
    published = json.loads((DOCS / f"gdpr-{name}.schema.json").read_text())
    assert published == SCHEMAS[name]()
    assert api.get(f"/v1/gdpr/schemas/{name}").json() == published


def test_where_name_lists_exact_rows(cli: Cli) -> None:
    code, out, _ = cli("gdpr", "where", "--category", "name", "-o", "json")
    assert code == 0
    report = json.loads(out)
    validate(report, "where")
    assert [
        (r["kind"], r["id"], r["event"], r["field"], r["provenance"]) for r in report["rows"]
    ] == [
        ("field", f"{CR}#name", CR, "name", "direct"),
        (
            "field",
            "com.acme.shipping.ShipmentDelivered#recipient_name",
            "com.acme.shipping.ShipmentDelivered",
            "recipient_name",
            "direct",
        ),
        ("producer", "customer-service", CR, "name", "direct"),
        (
            "producer",
            "shipping-service",
            "com.acme.shipping.ShipmentDelivered",
            "recipient_name",
            "direct",
        ),
        ("channel", "customers", CR, "name", "direct"),
        (
            "channel",
            "shipping.shipments",
            "com.acme.shipping.ShipmentDelivered",
            "recipient_name",
            "direct",
        ),
        ("consumer", "marketing-service", CR, "name", "direct"),
        ("store", "crm-db", CR, "name", "direct"),
        ("recipient", "mailer", CR, "name", "direct"),
    ]


def test_where_rows_carry_channel_consumer_and_recipient_details(cli: Cli) -> None:
    report = json.loads(cli("gdpr", "where", "--category", "name", "-o", "json")[1])
    by_kind = {(r["kind"], r["id"]): r for r in report["rows"]}
    channel = by_kind[("channel", "customers")]
    assert (
        channel["cluster"],
        channel["retention"],
        channel["cleanup_policy"],
        channel["residency"],
    ) == ("main", "infinite", "compact", "eu-west-1")
    consumer = by_kind[("consumer", "marketing-service")]
    assert (consumer["purpose"], consumer["legal_basis"], consumer["channel"]) == (
        "newsletter",
        "consent",
        "customers",
    )
    recipient = by_kind[("recipient", "mailer")]
    assert (recipient["residency"], recipient["transfer_mechanism"], recipient["contact"]) == (
        "us-east-1",
        "scc",
        "privacy@mailblast.example",
    )
    assert recipient["hops"] == [
        f"field:{CR}#name",
        "channel:customers",
        "consumer:marketing-service",
        "recipient:mailer",
    ]
    assert all(r["owner"] and r["contact"] for r in report["rows"])


def test_where_includes_propagated_rows_with_hops(cli: Cli) -> None:
    report = json.loads(cli("gdpr", "where", "--category", "email-address", "-o", "json")[1])
    validate(report, "where")
    propagated = [(r["kind"], r["id"]) for r in report["rows"] if r["provenance"] == "propagated"]
    assert propagated == [
        ("field", "com.acme.analytics.CustomerScored#email_hash"),
        ("field", "com.acme.billing.InvoiceIssued#customer_email"),
        ("field", "com.acme.marketing.MarketingAudienceExported#email"),
        ("field", "com.acme.marketing.NewsletterSubscribed#email"),
        ("producer", "analytics-service"),
        ("producer", "billing-service"),
        ("producer", "marketing-service"),
        ("producer", "marketing-service"),
        ("channel", "billing.invoices"),
        ("channel", "customers.scores"),
        ("channel", "marketing.export"),
        ("channel", "marketing.newsletter"),
    ]
    assert len(report["rows"]) == 31


def test_where_csv_and_text_carry_the_json_rows_in_order(cli: Cli) -> None:
    report = json.loads(cli("gdpr", "where", "--category", "contact", "-o", "json")[1])
    rows = list(
        csv.DictReader(io.StringIO(cli("gdpr", "where", "--category", "contact", "-o", "csv")[1]))
    )
    assert [(r["kind"], r["id"], r["field"], r["hops"]) for r in rows] == [
        (r["kind"], r["id"], r["field"], " > ".join(r["hops"])) for r in report["rows"]
    ]
    text = cli("gdpr", "where", "--category", "contact")[1]
    ids = [line.split()[2] for line in text.splitlines()[2:] if not line.startswith("    ")]
    assert ids == [r["id"] for r in report["rows"]]


def test_where_category_includes_narrower_categories(cli: Cli) -> None:
    report = json.loads(cli("gdpr", "where", "--category", "contact", "-o", "json")[1])
    assert {r["category"] for r in report["rows"]} == {"email-address", "postal-address"}


def test_where_subject_type_filters_rows(cli: Cli) -> None:
    report = json.loads(
        cli("gdpr", "where", "--category", "health", "--subject-type", "patient", "-o", "json")[1]
    )
    assert [(r["kind"], r["id"]) for r in report["rows"]] == [
        ("field", "com.acme.pharmacy.PrescriptionFilled#diagnosis"),
        ("producer", "pharmacy-service"),
        ("channel", "pharmacy.prescriptions"),
    ]
    customer = cli(
        "gdpr", "where", "--category", "health", "--subject-type", "customer", "-o", "json"
    )
    assert json.loads(customer[1])["rows"] == []


def test_where_unknown_category_exits_2_with_close_matches(cli: Cli) -> None:
    code, _, err = cli("gdpr", "where", "--category", "emial-address")
    assert code == 2
    assert "Unknown category 'emial-address'; nearest: email-address" in err


def test_where_category_present_nowhere_is_empty_with_exit_0(cli: Cli) -> None:
    code, out, _ = cli("gdpr", "where", "--category", "genetic-data", "-o", "json")
    assert code == 0
    assert json.loads(out)["rows"] == []


def test_where_api_answers_the_cli_rows(api: TestClient, cli: Cli) -> None:
    answer = api.get("/v1/gdpr/where", params={"category": "name"})
    assert answer.json() == json.loads(cli("gdpr", "where", "--category", "name", "-o", "json")[1])
    as_csv = api.get("/v1/gdpr/where", params={"category": "name", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    # Click's test runner reads CRLF line ends back as LF; the API sends RFC 4180's CRLF.
    assert as_csv.text.endswith("\r\n")
    assert (
        as_csv.text.replace("\r\n", "\n")
        == cli("gdpr", "where", "--category", "name", "-o", "csv")[1]
    )


def test_where_api_unknown_category_is_422_problem(api: TestClient) -> None:
    answer = api.get("/v1/gdpr/where", params={"category": "helth-record"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "Unknown category 'helth-record'; nearest: health-record"


def erasure_rows(cli: Cli) -> dict[tuple[str, str], dict[str, object]]:
    code, out, _ = cli(
        "gdpr", "erasure", "--subject-type", "customer", "--key", "customer_id", "-o", "json"
    )
    assert code == 0
    report = json.loads(out)
    validate(report, "erasure")
    return {(r["kind"], r["id"]): r for r in report["rows"]}


def test_erasure_compacted_keyed_topic_is_tombstone_with_its_retention(cli: Cli) -> None:
    row = erasure_rows(cli)[("channel", "customers")]
    assert (row["mechanism"], row["days"], row["meets_deadline"]) == ("tombstone", 1.0, True)
    assert row["detail"] == "tombstone keyed by customer_id; delete.retention.ms P1D"


def test_erasure_short_delete_topic_expires_in_7_days(cli: Cli) -> None:
    row = erasure_rows(cli)[("channel", "shop.orders")]
    assert (row["mechanism"], row["days"]) == ("expires", 7.0)
    assert row["detail"].startswith("expires in 7 d")


def test_erasure_per_subject_encrypted_topic_is_crypto_shred(cli: Cli) -> None:
    row = erasure_rows(cli)[("channel", "audit.v1")]
    assert (row["mechanism"], row["meets_deadline"]) == ("crypto-shred", True)


def test_erasure_long_plaintext_topic_is_blocked(cli: Cli) -> None:
    row = erasure_rows(cli)[("channel", "marketing.export")]
    assert (row["mechanism"], row["days"], row["meets_deadline"]) == ("blocked", 365.0, False)
    assert row["owner"] == "marketing-team"


def test_erasure_lists_exact_locations_in_order(cli: Cli) -> None:
    assert [(k, i, r["mechanism"]) for (k, i), r in erasure_rows(cli).items()] == [
        ("channel", "audit.v1", "crypto-shred"),
        ("channel", "billing.invoices", "blocked"),
        ("channel", "customers", "tombstone"),
        ("channel", "customers.scores", "tombstone"),
        ("channel", "marketing.export", "blocked"),
        ("channel", "marketing.newsletter", "tombstone"),
        ("channel", "shipping.shipments", "expires"),
        ("channel", "shop.orders", "expires"),
        ("store", "crm-db", "delete-in-store"),
        ("store", "warehouse", "delete-in-store"),
        ("recipient", "ad-partner", "notify-recipient"),
        ("recipient", "mailer", "notify-recipient"),
    ]


def test_erasure_every_reached_store_appears_with_its_owner(cli: Cli) -> None:
    rows = erasure_rows(cli)
    assert (rows[("store", "crm-db")]["owner"], rows[("store", "crm-db")]["contact"]) == (
        "marketing-team",
        "marketing@acme.example",
    )
    assert rows[("store", "warehouse")]["owner"] == "data-team"


def test_erasure_fail_on_blocked_exits_3(cli: Cli) -> None:
    code, out, err = cli(
        "gdpr", "erasure", "--subject-type", "customer", "--key", "customer_id", "--fail-on-blocked"
    )
    assert code == 3
    assert "marketing.export" in out
    assert "2 location(s) blocked" in err


def test_erasure_without_blocked_locations_passes_fail_on_blocked(cli: Cli) -> None:
    code, _, _ = cli(
        "gdpr", "erasure", "--subject-type", "patient", "--key", "customer_id", "--fail-on-blocked"
    )
    assert code == 0


def test_erasure_unknown_key_exits_2_naming_nearest_fields(cli: Cli) -> None:
    code, _, err = cli("gdpr", "erasure", "--subject-type", "customer", "--key", "customer_idd")
    assert code == 2
    assert "Unknown key field 'customer_idd'; nearest: customer_id" in err


def test_erasure_api_csv_matches_cli(api: TestClient, cli: Cli) -> None:
    params = {"subject_type": "customer", "key": "customer_id", "format": "csv"}
    answer = api.get("/v1/gdpr/erasure", params=params)
    expected = cli(
        "gdpr", "erasure", "--subject-type", "customer", "--key", "customer_id", "-o", "csv"
    )[1]
    # Click's test runner reads CRLF line ends back as LF; the API sends RFC 4180's CRLF.
    assert answer.text.endswith("\r\n")
    assert answer.text.replace("\r\n", "\n") == expected


def test_erasure_api_unknown_subject_type_is_422(api: TestClient) -> None:
    answer = api.get("/v1/gdpr/erasure", params={"subject_type": "custmer", "key": "customer_id"})
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("Unknown subject type 'custmer'; nearest: customer")
