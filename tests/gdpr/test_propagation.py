"""F3: categories follow the lineage; hashes stay as protected, aggregates stop, cycles end."""

from __future__ import annotations

from evcat.catalog.service import Catalog
from evcat.gdpr.propagation import propagate

REGISTERED_EMAIL = "field:com.acme.customers.CustomerRegistered#email"


def email_fields(catalog: Catalog) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    data = propagate(catalog, categories=lambda c: c == "email-address")
    return {f.id: (f.provenance, f.protection, f.hops) for f in data.facts if f.kind == "field"}


def test_copy_keeps_the_category_with_its_hop_path(catalog: Catalog) -> None:
    assert email_fields(catalog)["com.acme.marketing.NewsletterSubscribed#email"] == (
        "propagated",
        "plain",
        (
            REGISTERED_EMAIL,
            "derive:marketing-service(copy)",
            "field:com.acme.marketing.NewsletterSubscribed#email",
        ),
    )


def test_hash_keeps_the_category_as_protected(catalog: Catalog) -> None:
    assert email_fields(catalog)["com.acme.analytics.CustomerScored#email_hash"] == (
        "propagated",
        "hashed",
        (
            REGISTERED_EMAIL,
            "derive:analytics-service(hash)",
            "field:com.acme.analytics.CustomerScored#email_hash",
        ),
    )


def test_aggregate_stops_the_category(catalog: Catalog) -> None:
    data = propagate(catalog)
    assert not [f for f in data.facts if f.event == "com.acme.analytics.DailySignupCount"]
    stops = [(s.to_event, s.to_field, s.transformation) for s in data.stops]
    assert ("com.acme.analytics.DailySignupCount", "signups", "aggregate") not in stops


def test_exact_email_fields_on_the_demo(catalog: Catalog) -> None:
    assert sorted(email_fields(catalog)) == [
        "com.acme.analytics.CustomerScored#email_hash",
        "com.acme.billing.InvoiceIssued#customer_email",
        "com.acme.customers.CustomerAuditRecorded#email",
        "com.acme.customers.CustomerRegistered#email",
        "com.acme.marketing.MarketingAudienceExported#email",
        "com.acme.marketing.NewsletterSubscribed#email",
        "shop.OrderPlaced#customer_email",
    ]


def _reclassify_customer_id(catalog: Catalog) -> None:
    from evcat.audit import Actor
    from evcat.gdpr.fields import resolve
    from evcat.gdpr.overlay import Classification, set_overlay

    full, chosen, _ = resolve(catalog, "CustomerRegistered", "latest")
    value = Classification(("official-id",), ("customer",), "pseudonymous")
    set_overlay(catalog, full, chosen, "customer_id", value, Actor("test"))


def test_aggregate_stop_is_reported_with_its_hops(catalog: Catalog) -> None:
    _reclassify_customer_id(catalog)
    data = propagate(catalog, categories=lambda c: c == "official-id")
    assert [(s.to_event, s.to_field, s.transformation, s.hops) for s in data.stops] == [
        (
            "com.acme.analytics.DailySignupCount",
            "signups",
            "aggregate",
            (
                "field:com.acme.customers.CustomerRegistered#customer_id",
                "derive:analytics-service(aggregate)",
                "field:com.acme.analytics.DailySignupCount#signups",
            ),
        )
    ]
    assert not [f for f in data.facts if f.event == "com.acme.analytics.DailySignupCount"]


def _set_transformation(catalog: Catalog, old: str, new: str) -> None:
    from importlib.resources import files

    path = files("evcat") / "demo_data" / "catalog" / "services" / "marketing-service.yaml"
    text = path.read_text()
    assert old in text
    catalog.apply_text(text.replace(old, new, 1))


def test_changing_copy_to_anonymise_removes_downstream_facts(catalog: Catalog) -> None:
    before = email_fields(catalog)
    assert "com.acme.marketing.NewsletterSubscribed#email" in before
    _set_transformation(
        catalog,
        "field: email\n  transformation: copy",
        "field: email\n  transformation: anonymise",
    )
    after = email_fields(catalog)
    assert "com.acme.marketing.NewsletterSubscribed#email" not in after
    data = propagate(catalog)
    assert not [f for f in data.facts if f.event == "com.acme.marketing.NewsletterSubscribed"]


def test_cycles_terminate_and_each_fact_is_reported_once(catalog: Catalog) -> None:
    # billing-service copies InvoiceIssued.customer_email back into OrderPlaced: A -> B -> A.
    catalog.apply_text(
        """
kind: Service
id: loop-service
owner: orders-team
produces:
- event: shop.OrderPlaced
  channel: shop.orders
consumes:
- event: com.acme.billing.InvoiceIssued
  channel: billing.invoices
  fields: [customer_email]
  purpose: reconciliation
  legal_basis: contract
derivations:
- event: shop.OrderPlaced
  field: customer_email
  transformation: copy
  from:
  - event: com.acme.billing.InvoiceIssued
    field: customer_email
"""
    )
    data = propagate(catalog, categories=lambda c: c == "email-address")
    keys = [(f.kind, f.id, f.event, f.field) for f in data.facts]
    assert len(keys) == len(set(keys))
    assert (
        "field",
        "shop.OrderPlaced#customer_email",
        "shop.OrderPlaced",
        "customer_email",
    ) in keys
    invoice = next(f for f in data.facts if f.id == "com.acme.billing.InvoiceIssued#customer_email")
    assert invoice.hops == (
        "field:shop.OrderPlaced#customer_email",
        "derive:billing-service(copy)",
        "field:com.acme.billing.InvoiceIssued#customer_email",
    )
