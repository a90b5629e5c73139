"""AsyncAPI 3.0 export and import (F10), and retention through Kafka bindings (F6)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from evcat.catalog.asyncapi import Servers, export_service
from evcat.catalog.asyncapi_import import import_document
from evcat.catalog.errors import CatalogProblems
from evcat.catalog.service import Catalog
from evcat.catalog.yamlio import dump_yaml
from evcat.formats import SchemaReference
from evcat.registry.entities import SchemaRequest
from tests.catalog.conftest import Cli, make_catalog

NODE_DIR = Path(__file__).resolve().parents[1] / "clients" / "asyncapi"
SERVICES = (
    "analytics-service",
    "billing-service",
    "customer-service",
    "marketing-service",
    "order-service",
    "payment-service",
    "pharmacy-service",
    "shipping-service",
)
ONLY_HINT = [
    {
        "severity": "information",
        "code": "asyncapi-latest-version",
        "message": "The latest version of AsyncAPi is not used. It is recommended update to "
        'the "3.1.0" version.',
        "path": ["asyncapi"],
    }
]


def parse_with_node(files: list[Path]) -> dict[str, Any]:
    """Diagnostics of @asyncapi/parser (with the Avro and Protobuf schema parsers) per file."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    assert (NODE_DIR / "node_modules" / "@asyncapi" / "parser").is_dir(), (
        f"run `npm install` in {NODE_DIR} (make test does)"
    )
    done = subprocess.run(
        ["node", str(NODE_DIR / "parse.mjs"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def export_all(catalog: Catalog, folder: Path) -> dict[str, dict[str, Any]]:
    folder.mkdir(parents=True, exist_ok=True)
    documents = {}
    for service in SERVICES:
        document = export_service(catalog, service, Servers("kafka:9092", "http://registry:8081"))
        (folder / f"{service}.yaml").write_text(dump_yaml(document))
        documents[service] = document
    return documents


def without_schema_ids(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_schema_ids(v) for k, v in node.items() if k != "x-evcat-schema-id"}
    if isinstance(node, list):
        return [without_schema_ids(v) for v in node]
    return node


@pytest.fixture(scope="session")
def parsed_by_node(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One node run (the parser costs about a second per document) over every document the
    tests below look at: the eight demo services, one with a broken payload, and one whose
    Avro payload references a named type registered under another subject."""
    folder = tmp_path_factory.mktemp("asyncapi")
    database = folder / "evcat.db"
    shutil.copyfile(demo_template, database)
    catalog = make_catalog(f"sqlite:///{database}")
    export_all(catalog, folder)
    broken = export_service(catalog, "order-service")
    message = broken["components"]["messages"]["shop.OrderPlaced.v1"]
    message["payload"]["schema"]["fields"][0]["type"] = "no-such-type"
    (folder / "broken.yaml").write_text(dump_yaml(broken))
    add_credit_notes(catalog)
    (folder / "referencing.yaml").write_text(dump_yaml(export_service(catalog, "billing-service")))
    results = parse_with_node(sorted(folder.glob("*.yaml")))
    return {Path(file).stem: result for file, result in results.items()}


def add_credit_notes(catalog: Catalog) -> None:
    """A billing event whose Avro schema references ``Money`` in another subject."""
    registry = catalog.registry
    money = (
        '{"type":"record","name":"Money","namespace":"com.acme.common",'
        '"fields":[{"name":"cents","type":"long"}]}'
    )
    registry.register("com.acme.common.Money", SchemaRequest(schema=money))
    credit_note = (
        '{"type":"record","name":"CreditNoteIssued","namespace":"com.acme.billing","fields":'
        '[{"name":"amount","type":"com.acme.common.Money"},'
        '{"name":"refund","type":["null","com.acme.common.Money"],"default":null}]}'
    )
    reference = SchemaReference("com.acme.common.Money", "com.acme.common.Money", 1)
    registry.register(
        "billing.credits-value", SchemaRequest(schema=credit_note, references=(reference,))
    )
    service = next(d for d in catalog.export_documents() if d["id"] == "billing-service")
    service["produces"].append(
        {"event": "com.acme.billing.CreditNoteIssued", "channel": "billing.credits"}
    )
    catalog.apply_text(
        "kind: Channel\nid: billing.credits\nowner: payments-team\n---\n" + dump_yaml(service)
    )


def test_every_exported_document_parses_without_errors(parsed_by_node: dict[str, Any]) -> None:
    for service in SERVICES:
        assert parsed_by_node[service] == {"parsed": True, "diagnostics": ONLY_HINT}, service


def test_the_parser_really_checks_payloads(parsed_by_node: dict[str, Any]) -> None:
    diagnostics = parsed_by_node["broken"]["diagnostics"]
    assert any(d["severity"] == "error" for d in diagnostics)


def test_payload_formats_follow_the_spec(catalog: Catalog) -> None:
    messages = export_service(catalog, "order-service")["components"]["messages"]
    avro = messages["shop.OrderPlaced.v2"]["payload"]
    assert avro["schemaFormat"] == "application/vnd.apache.avro;version=1.9.0"
    assert avro["schema"]["name"] == "OrderPlaced"
    proto = messages["com.acme.orders.OrderCancelled.v1"]["payload"]
    assert proto["schemaFormat"] == "application/vnd.google.protobuf;version=3"
    assert isinstance(proto["schema"], str)
    assert proto["schema"].startswith('syntax = "proto3";')
    json_payload = messages["payments.PaymentCaptured.v1"]["payload"]
    assert json_payload["schemaFormat"] == "application/schema+json;version=draft-07"
    assert json_payload["schema"]["title"] == "payments.PaymentCaptured"


def test_export_maps_edges_owner_and_retention(catalog: Catalog) -> None:
    document = export_service(catalog, "billing-service")
    assert document["info"]["contact"] == {
        "name": "Payments & Billing",
        "email": "payments@acme.example",
    }
    assert document["info"]["tags"] == [{"name": "domain:payments"}]
    assert [(k, o["action"], len(o["messages"])) for k, o in document["operations"].items()] == [
        ("send.com.acme.billing.InvoiceIssued.billing.invoices", "send", 1),
        ("receive.shop.OrderPlaced.shop.orders", "receive", 1),
        ("receive.payments.PaymentCaptured.payments.captured", "receive", 1),
        ("receive.com.acme.payments.PaymentRefunded.payments.refunded", "receive", 1),
    ]
    assert document["channels"]["billing.invoices"]["bindings"]["kafka"] == {
        "partitions": 6,
        "replicas": 3,
        "topicConfiguration": {
            "cleanup.policy": ["compact", "delete"],
            "retention.ms": 315360000000,
        },
        "bindingVersion": "0.4.0",
    }
    receive = document["operations"]["receive.shop.OrderPlaced.shop.orders"]
    assert receive["bindings"]["kafka"]["groupId"] == {
        "type": "string",
        "enum": ["billing-service"],
    }
    assert receive["x-evcat-fields"] == ["order_id", "customer_email", "total_cents", "currency"]
    assert receive["x-evcat-legal-basis"] == "legal-obligation"


def test_import_then_export_reproduces_the_catalog(
    catalog: Catalog, empty_url: str, tmp_path: Path
) -> None:
    originals = export_all(catalog, tmp_path / "first")
    fresh = make_catalog(empty_url)
    for service in SERVICES:
        document = yaml.safe_load((tmp_path / "first" / f"{service}.yaml").read_text())
        import_document(fresh, document, f"{service}.yaml")
    again = export_all(fresh, tmp_path / "second")
    for service in SERVICES:
        assert without_schema_ids(again[service]) == without_schema_ids(originals[service])
    wanted = {"Service", "Event", "Channel", "Store", "Recipient", "Team", "Domain"}
    expected = [d for d in catalog.export_documents() if d["kind"] in wanted]
    assert fresh.export_documents() == expected
    versions = {(e["id"], tuple(e["versions"])) for e in _events(fresh)}
    assert versions == {(e["id"], tuple(e["versions"])) for e in _events(catalog)}


def _events(catalog: Catalog) -> list[dict[str, Any]]:
    from evcat.catalog.views import Views

    return Views(catalog).events()


def test_reimporting_the_same_document_changes_nothing(catalog: Catalog) -> None:
    document = export_service(catalog, "marketing-service")
    result = import_document(catalog, document)
    assert (result.plan.changes, result.service) == ([], "marketing-service")
    assert result.registered == [
        ("customers-com.acme.customers.CustomerRegistered", 1),
        ("customers-com.acme.customers.CustomerRegistered", 2),
        ("customers.scores-value", 1),
        ("marketing.export-value", 1),
        ("marketing.newsletter-value", 1),
    ]


THIRD_PARTY = """
asyncapi: 3.0.0
info: {title: Stock service, version: 2.0.0}
channels:
  stock:
    address: warehouse.stock.v1
    messages:
      StockChanged: {$ref: '#/components/messages/StockChanged'}
    bindings:
      kafka:
        partitions: 3
        topicConfiguration: {cleanup.policy: [delete], retention.ms: 604800000}
operations:
  publishStock:
    action: send
    channel: {$ref: '#/channels/stock'}
    messages: [{$ref: '#/channels/stock/messages/StockChanged'}]
components:
  messages:
    StockChanged:
      name: StockChanged
      payload:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        schema:
          type: record
          name: StockChanged
          namespace: com.example.stock
          fields:
          - {name: sku, type: string}
          - {name: quantity, type: int}
"""


def test_retention_ms_imports_as_iso_duration_and_exports_back(empty_url: str) -> None:
    catalog = make_catalog(empty_url)
    result = import_document(catalog, yaml.safe_load(THIRD_PARTY), "stock.yaml")
    assert result.registered == [("warehouse.stock.v1-StockChanged", 1)]
    documents = {(d["kind"], d["id"]): d for d in catalog.export_documents()}
    assert documents[("Channel", "stock")] == {
        "apiVersion": "evcat/v1",
        "kind": "Channel",
        "id": "stock",
        "address": "warehouse.stock.v1",
        "partitions": 3,
        "retention": "P7D",
        "cleanup_policy": "delete",
    }
    assert documents[("Service", "stock-service")]["produces"] == [
        {"event": "com.example.stock.StockChanged", "channel": "stock"}
    ]
    exported = export_service(catalog, "stock-service")
    kafka = exported["channels"]["stock"]["bindings"]["kafka"]
    assert kafka["topicConfiguration"] == {"cleanup.policy": ["delete"], "retention.ms": 604800000}


def test_an_operation_message_outside_its_channel_fails_with_its_pointer(empty_url: str) -> None:
    document = yaml.safe_load(THIRD_PARTY)
    document["channels"]["other"] = {"address": "other", "messages": {}}
    document["operations"]["publishStock"]["channel"] = {"$ref": "#/channels/other"}
    with pytest.raises(CatalogProblems) as caught:
        import_document(make_catalog(empty_url), document, "stock.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "stock.yaml: /operations/publishStock/messages/0: references "
        "#/channels/stock/messages/StockChanged, which is not a message of channel 'other'"
    ]


def test_avro_named_type_references_are_inlined_and_resolve(
    catalog: Catalog, parsed_by_node: dict[str, Any]
) -> None:
    add_credit_notes(catalog)
    document = export_service(catalog, "billing-service")
    payload = document["components"]["messages"]["com.acme.billing.CreditNoteIssued.v1"]["payload"]
    assert payload["schema"]["fields"] == [
        {
            "name": "amount",
            "type": {
                "type": "record",
                "name": "Money",
                "namespace": "com.acme.common",
                "fields": [{"name": "cents", "type": "long"}],
            },
        },
        {"name": "refund", "type": ["null", "com.acme.common.Money"], "default": None},
    ]
    assert parsed_by_node["referencing"] == {"parsed": True, "diagnostics": ONLY_HINT}


def test_cli_exports_and_imports(demo_url: str, empty_url: str, tmp_path: Path) -> None:
    target = tmp_path / "order-service.yaml"
    code, out, _ = Cli(demo_url)("asyncapi", "export", "order-service", "-o", str(target))
    assert (code, out) == (0, "")
    assert yaml.safe_load(target.read_text())["id"] == "urn:evcat:service:order-service"
    code, out, _ = Cli(demo_url)("asyncapi", "export", "nobody")
    assert code == 1
    code, out, _ = Cli(empty_url)("asyncapi", "import", str(target))
    assert code == 0
    assert out == (
        f"{target}: service order-service, 7 schema versions, "
        "18 to create, 0 to update, 0 to delete, 0 unchanged\n"
    )
