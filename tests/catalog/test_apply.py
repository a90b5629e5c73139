"""Catalog as code: ``evcat apply`` (F2), re-apply, --prune, --dry-run and export round trips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from evcat.app import create_app
from evcat.settings import Settings
from tests.catalog.conftest import DEMO_CATALOG, Cli, make_catalog

EXPECTED_EDGES = [
    ("analytics-service", "consumes", "com.acme.customers.CustomerRegistered", "^1", "customers"),
    ("analytics-service", "consumes", "shop.OrderPlaced", "^1", "shop.orders"),
    (
        "analytics-service",
        "consumes",
        "com.acme.marketing.NewsletterSubscribed",
        "latest",
        "marketing.newsletter",
    ),
    (
        "analytics-service",
        "consumes",
        "com.acme.pharmacy.PrescriptionFilled",
        "latest",
        "pharmacy.prescriptions",
    ),
    (
        "analytics-service",
        "produces",
        "com.acme.analytics.CustomerScored",
        "latest",
        "customers.scores",
    ),
    (
        "analytics-service",
        "produces",
        "com.acme.analytics.DailySignupCount",
        "latest",
        "analytics.daily",
    ),
    ("billing-service", "consumes", "shop.OrderPlaced", "2.x", "shop.orders"),
    ("billing-service", "consumes", "payments.PaymentCaptured", "latest", "payments.captured"),
    (
        "billing-service",
        "consumes",
        "com.acme.payments.PaymentRefunded",
        "latest",
        "payments.refunded",
    ),
    ("billing-service", "produces", "com.acme.billing.InvoiceIssued", "latest", "billing.invoices"),
    (
        "customer-service",
        "consumes",
        "com.acme.customers.EraseCustomer",
        "latest",
        "customers.commands",
    ),
    (
        "customer-service",
        "produces",
        "com.acme.customers.CustomerRegistered",
        "latest",
        "customers",
    ),
    (
        "customer-service",
        "produces",
        "com.acme.customers.CustomerAddressChanged",
        "latest",
        "customers",
    ),
    (
        "customer-service",
        "produces",
        "com.acme.customers.CustomerAuditRecorded",
        "latest",
        "audit.v1",
    ),
    ("marketing-service", "consumes", "com.acme.customers.CustomerRegistered", "^1", "customers"),
    (
        "marketing-service",
        "consumes",
        "com.acme.analytics.CustomerScored",
        "latest",
        "customers.scores",
    ),
    (
        "marketing-service",
        "produces",
        "com.acme.marketing.NewsletterSubscribed",
        "latest",
        "marketing.newsletter",
    ),
    (
        "marketing-service",
        "produces",
        "com.acme.marketing.MarketingAudienceExported",
        "latest",
        "marketing.export",
    ),
    ("order-service", "consumes", "payments.PaymentCaptured", "latest", "payments.captured"),
    ("order-service", "consumes", "shipping.ShipmentDispatched", "latest", "shipping.shipments"),
    (
        "order-service",
        "consumes",
        "com.acme.shipping.ShipmentDelivered",
        "latest",
        "shipping.shipments",
    ),
    ("order-service", "consumes", "com.acme.orders.GetOrderStatus", "latest", "orders.queries"),
    ("order-service", "produces", "shop.OrderPlaced", "latest", "shop.orders"),
    ("order-service", "produces", "com.acme.orders.OrderCancelled", "latest", "shop.orders"),
    ("payment-service", "consumes", "shop.OrderPlaced", "latest", "shop.orders"),
    ("payment-service", "consumes", "com.acme.orders.OrderCancelled", "latest", "shop.orders"),
    ("payment-service", "produces", "payments.PaymentCaptured", "latest", "payments.captured"),
    (
        "payment-service",
        "produces",
        "com.acme.payments.PaymentRefunded",
        "latest",
        "payments.refunded",
    ),
    ("pharmacy-service", "consumes", "shop.OrderPlaced", "latest", "shop.orders"),
    (
        "pharmacy-service",
        "produces",
        "com.acme.pharmacy.PrescriptionFilled",
        "latest",
        "pharmacy.prescriptions",
    ),
    ("shipping-service", "consumes", "shop.OrderPlaced", "1", "shop.orders"),
    (
        "shipping-service",
        "consumes",
        "com.acme.customers.CustomerAddressChanged",
        "latest",
        "customers",
    ),
    ("shipping-service", "produces", "shipping.ShipmentDispatched", "latest", "shipping.shipments"),
    (
        "shipping-service",
        "produces",
        "com.acme.shipping.ShipmentDelivered",
        "latest",
        "shipping.shipments",
    ),
    ("shipping-service", "produces", "com.acme.orders.GetOrderStatus", "latest", "orders.queries"),
]
TABLES = (
    "catalog_domains",
    "catalog_teams",
    "catalog_people",
    "catalog_services",
    "catalog_edges",
    "catalog_edge_fields",
    "catalog_edge_targets",
    "catalog_derivations",
    "catalog_derivation_inputs",
    "catalog_events",
    "catalog_field_declarations",
    "catalog_channels",
    "catalog_stores",
    "catalog_recipients",
    "catalog_policies",
)


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.execute(text(query))]
    engine.dispose()
    return found


def counts(url: str) -> dict[str, int]:
    return {table: int(rows(url, f"SELECT count(*) FROM {table}")[0][0]) for table in TABLES}


def epoch(url: str) -> int:
    return int(rows(url, "SELECT epoch FROM registry_state")[0][0])


def test_apply_creates_every_resource_and_edge(schemas_url: str) -> None:
    code, out, err = Cli(schemas_url)("apply", str(DEMO_CATALOG))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "60 to create, 0 to update, 0 to delete, 0 unchanged"
    assert out.splitlines()[:3] == [
        "+ create Team customers-team",
        "+ create Team data-team",
        "+ create Team logistics-team",
    ]
    edges = rows(
        schemas_url,
        "SELECT service, role, event, version, channel FROM catalog_edges "
        "ORDER BY service, role, position",
    )
    assert edges == EXPECTED_EDGES
    assert counts(schemas_url) == {
        "catalog_domains": 8,
        "catalog_teams": 8,
        "catalog_people": 9,
        "catalog_services": 8,
        "catalog_edges": 35,
        "catalog_edge_fields": 42,
        "catalog_edge_targets": 8,
        "catalog_derivations": 14,
        "catalog_derivation_inputs": 14,
        "catalog_events": 17,
        "catalog_field_declarations": 9,
        "catalog_channels": 14,
        "catalog_stores": 2,
        "catalog_recipients": 2,
        "catalog_policies": 1,
    }


def test_reapplying_unchanged_files_changes_nothing(demo_url: str) -> None:
    paths = ["/v1/events/CustomerRegistered", "/v1/services/billing-service", "/v1/catalog/export"]
    with TestClient(create_app(Settings(db_url=demo_url), migrate=False)) as client:
        before = [client.get(path).headers["etag"] for path in paths]
        rows_before, epoch_before = counts(demo_url), epoch(demo_url)
        code, out, _ = Cli(demo_url)("apply", str(DEMO_CATALOG))
        after = [client.get(path).headers["etag"] for path in paths]
    assert code == 0
    assert out == "0 to create, 0 to update, 0 to delete, 60 unchanged\n"
    assert after == before
    assert counts(demo_url) == rows_before
    assert epoch(demo_url) == epoch_before, "an unchanged apply must not even open a write"


def test_apply_writes_one_change_and_reports_it(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    store = folder / "stores" / "warehouse.yaml"
    store.write_text(store.read_text().replace("retention: P1825D", "retention: P1095D"))
    code, out, _ = Cli(demo_url)("apply", str(folder))
    assert (code, out) == (
        0,
        "~ update Store warehouse\n0 to create, 1 to update, 0 to delete, 59 unchanged\n",
    )
    assert rows(demo_url, "SELECT retention FROM catalog_stores WHERE id = 'warehouse'") == [
        ("P1095D",)
    ]


def test_dry_run_prints_the_plan_and_writes_nothing(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    (folder / "channels" / "extra.yaml").write_text("kind: Channel\nid: extra\nowner: data-team\n")
    store = folder / "stores" / "warehouse.yaml"
    store.write_text(store.read_text().replace("retention: P1825D", "retention: P1095D"))
    before = counts(demo_url)
    code, out, _ = Cli(demo_url)("apply", str(folder), "--dry-run")
    assert (code, out) == (
        0,
        "~ update Store warehouse\n"
        "+ create Channel extra\n"
        "1 to create, 1 to update, 0 to delete, 59 unchanged\n"
        "dry run: nothing written\n",
    )
    assert counts(demo_url) == before
    assert rows(demo_url, "SELECT retention FROM catalog_stores WHERE id = 'warehouse'") == [
        ("P1825D",)
    ]


def test_prune_dry_run_lists_deletions(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    (folder / "policies" / "default.yaml").unlink()
    code, out, _ = Cli(demo_url)("apply", str(folder), "--prune", "--dry-run")
    assert (code, out) == (
        0,
        "- delete Policy default\n"
        "0 to create, 0 to update, 1 to delete, 59 unchanged\n"
        "dry run: nothing written\n",
    )
    assert rows(demo_url, "SELECT id FROM catalog_policies") == [("default",)]


def test_prune_deletes_what_the_files_no_longer_declare(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    (folder / "channels" / "analytics.daily.yaml").unlink()
    service = folder / "services" / "analytics-service.yaml"
    lines = service.read_text().splitlines(keepends=True)
    start = lines.index("- event: com.acme.analytics.DailySignupCount\n")
    end = lines.index("consumes:\n")
    del lines[start:end]
    derivation = lines.index("- event: com.acme.analytics.DailySignupCount\n")
    del lines[derivation : derivation + 6]
    service.write_text("".join(lines))
    (folder / "events" / "com.acme.analytics.DailySignupCount.yaml").unlink()
    code, out, err = Cli(demo_url)("apply", str(folder), "--prune")
    assert (code, err) == (0, "")
    assert out == (
        "- delete Channel analytics.daily\n"
        "- delete Event com.acme.analytics.DailySignupCount\n"
        "~ update Service analytics-service\n"
        "0 to create, 1 to update, 2 to delete, 57 unchanged\n"
    )
    assert rows(demo_url, "SELECT id FROM catalog_channels WHERE id = 'analytics.daily'") == []
    assert rows(
        demo_url, "SELECT count(*) FROM catalog_edges WHERE service = 'analytics-service'"
    ) == [(5,)]


def test_without_prune_resources_missing_from_the_files_stay(demo_url: str) -> None:
    code, out, _ = Cli(demo_url)("apply", str(DEMO_CATALOG / "stores"))
    assert (code, out) == (0, "0 to create, 0 to update, 0 to delete, 60 unchanged\n")


def test_prune_refuses_to_leave_dangling_references(demo_url: str, tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO_CATALOG, tmp_path / "catalog")
    (folder / "channels" / "analytics.daily.yaml").unlink()
    before = counts(demo_url)
    code, out, err = Cli(demo_url)("apply", str(folder), "--prune")
    service = folder / "services" / "analytics-service.yaml"
    line = service.read_text().splitlines().index("  channel: analytics.daily") + 1
    assert (code, out) == (1, "")
    assert err == (
        f"error: {service}:{line}: produces[1].channel: unknown channel 'analytics.daily'\n"
        "1 problem, nothing written\n"
    )
    assert counts(demo_url) == before


def test_export_writes_the_demo_files_byte_for_byte(demo_url: str, tmp_path: Path) -> None:
    code, out, _ = Cli(demo_url)("export", "catalog", str(tmp_path / "out"))
    assert (code, out) == (0, f"wrote 60 files under {tmp_path / 'out'}\n")
    exported = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.yaml"))
    demo = sorted(p.relative_to(DEMO_CATALOG) for p in DEMO_CATALOG.rglob("*.yaml"))
    assert exported == demo
    for relative in demo:
        assert (tmp_path / "out" / relative).read_bytes() == (DEMO_CATALOG / relative).read_bytes()


def test_export_then_apply_elsewhere_round_trips(
    demo_url: str, schemas_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    Cli(demo_url)("export", "catalog", str(first))
    assert Cli(schemas_url)("apply", str(first))[0] == 0
    Cli(schemas_url)("export", "catalog", str(second))
    assert make_catalog(schemas_url).export_documents() == make_catalog(demo_url).export_documents()
    for path in first.rglob("*.yaml"):
        assert (second / path.relative_to(first)).read_text() == path.read_text()


def test_export_removes_files_of_resources_no_longer_in_the_catalog(
    demo_url: str, tmp_path: Path
) -> None:
    stale = tmp_path / "out" / "channels" / "gone.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("kind: Channel\nid: gone\n")
    keep = tmp_path / "out" / "README.md"
    keep.write_text("not ours")
    Cli(demo_url)("export", "catalog", str(tmp_path / "out"))
    assert not stale.exists()
    assert keep.exists()


@pytest.mark.postgres
def test_apply_and_reapply_on_each_backend(demo_any_backend: str) -> None:
    catalog = make_catalog(demo_any_backend)
    assert len(catalog.export_documents()) == 60
    plan = catalog.apply_paths([DEMO_CATALOG])
    assert (plan.changes, plan.unchanged) == ([], 60)
    edges = rows(
        demo_any_backend,
        "SELECT service, role, event, version, channel FROM catalog_edges "
        "ORDER BY service, role, position",
    )
    assert edges == EXPECTED_EDGES
