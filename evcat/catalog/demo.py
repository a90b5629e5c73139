"""The demo catalog: more schemas for the demo registry, and the catalog that describes them.

``evcat.demo.load_demo`` registers the first demo schemas and then calls ``load_demo_catalog``,
which registers these (in this order, so compatibility checks pass) and applies
``evcat/demo_data/catalog``: an online shop with a pharmacy, in 8 domains, 8 teams, 8 services,
17 events over Avro, Protobuf and JSON Schema, 14 channels, 2 stores and 2 external recipients.
"""

from __future__ import annotations

from importlib.resources import as_file, files

from evcat.audit import local_actor
from evcat.catalog.apply import Plan
from evcat.catalog.service import Catalog
from evcat.formats import AVRO, JSON, PROTOBUF
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry

# (subject, schema type, file under evcat/demo_data). Single-event topics use the topic name
# strategy (``<topic>-value``); topics carrying several events use ``<topic>-<event name>``.
CATALOG_SCHEMAS = (
    ("customers-com.acme.customers.CustomerRegistered", AVRO, "customer_registered_v1.avsc"),
    ("customers-com.acme.customers.CustomerRegistered", AVRO, "customer_registered_v2.avsc"),
    (
        "customers-com.acme.customers.CustomerAddressChanged",
        AVRO,
        "customer_address_changed.avsc",
    ),
    ("audit.v1-value", AVRO, "customer_audit_recorded.avsc"),
    ("customers.commands-value", AVRO, "erase_customer.avsc"),
    ("customers.scores-value", AVRO, "customer_scored.avsc"),
    ("analytics.daily-value", AVRO, "daily_signup_count.avsc"),
    ("shop.orders-com.acme.orders.OrderCancelled", PROTOBUF, "order_cancelled.proto"),
    ("orders.queries-value", JSON, "get_order_status.json"),
    ("payments.refunded-value", JSON, "payment_refunded.json"),
    (
        "shipping.shipments-com.acme.shipping.ShipmentDelivered",
        PROTOBUF,
        "shipment_delivered.proto",
    ),
    ("billing.invoices-value", JSON, "invoice_issued.json"),
    ("marketing.newsletter-value", JSON, "newsletter_subscribed.json"),
    ("marketing.export-value", JSON, "audience_exported.json"),
    ("pharmacy.prescriptions-value", PROTOBUF, "prescription_filled.proto"),
)


def register_catalog_schemas(registry: Registry) -> None:
    """Register the catalog's extra demo schemas (idempotent: same schema, same version)."""
    data = files("evcat") / "demo_data"
    for subject, schema_type, name in CATALOG_SCHEMAS:
        text = (data / name).read_text()
        registry.register(
            subject, SchemaRequest(schema=text, schema_type=schema_type), actor=local_actor()
        )


def apply_demo_catalog(catalog: Catalog) -> Plan:
    """Apply ``evcat/demo_data/catalog`` (the registry must already hold the demo schemas)."""
    with as_file(files("evcat") / "demo_data" / "catalog") as directory:
        return catalog.apply_paths([directory], actor=local_actor())


def load_demo_catalog(registry: Registry) -> Plan:
    """Register the extra demo schemas, then apply the demo catalog."""
    register_catalog_schemas(registry)
    return apply_demo_catalog(Catalog(registry))
