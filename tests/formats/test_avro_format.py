"""Avro parsing: validation, canonical form, normalized form and references."""

from __future__ import annotations

import json

import pytest

from evcat.errors import InvalidSchemaError
from evcat.formats.avro import AVRO_FORMAT, AvroModel
from evcat.formats.base import SchemaReference

ORDER = {
    "type": "record",
    "name": "Order",
    "namespace": "shop",
    "doc": "An order.",
    "fields": [
        {"name": "id", "type": {"type": "string"}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW"]}},
        {"name": "previous", "type": ["null", "Status"], "default": None},
    ],
}


def test_canonical_form_orders_keys_and_collapses_primitive_wrappers() -> None:
    shuffled = {
        "fields": ORDER["fields"],
        "doc": "An order.",
        "namespace": "shop",
        "name": "Order",
        "type": "record",
    }
    canonical = AVRO_FORMAT.parse(json.dumps(shuffled)).canonical
    assert canonical.startswith('{"type":"record","name":"Order","namespace":"shop","doc"')
    assert '{"name":"id","type":"string"}' in canonical


def test_namespace_shorthand_gives_the_same_canonical_form() -> None:
    short = AVRO_FORMAT.parse(json.dumps(ORDER)).canonical
    qualified = dict(ORDER, name="shop.Order")
    del qualified["namespace"]
    assert AVRO_FORMAT.parse(json.dumps(qualified)).canonical == short


def test_canonical_form_is_a_fixpoint() -> None:
    once = AVRO_FORMAT.parse(json.dumps(ORDER)).canonical
    assert AVRO_FORMAT.parse(once).canonical == once


def test_normalized_form_fully_qualifies_names() -> None:
    normalized = json.loads(AVRO_FORMAT.parse(json.dumps(ORDER), normalize=True).canonical)
    assert normalized["name"] == "shop.Order"
    assert "namespace" not in normalized
    assert normalized["fields"][2]["type"] == ["null", "shop.Status"]


def test_docs_and_custom_properties_stay_significant() -> None:
    plain = AVRO_FORMAT.parse(json.dumps(ORDER)).canonical
    tagged = dict(ORDER, **{"confluent:tags": ["PII"]})
    assert AVRO_FORMAT.parse(json.dumps(tagged)).canonical != plain


def test_bare_primitive_schema_is_accepted() -> None:
    assert AVRO_FORMAT.parse('"string"').canonical == '"string"'
    assert AVRO_FORMAT.parse('{"type": "long"}').canonical == '"long"'


def test_default_that_does_not_match_its_type_is_refused() -> None:
    bad = dict(ORDER, fields=[{"name": "qty", "type": "int", "default": "x"}])
    with pytest.raises(InvalidSchemaError, match="Default value"):
        AVRO_FORMAT.parse(json.dumps(bad))


def test_record_without_fields_is_refused() -> None:
    with pytest.raises(InvalidSchemaError, match="no 'fields'"):
        AVRO_FORMAT.parse('{"type": "record", "name": "Empty"}')


def test_unknown_named_type_says_to_add_a_reference() -> None:
    schema = {"type": "record", "name": "A", "fields": [{"name": "m", "type": "acme.Money"}]}
    with pytest.raises(InvalidSchemaError, match=r"reference named 'acme\.Money'"):
        AVRO_FORMAT.parse(json.dumps(schema))


def test_not_json_is_refused_with_a_clear_reason() -> None:
    with pytest.raises(InvalidSchemaError, match="not JSON"):
        AVRO_FORMAT.parse("{type: record")


def test_named_types_from_references_resolve() -> None:
    money = AVRO_FORMAT.parse(
        '{"type":"record","name":"Money","namespace":"acme","fields":'
        '[{"name":"cents","type":"long"}]}'
    )
    price = {"type": "record", "name": "Price", "fields": [{"name": "m", "type": "acme.Money"}]}
    parsed = AVRO_FORMAT.parse(
        json.dumps(price),
        [SchemaReference("acme.Money", "money-value", 1)],
        {"acme.Money": money},
    )
    assert isinstance(parsed.model, AvroModel)
    assert "acme.Money" in parsed.model.named
