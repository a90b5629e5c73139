"""The demo catalog is the fixture of catalog-lineage.md section 4.2, in the published format."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from evcat.catalog.service import Catalog
from evcat.catalog.spec import catalog_json_schema
from evcat.demo import load_demo
from evcat.settings import Settings
from tests.catalog.conftest import DEMO_CATALOG, make_catalog

PUBLISHED_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "catalog.schema.json"


def test_demo_has_the_size_the_fixture_asks_for(catalog: Catalog, api: TestClient) -> None:
    kinds = Counter(d["kind"] for d in catalog.export_documents())
    assert kinds == {
        "Team": 8,
        "Domain": 8,
        "Recipient": 2,
        "Store": 2,
        "Channel": 14,
        "Event": 17,
        "Service": 8,
        "Policy": 1,
    }
    events = api.get("/v1/events", params={"limit": 100}).json()["items"]
    assert Counter(e["schema_type"] for e in events) == {"AVRO": 7, "JSON": 6, "PROTOBUF": 4}
    assert all(e["declared"] for e in events)


def test_demo_channels_include_compacted_and_delete_topics(catalog: Catalog) -> None:
    policies = Counter(
        d.get("cleanup_policy") for d in catalog.export_documents() if d["kind"] == "Channel"
    )
    assert policies == {"delete": 10, "compact": 3, "both": 1}


def test_demo_personal_data_covers_four_categories(catalog: Catalog) -> None:
    declared = [
        (d["id"], f["path"], tuple(f["categories"]))
        for d in catalog.export_documents()
        if d["kind"] == "Event"
        for f in d.get("fields", [])
    ]
    assert sorted({c for _, _, categories in declared for c in categories}) == [
        "email-address",
        "health-record",
        "name",
        "postal-address",
    ]
    assert len(declared) == 9


def test_demo_derivations_hash_copy_and_aggregate(catalog: Catalog) -> None:
    transformations = Counter(
        derivation["transformation"]
        for d in catalog.export_documents()
        if d["kind"] == "Service"
        for derivation in d.get("derivations", [])
    )
    assert transformations == {"copy": 10, "derive": 2, "hash": 1, "aggregate": 1}


def test_published_json_schema_is_current_and_served(api: TestClient) -> None:
    published = json.loads(PUBLISHED_SCHEMA.read_text())
    assert published == catalog_json_schema()
    served = api.get("/v1/catalog/schema")
    assert served.headers["content-type"] == "application/schema+json"
    assert served.json() == published


def test_every_demo_file_validates_against_the_published_schema() -> None:
    validator = Draft202012Validator(json.loads(PUBLISHED_SCHEMA.read_text()))
    files = sorted(DEMO_CATALOG.rglob("*.yaml"))
    assert len(files) == 60
    for file in files:
        errors = list(validator.iter_errors(yaml.safe_load(file.read_text())))
        assert errors == [], file


def test_the_schema_rejects_what_apply_rejects() -> None:
    validator = Draft202012Validator(json.loads(PUBLISHED_SCHEMA.read_text()))
    assert not validator.is_valid({"kind": "Channel", "id": "x", "colour": "red"})
    assert not validator.is_valid({"kind": "Widget", "id": "x"})
    assert validator.is_valid(
        {"kind": "Service", "id": "s", "consumes": [{"event": "E", "version": 2}]}
    )
    assert validator.is_valid({"kind": "Policy", "id": "p", "require_owner": True})


def test_load_demo_fills_an_empty_database_once(empty_url: str) -> None:
    load_demo(Settings(db_url=empty_url))
    catalog = make_catalog(empty_url)
    assert len(catalog.export_documents()) == 60
    load_demo(Settings(db_url=empty_url))
    assert len(catalog.export_documents()) == 60
    assert len(catalog.registry.subjects()) == 17
