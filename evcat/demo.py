"""A small demo catalog, loaded by ``make run`` so the first page is not empty."""

from __future__ import annotations

from importlib.resources import files

from evcat.audit import local_actor
from evcat.catalog.demo import load_demo_catalog
from evcat.db import make_engine
from evcat.formats import AVRO, JSON, PROTOBUF
from evcat.registry.entities import SchemaRequest
from evcat.registry.service import Registry
from evcat.settings import Settings

# (subject, schema type, file under evcat/demo_data), registered in this order.
DEMO_SCHEMAS = (
    ("shop.orders-value", AVRO, "order_placed_v1.avsc"),
    ("shop.orders-value", AVRO, "order_placed_v2.avsc"),
    ("payments.captured-value", JSON, "payment_captured.json"),
    ("shipping.shipments-value", PROTOBUF, "shipment.proto"),
)


def load_demo(settings: Settings) -> None:
    """Register the demo schemas unless the registry already holds subjects."""
    registry = Registry(make_engine(settings.db_url), settings)
    if registry.subjects(deleted=True):
        return
    data = files("evcat") / "demo_data"
    for subject, schema_type, name in DEMO_SCHEMAS:
        text = (data / name).read_text()
        registry.register(
            subject, SchemaRequest(schema=text, schema_type=schema_type), actor=local_actor()
        )
    # The event catalog (evcat/demo_data/catalog) describes these schemas and more.
    load_demo_catalog(registry)
