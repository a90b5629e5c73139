"""Bad input to the Confluent API found by fuzzing: each is a 4xx saying what to fix.

Before, each of these was a 500 (on SQLite, on PostgreSQL or both) or a 200 that stored
something no client could use. Over real HTTP, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from evcat.settings import Settings
from tests.conftest import LiveServer
from tests.registry.schemas import ORDER_V1, avro_record, body


def register(client: httpx.Client, subject: str, **fields: Any) -> httpx.Response:
    return client.post(f"/subjects/{subject}/versions", json=body(ORDER_V1) | fields)


def refused(answer: httpx.Response, status: int, error_code: int, *words: str) -> None:
    assert (answer.status_code, answer.json()["error_code"]) == (status, error_code), answer.text
    for word in words:
        assert word in answer.json()["message"], answer.text


def test_two_references_with_one_name_are_42201(client: httpx.Client) -> None:
    register(client, "address-value")
    reference = {"name": "shop.Order", "subject": "address-value", "version": 1}
    answer = client.post(
        "/subjects/orders-value/versions",
        json=body(avro_record("Wrapper"), references=[reference, reference]),
    )
    refused(answer, 422, 42201, "'shop.Order' is given more than once")


def test_reference_holding_a_nul_character_is_a_400_naming_it(client: httpx.Client) -> None:
    register(client, "address-value")
    for reference, where in (
        ({"name": "shop.Order\x00", "subject": "address-value", "version": 1}, "name"),
        ({"name": "shop.Order", "subject": "address-value\x00", "version": 1}, "subject"),
    ):
        answer = client.post(
            "/compatibility/subjects/orders-value/versions",
            json=body(avro_record("Wrapper"), references=[reference]),
        )
        refused(answer, 400, 40061, "NUL", f"$.references[0].{where}")


def test_reference_needs_a_name_and_an_integer_version(client: httpx.Client) -> None:
    for reference in (
        {"name": "", "subject": "address-value", "version": 1},
        {"name": "shop.Order", "subject": "address-value", "version": True},
    ):
        answer = register(client, "orders-value", references=[reference])
        refused(answer, 422, 42201, "'name' (a non-empty string)", "'version' (integer)")


def test_nul_character_in_a_query_string_is_a_400(client: httpx.Client) -> None:
    for path in ("/schemas?subjectPrefix=%00", "/subjects?subjectPrefix=a%00"):
        refused(client.get(path), 400, 400, "query string holds a NUL")


def test_path_that_is_not_utf8_is_a_400_not_a_mangled_subject(client: httpx.Client) -> None:
    for subject in ("%FF", "%C3%28", "%ED%A0%80"):
        refused(register(client, subject), 400, 400, "not UTF-8 once percent-decoded")
    assert client.get("/subjects").json() == []


def test_router_refusals_on_v1_paths_are_problems(client: httpx.Client) -> None:
    for path in ("/v1/events/bad%00name", "/v1/edges?event=%00", "/v1/events/%FF"):
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 400
        assert answer.json()["detail"].startswith("The "), answer.text


def test_subject_of_invisible_characters_only_is_42208(client: httpx.Client) -> None:
    for subject in ("%E2%80%8B", "%EF%BF%BF", "%C2%A0%E2%80%8B"):  # ZWSP, U+FFFF, NBSP+ZWSP
        refused(register(client, subject), 422, 42208, "at least one visible character")
    assert client.get("/subjects").json() == []


def test_versions_and_ids_are_ascii_digits_only(client: httpx.Client) -> None:
    register(client, "orders-value")
    for version in ("%201", "%EF%BC%91", "1_0"):  # " 1", fullwidth 1
        answer = client.get(f"/subjects/orders-value/versions/{version}")
        refused(answer, 422, 42202, "is not a valid version id")
    for schema_id in ("%201", "%EF%BC%91"):
        refused(client.get(f"/schemas/ids/{schema_id}"), 404, 40403)


def test_metadata_of_the_wrong_shape_is_42201(client: httpx.Client) -> None:
    cases = {
        "'metadata.properties' must be an object of string values": {"properties": 5},
        "'metadata.properties' must be an object of string values, not {'a': 5}": {
            "properties": {"a": 5}
        },
        "'metadata.tags' must be an object mapping field paths": {"tags": {"**.ssn": "PII"}},
        "'metadata.sensitive' must be an array of strings": {"sensitive": "ssn"},
    }
    for message, metadata in cases.items():
        refused(register(client, "orders-value", metadata=metadata), 422, 42201, message)
    # Nothing was stored, so the metadata lookup has nothing malformed to trip over.
    lookup = client.get("/subjects/orders-value/metadata", params={"key": "a", "value": "b"})
    refused(lookup, 404, 40401)


def test_rule_set_of_the_wrong_shape_is_42201(client: httpx.Client) -> None:
    cases = {
        "'ruleSet.domainRules' must be an array of rules": {"domainRules": 5},
        "'ruleSet.domainRules[0]' must be a rule": {"domainRules": [5]},
        "'ruleSet.migrationRules[0].disabled' must be true or false": {
            "migrationRules": [{"name": "r", "disabled": "no"}]
        },
    }
    for message, ruleset in cases.items():
        refused(register(client, "orders-value", ruleSet=ruleset), 422, 42201, message)


def test_rule_set_and_metadata_of_the_right_shape_are_kept(client: httpx.Client) -> None:
    metadata = {"properties": {"owner": "shop"}, "tags": {"**.id": ["PII"]}, "extra": [1]}
    ruleset = {"domainRules": [{"name": "r", "kind": "CONDITION", "params": {"a": "b"}}]}
    answer = register(client, "orders-value", metadata=metadata, ruleSet=ruleset)
    assert answer.status_code == 200, answer.text
    stored = client.get(f"/schemas/ids/{answer.json()['id']}").json()
    assert (stored["metadata"], stored["ruleSet"]) == (metadata, ruleset)


def test_config_field_of_the_wrong_type_is_422_and_not_stored(client: httpx.Client) -> None:
    cases = {
        "'normalize' must be true or false, not 'false'": {"normalize": "false"},
        "'validateFields' must be true or false": {"validateFields": "x"},
        "'alias' must be a string": {"alias": 5},
        "'defaultMetadata' must be a JSON object": {"defaultMetadata": 5},
        "'overrideRuleSet' must be a JSON object": {"overrideRuleSet": []},
    }
    for message, update in cases.items():
        refused(client.put("/config/orders-value", json=update), 422, 422, message)
    refused(client.get("/config/orders-value"), 404, 40408)


def test_avro_schema_lacking_an_attribute_names_it(client: httpx.Client) -> None:
    cases = {
        "lacks its 'type' attribute": {},
        "lacks its 'items' attribute": {"type": "array"},
        "enum 'E' needs 'symbols', an array of names, not 'AB'": {
            "type": "enum",
            "name": "E",
            "symbols": "AB",
        },
        "fixed 'F' needs 'size', a whole number of bytes (0 or more), not -1": {
            "type": "fixed",
            "name": "F",
            "size": -1,
        },
    }
    for message, schema in cases.items():
        answer = client.post("/subjects/orders-value/versions", json=body(json.dumps(schema)))
        refused(answer, 422, 42201, message)
    answer = client.post("/subjects/orders-value/versions", json=body("5"))
    refused(answer, 422, 42201, "a schema is a type name, an object or a union array")


def test_schema_id_zero_is_42201(client: httpx.Client) -> None:
    client.put("/mode/orders-value", json={"mode": "IMPORT"})
    answer = register(client, "orders-value", id=0)
    refused(answer, 422, 42201, "'id' must be an integer from 1 to 2147483647 (or -1)")


def test_importing_the_largest_id_and_version_leaves_clear_refusals(client: httpx.Client) -> None:
    largest = 2**31 - 1
    client.put("/mode/imported", json={"mode": "IMPORT"})
    answer = register(client, "imported", id=largest, version=largest)
    assert answer.status_code == 200, answer.text
    # No version number is left after 2^31-1 (PostgreSQL failed, SQLite stored 2^31).
    later = client.post(
        "/subjects/imported/versions", json=body(avro_record("Other"), id=largest - 1)
    )
    refused(later, 422, 42205, "the largest version number")
    # Nor an id after 2^31-1 for a new schema registered without one.
    refused(register(client, "fresh", schema=avro_record("Fresh")), 422, 42205, "the largest id")
    assert client.get("/subjects").json() == ["imported"]


def test_subject_at_its_version_limit_refuses_another_version_with_42220(
    settings: Settings,
) -> None:
    with (
        LiveServer(settings.model_copy(update={"max_versions_per_subject": 2})) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        assert http.put("/config/capped", json={"compatibility": "NONE"}).status_code == 200
        for name in ("First", "Second"):
            answer = http.post("/subjects/capped/versions", json=body(avro_record(name)))
            assert answer.status_code == 200, answer.text
        third = http.post("/subjects/capped/versions", json=body(avro_record("Third")))
        refused(third, 422, 42220, "EVCAT_MAX_VERSIONS_PER_SUBJECT")
        assert http.get("/subjects/capped/versions").json() == [1, 2]
