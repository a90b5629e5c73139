"""Subject aliases: a subject whose config names an ``alias`` stands for that subject.

Over real HTTP on both databases. As in Confluent, every ``/subjects/{s}/...`` and
``/compatibility/subjects/{s}/...`` route acts on the aliased subject; ``/config`` and ``/mode``
of the alias stay its own, and an alias of an alias is not followed.
"""

from __future__ import annotations

import httpx
import pytest

from tests.registry.schemas import ORDER_BREAKING, ORDER_V1, ORDER_V2, body


@pytest.fixture
def aliased(client: httpx.Client) -> httpx.Client:
    """``orders`` is an alias of ``orders-value``, which holds ORDER_V1 as version 1."""
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    client.put("/config/orders", json={"alias": "orders-value"})
    return client


def test_registering_through_an_alias_adds_a_version_to_the_aliased_subject(
    aliased: httpx.Client,
) -> None:
    answer = aliased.post("/subjects/orders/versions", json=body(ORDER_V2))
    assert answer.json()["version"] == 2
    assert aliased.get("/subjects/orders-value/versions").json() == [1, 2]
    assert "orders" not in aliased.get("/subjects").json()


def test_reading_a_version_through_an_alias_reads_the_aliased_subject(
    aliased: httpx.Client,
) -> None:
    found = aliased.get("/subjects/orders/versions/latest").json()
    assert (found["subject"], found["version"]) == ("orders-value", 1)


def test_listing_versions_through_an_alias(aliased: httpx.Client) -> None:
    assert aliased.get("/subjects/orders/versions").json() == [1]


def test_lookup_through_an_alias_names_the_aliased_subject(aliased: httpx.Client) -> None:
    found = aliased.post("/subjects/orders", json=body(ORDER_V1)).json()
    assert (found["subject"], found["version"]) == ("orders-value", 1)


def test_compatibility_through_an_alias_compares_with_the_aliased_subject(
    aliased: httpx.Client,
) -> None:
    answer = aliased.post(
        "/compatibility/subjects/orders/versions/latest", json=body(ORDER_BREAKING)
    )
    assert answer.json() == {"is_compatible": False}


def test_deleting_through_an_alias_deletes_the_aliased_version(aliased: httpx.Client) -> None:
    assert aliased.delete("/subjects/orders/versions/1").json() == 1
    assert aliased.get("/subjects/orders-value/versions").status_code == 404


def test_an_alias_keeps_its_own_config(aliased: httpx.Client) -> None:
    assert aliased.get("/config/orders").json() == {"alias": "orders-value"}
    assert aliased.get("/config/orders-value").status_code == 404


def test_an_alias_of_an_alias_is_not_followed(aliased: httpx.Client) -> None:
    aliased.put("/config/orders-latest", json={"alias": "orders"})
    answer = aliased.get("/subjects/orders-latest/versions")
    assert (answer.status_code, answer.json()["error_code"]) == (404, 40401)


def test_an_empty_alias_removes_it(aliased: httpx.Client) -> None:
    aliased.put("/config/orders", json={"alias": ""})
    assert aliased.get("/subjects/orders/versions").status_code == 404
    assert "alias" not in aliased.get("/config/orders").json()


def test_referencedby_through_an_alias(aliased: httpx.Client) -> None:
    assert aliased.get("/subjects/orders/versions/1/referencedby").json() == []
