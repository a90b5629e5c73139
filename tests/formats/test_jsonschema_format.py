"""JSON Schema format: parsing, meta-validation, $ref resolution and the canonical text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcat.errors import InvalidSchemaError
from evcat.formats import get_format
from evcat.formats.base import JSON, ParsedSchema, SchemaReference
from evcat.formats.jsonschema.format import JSON_FORMAT, MAX_DEPTH, JsonSchemaModel

DRAFT4 = "http://json-schema.org/draft-04/schema#"
DRAFT6 = "http://json-schema.org/draft-06/schema#"
DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2019 = "https://json-schema.org/draft/2019-09/schema"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


def parse(schema: Any, **dependencies: ParsedSchema) -> ParsedSchema:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    return JSON_FORMAT.parse(text, dependencies=dependencies)


def refused(schema: Any, **dependencies: ParsedSchema) -> str:
    with pytest.raises(InvalidSchemaError) as caught:
        parse(schema, **dependencies)
    assert caught.value.error_code == 42201
    return caught.value.message


def model(parsed: ParsedSchema) -> JsonSchemaModel:
    assert isinstance(parsed.model, JsonSchemaModel)
    return parsed.model


def test_the_registry_serves_this_format_for_json() -> None:
    assert get_format(JSON) is JSON_FORMAT
    assert JSON_FORMAT.schema_type == "JSON"


def test_canonical_form_is_compact_json_keeping_key_order_and_non_ascii() -> None:
    text = '{\n  "type": "object",\n  "title": "Café ☕",\n  "properties": {"b": {}, "a": {}}\n}'
    parsed = JSON_FORMAT.parse(text)
    assert parsed.schema_type == "JSON"
    assert parsed.canonical == '{"type":"object","title":"Café ☕","properties":{"b":{},"a":{}}}'


def test_normalized_form_sorts_object_keys_at_every_level() -> None:
    text = '{"type":"object","properties":{"b":{"type":"string"},"a":{"enum":[{"z":1,"y":2}]}}}'
    parsed = JSON_FORMAT.parse(text, normalize=True)
    assert parsed.canonical == (
        '{"properties":{"a":{"enum":[{"y":2,"z":1}]},"b":{"type":"string"}},"type":"object"}'
    )


def test_canonical_form_keeps_integers_beyond_64_bits_exactly() -> None:
    parsed = JSON_FORMAT.parse('{"maximum": 123456789012345678901234567890}')
    assert parsed.canonical == '{"maximum":123456789012345678901234567890}'


def test_render_prints_the_canonical_text_for_any_format_value() -> None:
    parsed = parse({"type": "string"})
    assert JSON_FORMAT.render(parsed, "") == parsed.canonical
    assert JSON_FORMAT.render(parsed, "serialized") == parsed.canonical


def test_references_are_kept_on_the_parsed_schema() -> None:
    address = parse({"type": "object"})
    reference = SchemaReference(name="address.json", subject="address", version=1)
    parsed = JSON_FORMAT.parse('{"$ref": "address.json"}', [reference], {"address.json": address})
    assert parsed.references == (reference,)
    assert parsed.dependencies == {"address.json": address}


@pytest.mark.parametrize("schema", ["true", "false"])
def test_boolean_documents_are_schemas(schema: str) -> None:
    assert JSON_FORMAT.parse(schema).canonical == schema


@pytest.mark.parametrize(
    ("declared", "draft"),
    [
        (DRAFT4, "draft-04"),
        (DRAFT6, "draft-06"),
        (DRAFT7, "draft-07"),
        ("https://json-schema.org/draft-07/schema", "draft-07"),
        (DRAFT2019, "2019-09"),
        (DRAFT2020, "2020-12"),
        (DRAFT2020 + "#", "2020-12"),
    ],
)
def test_draft_comes_from_dollar_schema(declared: str, draft: str) -> None:
    assert model(parse({"$schema": declared})).draft.name == draft


def test_a_schema_without_dollar_schema_is_read_as_draft_07() -> None:
    assert model(parse({"type": "string"})).draft.name == "draft-07"
    # prefixItems means nothing in draft-07, so a wrong value for it is no error there...
    parse({"prefixItems": 5})
    # ...while draft-07's own keywords are checked against its meta-schema.
    refused({"maximum": 5, "exclusiveMaximum": True})


def test_draft_04_accepts_its_boolean_exclusive_bounds() -> None:
    parse({"$schema": DRAFT4, "maximum": 5, "exclusiveMaximum": True})


def test_draft_2020_12_checks_its_own_keywords() -> None:
    message = refused({"$schema": DRAFT2020, "prefixItems": 5})
    assert "#/prefixItems" in message


def test_an_unknown_dollar_schema_is_refused_with_the_supported_list() -> None:
    message = refused({"$schema": "http://example.com/my-dialect"})
    assert "unknown $schema 'http://example.com/my-dialect'" in message
    assert DRAFT2020 in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "string"', "not valid JSON"),
        ("", "not valid JSON"),
        ('{"maximum": NaN}', "NaN is not valid JSON"),
        ("[1, 2]", "must be a JSON object or a boolean, not an array"),
        ("12", "must be a JSON object or a boolean, not a number"),
        ('"string"', "must be a JSON object or a boolean, not a string"),
        ("null", "must be a JSON object or a boolean, not null"),
        ('{"description": "\\ud800"}', "unpaired UTF-16 surrogate"),
    ],
)
def test_text_that_is_not_a_json_schema_document_is_refused(text: str, expected: str) -> None:
    assert expected in refused(text)


def test_a_meta_schema_violation_names_the_path_and_the_validator_message() -> None:
    message = refused({"properties": {"qty": {"type": "integer", "minimum": "zero"}}})
    assert "'#/properties/qty/minimum'" in message
    assert '"zero" is not of type "number"' in message
    assert "draft-07 meta-schema" in message


def test_json_nested_past_the_limit_is_refused_without_a_recursion_error() -> None:
    assert "nests deeper than" in refused("[" * 100_000 + "]" * 100_000)
    too_deep = '{"a":' * MAX_DEPTH + "{}" + "}" * MAX_DEPTH
    assert "nests deeper than" in refused(too_deep)


def test_schemas_nested_within_the_limit_parse() -> None:
    levels = MAX_DEPTH // 2 - 1
    parse('{"properties":{"a":' * levels + "{}" + "}}" * levels)


@pytest.mark.parametrize(
    "schema",
    [
        {"$schema": DRAFT2020, "pattern": "(unclosed"},
        {"$schema": DRAFT2020, "patternProperties": {"[a-": {}}},
        {"properties": {"code": {"type": "string", "pattern": "a{2,1}"}}},
    ],
)
def test_an_invalid_regular_expression_is_refused(schema: dict[str, Any]) -> None:
    message = refused(schema)
    assert "regex" in message or "regular expression" in message


def test_ecma_regex_syntax_that_python_lacks_is_accepted() -> None:
    parse({"$schema": DRAFT2020, "pattern": r"^\p{L}+$", "patternProperties": {"(?<n>x)": {}}})


def test_internal_refs_resolve_in_definitions_and_defs() -> None:
    parsed = parse(
        {
            "$schema": DRAFT2020,
            "properties": {"a": {"$ref": "#/$defs/a"}, "b": {"$ref": "#/definitions/b"}},
            "$defs": {"a": {"type": "string"}},
            "definitions": {"b": {"type": "integer"}},
        }
    )
    found, _ = model(parsed).lookup("#/$defs/a", model(parsed).resolver())
    assert found == {"type": "string"}


def test_an_internal_ref_to_nothing_is_refused() -> None:
    message = refused({"properties": {"a": {"$ref": "#/definitions/missing"}}})
    assert "'#/definitions/missing'" in message
    assert "'#/properties/a/$ref'" in message
    assert "points to nothing" in message


def test_an_external_ref_without_a_reference_is_refused_saying_to_add_one() -> None:
    message = refused({"properties": {"home": {"$ref": "https://acme.com/address.json"}}})
    assert "'https://acme.com/address.json'" in message
    assert "add a reference" in message


def test_refs_resolve_to_references_by_name_with_and_without_a_fragment() -> None:
    address = parse({"type": "object", "definitions": {"zip": {"type": "string"}}})
    parsed = parse(
        {
            "properties": {
                "home": {"$ref": "address.json"},
                "zip": {"$ref": "address.json#/definitions/zip"},
            }
        },
        **{"address.json": address},
    )
    resolved, _ = model(parsed).lookup("address.json#/definitions/zip", model(parsed).resolver())
    assert resolved == {"type": "string"}


def test_a_fragment_into_a_reference_must_point_somewhere() -> None:
    address = parse({"type": "object"})
    message = refused({"$ref": "address.json#/definitions/zip"}, **{"address.json": address})
    assert "'address.json#/definitions/zip'" in message


def test_an_absolute_reference_name_resolves_and_relative_refs_follow_the_root_id() -> None:
    address = parse({"type": "object"})
    parse(
        {
            "$id": "https://acme.com/order.json",
            "properties": {
                "billing": {"$ref": "https://acme.com/address.json"},
                "shipping": {"$ref": "address.json"},
            },
        },
        **{"https://acme.com/address.json": address},
    )


def test_references_resolve_transitively() -> None:
    country = parse({"type": "string", "enum": ["FR", "DE"]})
    address = parse(
        {"properties": {"country": {"$ref": "country.json"}}}, **{"country.json": country}
    )
    order = parse({"properties": {"to": {"$ref": "address.json"}}}, **{"address.json": address})
    resolver = model(order).resolver()
    target, scope = model(order).lookup("address.json", resolver)
    country_schema, _ = model(order).lookup(target["properties"]["country"]["$ref"], scope)
    assert country_schema == {"type": "string", "enum": ["FR", "DE"]}


def test_a_reference_to_a_schema_of_another_type_is_refused() -> None:
    avro = ParsedSchema(schema_type="AVRO", canonical='"string"', model=None)
    assert "is of type AVRO" in refused({"$ref": "name.avsc"}, **{"name.avsc": avro})


def test_a_recursive_schema_parses_and_its_ref_resolves_to_the_root() -> None:
    schema = {"type": "object", "properties": {"next": {"$ref": "#"}, "value": {}}}
    parsed = parse(schema)
    found, _ = model(parsed).lookup("#", model(parsed).resolver())
    assert found == schema


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#"},
        {"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}},
        {"definitions": {"a": {"anyOf": [{"$ref": "#/definitions/a"}, {"type": "string"}]}}},
        {"$schema": DRAFT2020, "$defs": {"a": {"type": "object", "$ref": "#/$defs/a"}}},
    ],
)
def test_a_ref_loop_that_never_descends_into_the_value_is_refused(schema: Any) -> None:
    assert "never ends" in refused(schema)


def test_meta_schemas_resolve_without_a_network() -> None:
    parse({"properties": {"schema": {"$ref": DRAFT7}}})


def test_dependencies_may_be_omitted() -> None:
    assert JSON_FORMAT.parse('{"type": "string"}', (), None).canonical == '{"type":"string"}'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "properties", "items", "$ref", "pattern", "enum", "allOf", "x", "$schema"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_value_either_parses_or_is_refused_with_42201(value: Any) -> None:
    try:
        parsed = JSON_FORMAT.parse(json.dumps(value))
    except InvalidSchemaError as error:
        assert error.error_code == 42201
    else:
        assert json.loads(parsed.canonical) == value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_either_parses_or_is_refused_with_42201(text: str) -> None:
    try:
        JSON_FORMAT.parse(text)
    except InvalidSchemaError as error:
        assert error.error_code == 42201


def test_an_id_with_an_empty_fragment_still_scopes_absolute_refs_to_the_document() -> None:
    parsed = parse(
        {
            "$id": "https://acme.com/order.json#",
            "properties": {"a": {"$ref": "https://acme.com/order.json#/definitions/d"}},
            "definitions": {"d": {"type": "string"}},
        }
    )
    assert model(parsed).base_uri == "https://acme.com/order.json"


uri_like = st.text(alphabet="htp:/[]#%.~ax1", max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([DRAFT7, DRAFT2020]), uri_like, uri_like, uri_like)
def test_odd_ids_and_refs_are_refused_with_42201_or_parse(
    draft: str, root_id: str, inner_id: str, ref: str
) -> None:
    schema = {
        "$schema": draft,
        "$id": root_id,
        "properties": {"a": {"$id": inner_id, "$ref": ref}, "b": {"$ref": ref}},
    }
    try:
        parse(schema)
    except InvalidSchemaError as error:
        assert error.error_code == 42201
