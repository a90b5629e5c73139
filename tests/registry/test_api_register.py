"""Registration, identity and lookup through the Confluent API, over real HTTP."""

from __future__ import annotations

import json

import httpx

from tests.registry.schemas import ORDER_BREAKING, ORDER_V1, ORDER_V2, avro_record, body


def register(client: httpx.Client, subject: str, schema: str, **extra: object) -> httpx.Response:
    return client.post(f"/subjects/{subject}/versions", json=body(schema, **extra))


def test_first_registration_gets_id_1_and_version_1(client: httpx.Client) -> None:
    answer = register(client, "orders-value", ORDER_V1)
    assert answer.status_code == 200
    assert answer.json()["id"] == 1
    assert answer.json()["version"] == 1
    assert answer.json()["schemaType"] == "AVRO"


def test_reregistering_returns_the_existing_id_and_version(client: httpx.Client) -> None:
    first = register(client, "orders-value", ORDER_V1).json()
    register(client, "orders-value", ORDER_V2)
    again = register(client, "orders-value", ORDER_V1).json()
    assert (again["id"], again["version"]) == (first["id"], first["version"])
    assert client.get("/subjects/orders-value/versions").json() == [1, 2]


def test_same_content_under_another_subject_shares_the_id(client: httpx.Client) -> None:
    first = register(client, "a-value", ORDER_V1).json()
    second = register(client, "b-value", ORDER_V1).json()
    assert first["id"] == second["id"]
    assert second["version"] == 1


def test_whitespace_and_key_order_do_not_change_identity(client: httpx.Client) -> None:
    compact = register(client, "orders-value", ORDER_V1).json()
    reordered = json.dumps(
        {
            "namespace": "shop",
            "fields": [{"type": "string", "name": "id"}],
            "name": "Order",
            "type": "record",
        },
        indent=4,
    )
    assert register(client, "orders-value", reordered).json()["id"] == compact["id"]


def test_doc_change_makes_a_new_schema(client: httpx.Client) -> None:
    first = register(client, "orders-value", ORDER_V1).json()
    documented = json.loads(ORDER_V1) | {"doc": "An order."}
    second = register(client, "orders-value", json.dumps(documented)).json()
    assert second["id"] != first["id"]
    assert second["version"] == 2


def test_schema_type_defaults_to_avro(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    assert client.get("/schemas/ids/1").json()["schemaType"] == "AVRO"


def test_invalid_avro_is_42201_with_the_parser_reason(client: httpx.Client) -> None:
    bad = json.dumps({"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]})
    answer = register(client, "orders-value", bad)
    assert answer.status_code == 422
    assert answer.json()["error_code"] == 42201
    assert "nope" in answer.json()["message"]


def test_avro_default_must_match_its_type(client: httpx.Client) -> None:
    bad = avro_record("Order", {"name": "qty", "type": "int", "default": "many"})
    answer = register(client, "orders-value", bad)
    assert answer.status_code == 422
    assert answer.json()["error_code"] == 42201


def test_unknown_schema_type_is_42201(client: httpx.Client) -> None:
    answer = register(client, "orders-value", ORDER_V1, schemaType="XML")
    assert answer.status_code == 422
    assert answer.json()["error_code"] == 42201


def test_empty_schema_is_42201(client: httpx.Client) -> None:
    answer = client.post("/subjects/orders-value/versions", json={"schema": ""})
    assert answer.status_code == 422
    assert answer.json()["error_code"] == 42201


def test_a_failed_registration_writes_nothing(client: httpx.Client) -> None:
    register(client, "orders-value", "{not json")
    assert client.get("/subjects").json() == []
    assert client.get("/schemas").json() == []


def test_unknown_body_fields_are_ignored(client: httpx.Client) -> None:
    answer = register(client, "orders-value", ORDER_V1, somethingNew=True)
    assert answer.status_code == 200


def test_incompatible_schema_is_409_with_confluent_message(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    answer = register(client, "orders-value", ORDER_BREAKING)
    assert answer.status_code == 409
    message = answer.json()["message"]
    assert message.startswith(
        'Schema being registered is incompatible with an earlier schema for subject "orders-value"'
    )
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in message
    assert "{oldSchemaVersion: 1}" in message
    assert client.get("/subjects/orders-value/versions").json() == [1]


def test_force_skips_the_compatibility_check(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    answer = client.post("/subjects/orders-value/versions?force=true", json=body(ORDER_BREAKING))
    assert answer.status_code == 200
    assert answer.json()["version"] == 2


def test_compatibility_none_accepts_anything(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"compatibility": "NONE"})
    register(client, "orders-value", ORDER_V1)
    assert register(client, "orders-value", ORDER_BREAKING).status_code == 200


def test_explicit_version_must_be_the_next_one(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    answer = register(client, "orders-value", ORDER_V2, version=5)
    assert answer.status_code == 422
    assert answer.json()["error_code"] == 42201
    assert register(client, "orders-value", ORDER_V2, version=2).json()["version"] == 2


def test_lookup_finds_the_version_holding_a_schema(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    found = client.post("/subjects/orders-value", json=body(ORDER_V1)).json()
    assert (found["subject"], found["version"], found["id"]) == ("orders-value", 1, 1)


def test_lookup_of_unknown_subject_is_40401(client: httpx.Client) -> None:
    answer = client.post("/subjects/nobody", json=body(ORDER_V1))
    assert answer.status_code == 404
    assert answer.json()["error_code"] == 40401


def test_lookup_of_unregistered_schema_is_40403(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    answer = client.post("/subjects/orders-value", json=body(ORDER_V2))
    assert answer.status_code == 404
    assert answer.json()["error_code"] == 40403


def test_lookup_with_deleted_finds_soft_deleted_versions(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    client.delete("/subjects/orders-value/versions/1")
    assert client.post("/subjects/orders-value", json=body(ORDER_V1)).status_code == 404
    found = client.post("/subjects/orders-value?deleted=True", json=body(ORDER_V1))
    assert found.json()["version"] == 1


def test_normalize_finds_schemas_differing_only_in_namespace_shorthand(
    client: httpx.Client,
) -> None:
    register(client, "orders-value", ORDER_V1)
    qualified = json.dumps(
        {"type": "record", "name": "shop.Order", "fields": [{"name": "id", "type": "string"}]}
    )
    found = client.post("/subjects/orders-value?normalize=true", json=body(qualified))
    assert found.status_code == 200
    assert found.json()["id"] == 1


def test_metadata_is_part_of_identity(client: httpx.Client) -> None:
    plain = register(client, "orders-value", ORDER_V1).json()
    tagged = register(
        client, "orders-value", ORDER_V1, metadata={"properties": {"owner": "shop-team"}}
    ).json()
    assert tagged["id"] != plain["id"]
    assert client.get(f"/schemas/ids/{tagged['id']}").json()["metadata"] == {
        "properties": {"owner": "shop-team"}
    }


def test_explicit_id_beyond_32_bits_is_42201(client: httpx.Client) -> None:
    client.put("/mode", json={"mode": "IMPORT"})
    answer = register(client, "orders-value", ORDER_V1, id=2**40)
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42201)
