"""References: resolution, pinning ``-1``, the reverse index and delete protection."""

from __future__ import annotations

import httpx

from tests.registry.schemas import ADDRESS, CUSTOMER_WITH_ADDRESS

ADDRESS_REF = {"name": "shop.Address", "subject": "address-value", "version": 1}


def register_customer(client: httpx.Client, version: int = 1) -> httpx.Response:
    reference = ADDRESS_REF | {"version": version}
    return client.post(
        "/subjects/customer-value/versions",
        json={"schema": CUSTOMER_WITH_ADDRESS, "references": [reference]},
    )


def test_schema_with_reference_registers_and_reports_it(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    answer = register_customer(client)
    assert answer.status_code == 200, answer.text
    stored = client.get(f"/schemas/ids/{answer.json()['id']}").json()
    assert stored["references"] == [ADDRESS_REF]


def test_reference_to_latest_is_pinned_to_a_number(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    answer = register_customer(client, version=-1)
    assert answer.json()["references"] == [ADDRESS_REF]


def test_missing_reference_is_42201(client: httpx.Client) -> None:
    answer = register_customer(client)
    assert answer.status_code == 422
    assert answer.json()["error_code"] == 42201
    assert "address-value" in answer.json()["message"]


def test_unresolved_named_type_without_reference_is_42201(client: httpx.Client) -> None:
    answer = client.post(
        "/subjects/customer-value/versions", json={"schema": CUSTOMER_WITH_ADDRESS}
    )
    assert answer.json()["error_code"] == 42201


def test_referencedby_lists_referencing_schema_ids(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    customer_id = register_customer(client).json()["id"]
    assert client.get("/subjects/address-value/versions/1/referencedby").json() == [customer_id]


def test_referenced_version_cannot_be_deleted(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    register_customer(client)
    answer = client.delete("/subjects/address-value/versions/1")
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42206)
    answer = client.delete("/subjects/address-value")
    assert answer.json()["error_code"] == 42206


def test_reference_is_released_when_the_referrer_is_deleted(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    register_customer(client)
    client.delete("/subjects/customer-value")
    assert client.delete("/subjects/address-value").status_code == 200


def test_lookup_with_references_finds_the_version(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    register_customer(client)
    found = client.post(
        "/subjects/customer-value",
        json={"schema": CUSTOMER_WITH_ADDRESS, "references": [ADDRESS_REF]},
    )
    assert found.status_code == 200
    assert found.json()["version"] == 1


def test_malformed_reference_is_42201(client: httpx.Client) -> None:
    answer = client.post(
        "/subjects/customer-value/versions",
        json={"schema": CUSTOMER_WITH_ADDRESS, "references": [{"name": "shop.Address"}]},
    )
    assert answer.json()["error_code"] == 42201


def test_referencedby_leaves_out_a_soft_deleted_referrer(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    register_customer(client)
    client.delete("/subjects/customer-value/versions/1")
    assert client.get("/subjects/address-value/versions/1/referencedby").json() == []


def test_referrer_soft_deleted_in_one_subject_but_live_in_another_is_listed(
    client: httpx.Client,
) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    customer_id = register_customer(client).json()["id"]
    client.post(
        "/subjects/client-value/versions",
        json={"schema": CUSTOMER_WITH_ADDRESS, "references": [ADDRESS_REF]},
    )
    client.delete("/subjects/customer-value/versions/1")
    assert client.get("/subjects/address-value/versions/1/referencedby").json() == [customer_id]


def test_soft_deleted_referrer_does_not_block_soft_deleting_the_target(
    client: httpx.Client,
) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    register_customer(client)
    client.delete("/subjects/customer-value/versions/1")
    assert client.delete("/subjects/address-value/versions/1").json() == 1


def test_soft_deleted_referrer_does_not_block_permanently_deleting_the_target(
    client: httpx.Client,
) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    register_customer(client)
    client.delete("/subjects/customer-value")
    client.delete("/subjects/address-value")
    answer = client.delete("/subjects/address-value", params={"permanent": "true"})
    assert (answer.status_code, answer.json()) == (200, [1])


def test_a_referrer_restored_by_reregistering_blocks_again(client: httpx.Client) -> None:
    client.post("/subjects/address-value/versions", json={"schema": ADDRESS})
    register_customer(client)
    client.delete("/subjects/customer-value/versions/1")
    register_customer(client)
    answer = client.delete("/subjects/address-value/versions/1")
    assert answer.json()["error_code"] == 42206
