"""``evcat check`` with an ``evcat.yaml``: subjects, levels and references from the manifest."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.helpers import GitRepo, Invoke
from tests.cli.schemas import ORDER_V1, ORDER_WITH_REQUIRED_NOTE, ORDER_WITHOUT_QTY

MONEY_V1 = """{
  "type": "record",
  "name": "Money",
  "namespace": "acme",
  "fields": [
    {"name": "amount", "type": "long"}
  ]
}
"""
MONEY_V2_BREAKING = MONEY_V1.replace('"long"', '"string"')
INVOICE = """{
  "type": "record",
  "name": "Invoice",
  "namespace": "acme",
  "fields": [
    {"name": "total", "type": "acme.Money"}
  ]
}
"""
ADDRESS_PROTO = """syntax = "proto3";
package acme;

message Address {
  string city = 1;
}
"""
CUSTOMER_PROTO = """syntax = "proto3";
package acme;

import "acme/address.proto";

message Customer {
  string name = 1;
  Address address = 2;
}
"""
PRICE_JSON = """{
  "type": "object",
  "properties": {"cents": {"type": "integer"}},
  "additionalProperties": false
}
"""
PRODUCT_JSON = """{
  "type": "object",
  "properties": {
    "price": {"$ref": "price.json"}
  },
  "additionalProperties": false
}
"""


def _check(evcat: Invoke, *args: str) -> tuple[int, dict[str, Any], str]:
    result = evcat("check", "--against", "main", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_manifest_names_the_subject_and_level(repo: GitRepo, evcat: Invoke) -> None:
    repo.write(
        "evcat.yaml",
        "schemas:\n"
        "  - file: schemas/orders.avsc\n"
        "    subject: orders-value\n"
        "    compatibility: FULL\n",
    )
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.commit()
    repo.write("schemas/orders.avsc", ORDER_WITHOUT_QTY)
    code, report, _ = _check(evcat)
    assert code == 1
    assert report["schemas"][0]["subject"] == "orders-value"
    assert report["schemas"][0]["level"] == "FULL"
    assert report["findings"][0]["direction"] == "FORWARD"


def test_manifest_default_level_applies_to_entries_without_one(
    repo: GitRepo, evcat: Invoke
) -> None:
    repo.write(
        "evcat.yaml",
        "defaults: {compatibility: NONE}\n"
        "schemas:\n  - {file: schemas/orders.avsc, subject: orders-value}\n",
    )
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.commit()
    repo.write("schemas/orders.avsc", ORDER_WITH_REQUIRED_NOTE)
    code, report, _ = _check(evcat)
    assert code == 0
    assert report["schemas"][0]["level"] == "NONE"


def test_file_without_manifest_entry_is_a_configuration_error(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("evcat.yaml", "schemas:\n  - {file: schemas/orders.avsc, subject: orders-value}\n")
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.write("schemas/stray.avsc", ORDER_V1)
    repo.commit()
    code, report, stderr = _check(evcat, "schemas/stray.avsc")
    assert code == 2
    assert report["findings"][0]["rule"] == "MISSING_MANIFEST_ENTRY"
    assert stderr.strip().splitlines() == [
        "evcat: error: schemas/stray.avsc:1: schemas/stray.avsc has no entry in evcat.yaml, "
        "so evcat does not know its subject"
    ]


def test_include_patterns_report_schema_files_the_manifest_forgot(
    repo: GitRepo, evcat: Invoke
) -> None:
    repo.write(
        "evcat.yaml",
        "include: ['schemas/**/*.avsc']\n"
        "schemas:\n  - {file: schemas/orders.avsc, subject: orders-value}\n",
    )
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.write("schemas/deep/forgotten.avsc", ORDER_V1)
    repo.commit()
    code, report, _ = _check(evcat)
    assert code == 2
    [finding] = report["findings"]
    assert (finding["rule"], finding["file"]) == (
        "MISSING_MANIFEST_ENTRY",
        "schemas/deep/forgotten.avsc",
    )


def test_manifest_entry_for_a_missing_file_is_a_configuration_error(
    repo: GitRepo, evcat: Invoke
) -> None:
    repo.write("evcat.yaml", "schemas:\n  - {file: schemas/gone.avsc, subject: gone-value}\n")
    repo.commit()
    code, report, _ = _check(evcat)
    assert code == 2
    assert report["findings"][0]["rule"] == "MISSING_FILE"


def test_avro_reference_resolves_to_the_file_of_the_referenced_subject(
    repo: GitRepo, evcat: Invoke
) -> None:
    repo.write(
        "evcat.yaml",
        "schemas:\n"
        "  - {file: money.avsc, subject: money-value}\n"
        "  - file: invoice.avsc\n"
        "    subject: invoice-value\n"
        "    references: [{name: acme.Money, subject: money-value}]\n",
    )
    repo.write("money.avsc", MONEY_V1)
    repo.write("invoice.avsc", INVOICE)
    repo.commit()
    repo.write("money.avsc", MONEY_V2_BREAKING)
    code, report, _ = _check(evcat)
    assert code == 1
    statuses = {s["subject"]: s["status"] for s in report["schemas"]}
    # The invoice's own text did not change, but what it references did.
    assert statuses == {"money-value": "incompatible", "invoice-value": "incompatible"}


def test_protobuf_import_resolves_to_a_file_of_the_repository(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("protos/acme/address.proto", ADDRESS_PROTO)
    repo.write("protos/acme/customer.proto", CUSTOMER_PROTO)
    repo.commit()
    repo.write("protos/acme/customer.proto", CUSTOMER_PROTO.replace("string name", "bytes name"))
    code, report, _ = _check(evcat, "protos")
    assert code == 0
    assert {s["status"] for s in report["schemas"]} == {"unchanged", "compatible"}


def test_breaking_change_in_an_imported_protobuf_file_fails_its_importers(
    repo: GitRepo, evcat: Invoke
) -> None:
    repo.write("protos/acme/address.proto", ADDRESS_PROTO)
    repo.write("protos/acme/customer.proto", CUSTOMER_PROTO)
    repo.commit()
    repo.write("protos/acme/address.proto", ADDRESS_PROTO.replace("string city", "int64 city"))
    code, report, _ = _check(evcat, "protos")
    assert code == 1
    statuses = {s["subject"]: s["status"] for s in report["schemas"]}
    assert statuses == {"address": "incompatible", "customer": "incompatible"}


def test_json_ref_to_a_relative_file_resolves_offline(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("json/price.json", PRICE_JSON)
    repo.write("json/product.json", PRODUCT_JSON)
    repo.commit()
    repo.write("json/price.json", PRICE_JSON.replace('"integer"', '"string"'))
    code, report, _ = _check(evcat, "json")
    assert code == 1
    statuses = {s["subject"]: s["status"] for s in report["schemas"]}
    assert statuses == {"price": "incompatible", "product": "incompatible"}


def test_reference_to_a_subject_the_manifest_lacks_is_unresolved(
    repo: GitRepo, evcat: Invoke
) -> None:
    repo.write(
        "evcat.yaml",
        "schemas:\n"
        "  - file: invoice.avsc\n"
        "    subject: invoice-value\n"
        "    references: [{name: acme.Money, subject: money-value}]\n",
    )
    repo.write("invoice.avsc", INVOICE)
    repo.commit()
    repo.write("invoice.avsc", INVOICE.replace("Invoice", "Bill"))
    code, report, stderr = _check(evcat)
    assert code == 2
    assert report["findings"][0]["rule"] == "UNRESOLVED_REFERENCE"
    assert "money-value" in stderr


def test_missing_protobuf_import_is_unresolved(repo: GitRepo, evcat: Invoke) -> None:
    repo.commit("empty")
    repo.write("protos/acme/customer.proto", CUSTOMER_PROTO)
    code, report, _ = _check(evcat, "protos")
    assert code == 2
    assert report["findings"][0]["rule"] == "UNRESOLVED_REFERENCE"
    assert "acme/address.proto" in report["findings"][0]["message"]


def test_protobuf_import_resolves_from_a_directory_above_the_file(
    repo: GitRepo, evcat: Invoke
) -> None:
    repo.write("protos/acme/address.proto", ADDRESS_PROTO)
    repo.write("protos/acme/customer.proto", CUSTOMER_PROTO)
    repo.commit()
    repo.write("protos/acme/address.proto", ADDRESS_PROTO.replace("string city", "int64 city"))
    # Only the importer is named; its import is found under protos/, an include root above it.
    code, report, _ = _check(evcat, "protos/acme/customer.proto")
    assert code == 1
    assert report["schemas"][0]["status"] == "incompatible"
