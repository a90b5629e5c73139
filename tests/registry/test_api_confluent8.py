"""Answers that follow Confluent 8 where evcat used to differ: empty config updates, empty
lookups, duplicate Avro fields, and IMPORT of a version that is already taken."""

from __future__ import annotations

import json

import httpx

from tests.registry.schemas import ORDER_V1, ORDER_V2, avro_record, body


def test_put_config_with_an_empty_object_answers_the_current_config(
    client: httpx.Client,
) -> None:
    client.put("/config", json={"compatibility": "FULL", "normalize": True})
    answer = client.put("/config", json={})
    assert (answer.status_code, answer.json()) == (
        200,
        {"compatibility": "FULL", "normalize": True},
    )


def test_put_config_with_an_empty_object_changes_nothing(client: httpx.Client) -> None:
    client.put("/config", json={})
    assert client.get("/config").json() == {"compatibilityLevel": "BACKWARD"}


def test_put_subject_config_with_an_empty_object_creates_no_subject_config(
    client: httpx.Client,
) -> None:
    answer = client.put("/config/orders-value", json={})
    assert (answer.status_code, answer.json()) == (200, {})
    assert client.get("/config/orders-value").json()["error_code"] == 40408


def test_lookup_of_an_empty_schema_is_40403(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    answer = client.post("/subjects/orders-value", json={"schema": ""})
    assert (answer.status_code, answer.json()["error_code"]) == (404, 40403)


def test_lookup_of_an_empty_schema_in_an_unknown_subject_is_40401(client: httpx.Client) -> None:
    answer = client.post("/subjects/orders-value", json={"schema": ""})
    assert (answer.status_code, answer.json()["error_code"]) == (404, 40401)


def test_an_avro_record_with_two_fields_of_one_name_is_42201(client: httpx.Client) -> None:
    twice = avro_record("Order", {"name": "id", "type": "long"})
    answer = client.post("/subjects/orders-value/versions", json=body(twice))
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42201)
    assert "Duplicate field id" in answer.json()["message"]


def import_(client: httpx.Client, schema: str, schema_id: int, version: int) -> httpx.Response:
    return client.post(
        "/subjects/orders-value/versions", json=body(schema, id=schema_id, version=version)
    )


def test_import_of_a_taken_version_answers_200_and_the_imported_schema_stands(
    client: httpx.Client,
) -> None:
    client.put("/mode", json={"mode": "IMPORT"})
    import_(client, ORDER_V1, 10, 1)
    answer = import_(client, ORDER_V2, 11, 1)
    assert (answer.status_code, answer.json()["id"], answer.json()["version"]) == (200, 11, 1)
    stands = client.get("/subjects/orders-value/versions/1").json()
    assert (stands["id"], json.loads(stands["schema"])) == (11, json.loads(ORDER_V2))
    assert client.get("/subjects/orders-value/versions").json() == [1]


def test_the_schema_an_import_replaced_is_gone_unless_another_version_holds_it(
    client: httpx.Client,
) -> None:
    client.put("/mode", json={"mode": "IMPORT"})
    import_(client, ORDER_V1, 10, 1)
    client.post("/subjects/payments-value/versions", json=body(ORDER_V2, id=12, version=1))
    import_(client, ORDER_V2, 12, 1)
    assert client.get("/schemas/ids/10").json()["error_code"] == 40403
    import_(client, ORDER_V1, 13, 2)
    client.post("/subjects/copies-value/versions", json=body(ORDER_V1, id=13, version=1))
    import_(client, ORDER_V2, 12, 2)
    assert client.get("/schemas/ids/13").status_code == 200


def test_import_of_the_same_schema_id_and_version_again_is_a_no_op(client: httpx.Client) -> None:
    client.put("/mode", json={"mode": "IMPORT"})
    first = import_(client, ORDER_V1, 10, 1).json()
    again = import_(client, ORDER_V1, 10, 1).json()
    assert (again["id"], again["version"]) == (first["id"], first["version"])


def test_import_does_not_replace_a_version_a_live_schema_references(
    client: httpx.Client,
) -> None:
    address = avro_record("Address")
    client.put("/mode", json={"mode": "IMPORT"})
    client.post("/subjects/address-value/versions", json=body(address, id=1, version=1))
    customer = json.dumps(
        {
            "type": "record",
            "name": "Customer",
            "namespace": "shop",
            "fields": [{"name": "home", "type": "shop.Address"}],
        }
    )
    reference = {"name": "shop.Address", "subject": "address-value", "version": 1}
    client.post(
        "/subjects/customer-value/versions", json=body(customer, id=2, references=[reference])
    )
    answer = client.post("/subjects/address-value/versions", json=body(ORDER_V1, id=3, version=1))
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42206)
