"""The catalog's ``/v1`` API on the demo catalog: views, versions, ETags, paging, errors."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from evcat.app import create_app
from evcat.settings import Settings
from tests.catalog.conftest import DEMO_CATALOG

YAML = {"content-type": "application/yaml"}


def test_event_view_lists_producers_consumers_and_channels(api: TestClient) -> None:
    view = api.get("/v1/events/com.acme.customers.CustomerRegistered").json()
    assert view["owner"] == {
        "team": "customers-team",
        "name": "Customer Platform",
        "email": "customers@acme.example",
        "chat": "#team-customers",
        "source": "declared",
    }
    assert view["versions"] == [
        {
            "version": 1,
            "subject": "customers-com.acme.customers.CustomerRegistered",
            "schema_id": 5,
            "schema_type": "AVRO",
        },
        {
            "version": 2,
            "subject": "customers-com.acme.customers.CustomerRegistered",
            "schema_id": 6,
            "schema_type": "AVRO",
        },
    ]
    producers = [
        (p["service"], p["channel"], p["version"], p["resolved_versions"], p.get("key"))
        for p in view["producers"]
    ]
    assert producers == [("customer-service", "customers", "latest", [2], "customer_id")]
    consumers = [
        (
            c["service"],
            c["version"],
            c["resolved_versions"],
            c["fields"],
            c["purpose"],
            c["legal_basis"],
            c.get("stores", []),
            c.get("recipients", []),
        )
        for c in view["consumers"]
    ]
    assert consumers == [
        (
            "analytics-service",
            "^1",
            [1, 2],
            ["customer_id", "email", "registered_at"],
            "customer-analytics",
            "legitimate-interests",
            ["warehouse"],
            [],
        ),
        (
            "marketing-service",
            "^1",
            [1, 2],
            ["customer_id", "email", "name"],
            "newsletter",
            "consent",
            ["crm-db"],
            ["mailer"],
        ),
    ]
    [channel] = view["channels"]
    assert {
        k: channel[k] for k in ("id", "retention", "cleanup_policy", "tombstone_retention")
    } == {
        "id": "customers",
        "retention": "infinite",
        "cleanup_policy": "compact",
        "tombstone_retention": "P1D",
    }
    derived = [
        (d["service"], d["event"], d["field"], d["transformation"]) for d in view["derivations"]
    ]
    assert derived == [
        ("analytics-service", "com.acme.analytics.CustomerScored", "customer_id", "copy"),
        ("analytics-service", "com.acme.analytics.CustomerScored", "email_hash", "hash"),
        ("analytics-service", "com.acme.analytics.DailySignupCount", "signups", "aggregate"),
        ("marketing-service", "com.acme.marketing.NewsletterSubscribed", "customer_id", "copy"),
        ("marketing-service", "com.acme.marketing.NewsletterSubscribed", "email", "copy"),
        ("marketing-service", "com.acme.marketing.MarketingAudienceExported", "email", "copy"),
    ]


def test_a_unique_short_name_finds_the_event(api: TestClient) -> None:
    assert api.get("/v1/events/CustomerRegistered").json()["id"] == (
        "com.acme.customers.CustomerRegistered"
    )


def test_version_ranges_resolve_to_concrete_versions(api: TestClient) -> None:
    consumers = api.get("/v1/events/shop.OrderPlaced").json()["consumers"]
    resolved = {(c["service"], c["version"]): c["resolved_versions"] for c in consumers}
    assert resolved == {
        ("analytics-service", "^1"): [1, 2],
        ("billing-service", "2.x"): [2],
        ("payment-service", "latest"): [2],
        ("pharmacy-service", "latest"): [2],
        ("shipping-service", "1"): [1],
    }


def test_fields_of_a_version_with_inline_tags_and_declarations(api: TestClient) -> None:
    answer = api.get("/v1/events/shop.OrderPlaced/versions/2/fields").json()
    assert answer["event"] == "shop.OrderPlaced"
    assert [(f["path"], f["type"], f["tags"]) for f in answer["fields"]] == [
        ("order_id", "string (uuid)", []),
        ("customer_email", "string", ["PII"]),
        ("total_cents", "long", []),
        ("currency", "string", []),
        ("placed_at", "long (timestamp-millis)", []),
    ]
    assert answer["fields"][1]["declared"] == {
        "categories": ["email-address"],
        "subject_types": ["customer"],
        "identifier": "direct",
        "protection": "plain",
    }


def test_fields_of_protobuf_and_json_events(api: TestClient) -> None:
    proto = api.get("/v1/events/PrescriptionFilled/versions/latest/fields").json()
    assert [f["path"] for f in proto["fields"]] == [
        "prescription_id",
        "customer_id",
        "order_id",
        "medication",
        "diagnosis",
        "dosage",
        "dosage.amount",
        "dosage.unit",
        "filled_at",
    ]
    json_fields = api.get("/v1/events/InvoiceIssued/versions/1/fields").json()["fields"]
    assert [(f["path"], f["type"], f["optional"]) for f in json_fields] == [
        ("invoice_id", "string", False),
        ("order_id", "string", False),
        ("customer_email", "string (email)", True),
        ("total", "string", False),
        ("lines", "array<object>", True),
        ("lines.sku", "string", True),
        ("lines.quantity", "integer", True),
        ("issued_at", "string (date-time)", True),
    ]


def test_service_view_resolves_its_edges(api: TestClient) -> None:
    view = api.get("/v1/services/billing-service").json()
    assert view["owner"]["team"] == "payments-team"
    assert [(e["event"], e["resolved_version"]) for e in view["consumes"]] == [
        ("shop.OrderPlaced", 2),
        ("payments.PaymentCaptured", 1),
        ("com.acme.payments.PaymentRefunded", 1),
    ]
    assert [e["event"] for e in view["produces"]] == ["com.acme.billing.InvoiceIssued"]


def test_channel_store_and_recipient_views(api: TestClient) -> None:
    channel = api.get("/v1/channels/shop.orders").json()
    assert channel["events"] == ["com.acme.orders.OrderCancelled", "shop.OrderPlaced"]
    assert [p["service"] for p in channel["producers"]] == ["order-service", "order-service"]
    store = api.get("/v1/stores/crm-db").json()
    assert [(e["service"], e["event"]) for e in store["written_by"]] == [
        ("marketing-service", "com.acme.customers.CustomerRegistered"),
        ("marketing-service", "com.acme.analytics.CustomerScored"),
    ]
    recipient = api.get("/v1/recipients/ad-partner").json()
    assert [(e["service"], e["event"], e["fields"]) for e in recipient["received_from"]] == [
        ("analytics-service", "shop.OrderPlaced", ["order_id", "customer_email", "total_cents"])
    ]


def test_team_and_domain_views(api: TestClient) -> None:
    team = api.get("/v1/teams/data-team").json()
    assert team["owns"] == {
        "domains": ["analytics"],
        "services": ["analytics-service"],
        "events": ["com.acme.analytics.CustomerScored", "com.acme.analytics.DailySignupCount"],
        "channels": ["analytics.daily", "customers.scores"],
        "stores": ["warehouse"],
        "recipients": ["ad-partner"],
    }
    domain = api.get("/v1/domains/commerce").json()
    assert domain["domains"] == ["ordering", "payments", "shipping"]


def test_lists_are_paginated_with_a_next_link(api: TestClient) -> None:
    first = api.get("/v1/events", params={"limit": 5}).json()
    assert first["total"] == 17
    assert [e["id"] for e in first["items"]] == [
        "com.acme.analytics.CustomerScored",
        "com.acme.analytics.DailySignupCount",
        "com.acme.billing.InvoiceIssued",
        "com.acme.customers.CustomerAddressChanged",
        "com.acme.customers.CustomerAuditRecorded",
    ]
    following = api.get(first["next"]).json()
    assert following["offset"] == 5
    last = api.get("/v1/events", params={"limit": 5, "offset": 15}).json()
    assert (len(last["items"]), last["next"]) == (2, None)
    assert api.get("/v1/channels", params={"limit": 100}).json()["total"] == 14


@pytest.mark.parametrize(
    "path", ["/v1/events/shop.OrderPlaced", "/v1/services", "/v1/lineage?event=shop.OrderPlaced"]
)
def test_answers_carry_strong_etags_and_honour_if_none_match(api: TestClient, path: str) -> None:
    first = api.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = api.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)


def test_unknown_resources_are_problem_details(api: TestClient) -> None:
    answer = api.get("/v1/services/nope")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "Service 'nope' not found in the catalog"
    ambiguous = api.get("/v1/events/PostalAddress")
    assert ambiguous.status_code == 404


def test_lineage_walks_downstream_from_an_event(api: TestClient) -> None:
    graph = api.get(
        "/v1/lineage", params={"event": "CustomerRegistered", "depth": 2, "direction": "downstream"}
    ).json()
    assert [(n["id"], n["hops"]) for n in graph["nodes"]] == [
        ("event:com.acme.customers.CustomerRegistered", 0),
        ("channel:customers", 1),
        ("event:com.acme.analytics.CustomerScored", 1),
        ("event:com.acme.analytics.DailySignupCount", 1),
        ("event:com.acme.marketing.MarketingAudienceExported", 1),
        ("event:com.acme.marketing.NewsletterSubscribed", 1),
        ("service:analytics-service", 1),
        ("service:marketing-service", 1),
        ("channel:analytics.daily", 2),
        ("channel:customers.scores", 2),
        ("channel:marketing.export", 2),
        ("channel:marketing.newsletter", 2),
        ("recipient:ad-partner", 2),
        ("recipient:mailer", 2),
        ("store:crm-db", 2),
        ("store:warehouse", 2),
    ]


def test_apply_and_export_through_the_api(api: TestClient) -> None:
    body = (DEMO_CATALOG / "stores" / "warehouse.yaml").read_text().replace("P1825D", "P30D")
    plan = api.post(
        "/v1/catalog/apply", params={"dry_run": True}, content=body, headers=YAML
    ).json()
    assert plan == {
        "applied": False,
        "changes": [{"action": "update", "kind": "Store", "id": "warehouse"}],
        "unchanged": 59,
    }
    bad = api.post(
        "/v1/catalog/apply", content="kind: Channel\nid: x\nowner: ghost\n", headers=YAML
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == (
        "1 problem in the catalog, nothing written: (request):3: owner: unknown team 'ghost'"
    )
    exported = api.get("/v1/catalog/export").json()
    assert len(exported) == 60


def test_confluent_routes_are_untouched_by_the_catalog(api: TestClient) -> None:
    answer = api.get("/subjects/shop.orders-value/versions")
    assert (answer.status_code, answer.json()) == (200, [1, 2])
    assert answer.headers["content-type"] == "application/vnd.schemaregistry.v1+json"


def test_a_field_dropped_by_a_newer_version_is_flagged_on_its_readers(api: TestClient) -> None:
    v3 = {
        "type": "record",
        "name": "OrderPlaced",
        "namespace": "shop",
        "doc": "A customer placed an order.",
        "fields": [
            {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "total_cents", "type": "long"},
            {"name": "currency", "type": "string", "default": "EUR"},
            {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        ],
    }
    answer = api.post("/subjects/shop.orders-value/versions", json={"schema": json.dumps(v3)})
    assert answer.status_code == 200, answer.text
    consumers = api.get("/v1/events/shop.OrderPlaced").json()["consumers"]
    flagged = {c["service"]: c.get("missing_fields") for c in consumers}
    assert flagged == {
        "analytics-service": ["customer_email"],
        "billing-service": None,
        "payment-service": None,
        "pharmacy-service": ["customer_email"],
        "shipping-service": None,
    }


@pytest.mark.postgres
def test_views_read_the_same_on_each_backend(demo_any_backend: str) -> None:
    settings = Settings(db_url=demo_any_backend)
    with TestClient(create_app(settings, migrate=False)) as client:
        view = client.get("/v1/events/shop.OrderPlaced").json()
        assert [(c["service"], c["resolved_versions"]) for c in view["consumers"]] == [
            ("analytics-service", [1, 2]),
            ("billing-service", [2]),
            ("payment-service", [2]),
            ("pharmacy-service", [2]),
            ("shipping-service", [1]),
        ]
        assert client.get("/v1/channels", params={"limit": 5}).json()["total"] == 14
        lineage = client.get("/v1/lineage", params={"store": "warehouse", "depth": 1}).json()
        assert [n["id"] for n in lineage["nodes"]] == [
            "store:warehouse",
            "service:analytics-service",
        ]
