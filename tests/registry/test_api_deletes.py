"""Soft and permanent deletes with Confluent's preconditions, and numbering after them."""

from __future__ import annotations

import httpx

from tests.registry.schemas import ORDER_V1, ORDER_V2, avro_record, body


def register(client: httpx.Client, subject: str, schema: str) -> dict[str, object]:
    answer = client.post(f"/subjects/{subject}/versions", json=body(schema))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def error_code(answer: httpx.Response) -> int:
    return int(answer.json()["error_code"])


def test_soft_deleted_version_is_hidden_but_readable_by_id(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    assert client.delete("/subjects/orders-value/versions/1").json() == 1
    assert client.get("/subjects/orders-value/versions").json() == [2]
    assert error_code(client.get("/subjects/orders-value/versions/1")) == 40402
    assert client.get("/subjects/orders-value/versions/1?deleted=true").json()["deleted"] is True
    assert client.get("/schemas/ids/1").status_code == 200


def test_deleting_a_soft_deleted_version_again_is_40406(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    client.delete("/subjects/orders-value/versions/1")
    answer = client.delete("/subjects/orders-value/versions/1")
    assert (answer.status_code, error_code(answer)) == (404, 40406)


def test_permanent_delete_of_a_live_version_is_40407(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    answer = client.delete("/subjects/orders-value/versions/1?permanent=true")
    assert (answer.status_code, error_code(answer)) == (404, 40407)


def test_deleting_an_unknown_version_is_40402(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    assert error_code(client.delete("/subjects/orders-value/versions/7")) == 40402


def test_deleting_in_an_unknown_subject_is_40401(client: httpx.Client) -> None:
    assert error_code(client.delete("/subjects/nobody/versions/1")) == 40401


def test_versions_keep_counting_after_a_soft_delete(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    client.delete("/subjects/orders-value/versions/2")
    third = avro_record("Order", {"name": "note", "type": "string", "default": ""})
    assert register(client, "orders-value", third)["version"] == 3


def test_versions_restart_after_the_subject_is_hard_deleted(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    assert client.delete("/subjects/orders-value").json() == [1, 2]
    assert client.delete("/subjects/orders-value?permanent=true").json() == [1, 2]
    assert register(client, "orders-value", ORDER_V1)["version"] == 1


def test_soft_deleted_subject_reregistration_continues_numbering(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    client.delete("/subjects/orders-value")
    third = avro_record("Order", {"name": "note", "type": "string", "default": ""})
    assert register(client, "orders-value", third)["version"] == 3


def test_reregistering_a_soft_deleted_schema_gets_the_old_id_and_a_new_version(
    client: httpx.Client,
) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    client.delete("/subjects/orders-value/versions/1")
    again = register(client, "orders-value", ORDER_V1)
    assert (again["id"], again["version"]) == (1, 3)
    assert client.get("/subjects/orders-value/versions?deleted=true").json() == [2, 3]


def test_deleting_a_soft_deleted_subject_is_40404(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    client.delete("/subjects/orders-value")
    answer = client.delete("/subjects/orders-value")
    assert (answer.status_code, error_code(answer)) == (404, 40404)


def test_permanent_delete_of_a_live_subject_is_40405(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    answer = client.delete("/subjects/orders-value?permanent=true")
    assert (answer.status_code, error_code(answer)) == (404, 40405)


def test_deleting_an_unknown_subject_is_40401(client: httpx.Client) -> None:
    assert error_code(client.delete("/subjects/nobody")) == 40401


def test_hard_deleted_schema_id_is_gone_and_never_reused(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    client.delete("/subjects/orders-value")
    client.delete("/subjects/orders-value?permanent=true")
    assert error_code(client.get("/schemas/ids/1")) == 40403
    assert register(client, "other-value", ORDER_V2)["id"] == 2


def test_schema_id_survives_while_another_subject_holds_it(client: httpx.Client) -> None:
    register(client, "a-value", ORDER_V1)
    register(client, "b-value", ORDER_V1)
    client.delete("/subjects/a-value")
    client.delete("/subjects/a-value?permanent=true")
    assert client.get("/schemas/ids/1").status_code == 200
    assert client.get("/schemas/ids/1/subjects").json() == ["b-value"]


def test_subject_listing_honours_deleted_flags(client: httpx.Client) -> None:
    register(client, "a-value", ORDER_V1)
    register(client, "b-value", ORDER_V1)
    client.delete("/subjects/a-value")
    assert client.get("/subjects").json() == ["b-value"]
    assert client.get("/subjects?deleted=true").json() == ["a-value", "b-value"]
    assert client.get("/subjects?deletedOnly=true").json() == ["a-value"]


def test_versions_listing_can_show_deleted_as_negative(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    client.delete("/subjects/orders-value/versions/1")
    assert client.get("/subjects/orders-value/versions?deletedAsNegative=true").json() == [-1, 2]
    assert client.get("/subjects/orders-value/versions?deletedOnly=true").json() == [1]


def test_permanent_version_delete_of_last_version_drops_subject_config(
    client: httpx.Client,
) -> None:
    register(client, "orders-value", ORDER_V1)
    client.put("/config/orders-value", json={"compatibility": "FULL"})
    client.delete("/subjects/orders-value/versions/1")
    client.delete("/subjects/orders-value/versions/1?permanent=true")
    assert error_code(client.get("/config/orders-value")) == 40408


def test_soft_delete_keeps_subject_config(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    client.put("/config/orders-value", json={"compatibility": "FULL"})
    client.delete("/subjects/orders-value")
    assert client.get("/config/orders-value").json() == {"compatibilityLevel": "FULL"}


def test_delete_latest_deletes_the_highest_live_version(client: httpx.Client) -> None:
    register(client, "orders-value", ORDER_V1)
    register(client, "orders-value", ORDER_V2)
    assert client.delete("/subjects/orders-value/versions/latest").json() == 2
    assert client.get("/subjects/orders-value/versions/latest").json()["version"] == 1
