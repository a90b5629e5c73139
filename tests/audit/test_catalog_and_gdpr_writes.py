"""Catalog applies and data-map writes leave their audit records, over real HTTP."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.audit.conftest import records

TEAM_AND_DOMAIN = """apiVersion: evcat/v1
kind: Team
id: orders-team
name: Orders
---
apiVersion: evcat/v1
kind: Domain
id: ordering
name: Ordering
owner: orders-team
"""
EVENT = "com.acme.Customer"
CUSTOMER = json.dumps(
    {
        "type": "record",
        "name": "Customer",
        "namespace": "com.acme",
        "fields": [{"name": "id", "type": "string"}, {"name": "email", "type": "string"}],
    }
)


def apply(client: httpx.Client, text: str, **params: str) -> httpx.Response:
    answer = client.post(
        "/v1/catalog/apply",
        content=text,
        params=params,
        headers={"content-type": "application/yaml"},
    )
    assert answer.status_code == 200, answer.text
    return answer


@pytest.fixture
def customer(client: httpx.Client) -> httpx.Client:
    """A registry holding one event with an ``email`` field, and an empty trail after it."""
    answer = client.post("/subjects/customers-value/versions", json={"schema": CUSTOMER})
    assert answer.status_code == 200, answer.text
    return client


def test_an_apply_records_each_resource_and_one_summary(client: httpx.Client) -> None:
    apply(client, TEAM_AND_DOMAIN)

    trail = records(client)

    assert [(r["action"], r["resource"]) for r in trail] == [
        ("catalog.create", "team:orders-team"),
        ("catalog.create", "domain:ordering"),
        ("catalog.apply", "catalog:all"),
    ]
    assert trail[-1]["after"] == {
        "created": 2,
        "updated": 0,
        "deleted": 0,
        "unchanged": 0,
        "prune": False,
    }
    [request_id] = {r["request_id"] for r in trail}  # one request, one id on every record
    assert request_id
    assert trail[0]["before"] is None and len(trail[0]["after"]["sha256"]) == 64


def test_a_pruning_apply_records_each_deleted_resource(client: httpx.Client) -> None:
    apply(client, TEAM_AND_DOMAIN)

    apply(client, TEAM_AND_DOMAIN.split("---")[0], prune="true")

    trail = records(client)[3:]
    assert [(r["action"], r["resource"]) for r in trail] == [
        ("catalog.delete", "domain:ordering"),
        ("catalog.apply", "catalog:all"),
    ]
    assert trail[0]["after"] is None and trail[0]["before"] == records(client)[1]["after"]
    assert trail[1]["after"]["deleted"] == 1 and trail[1]["after"]["prune"] is True


def test_a_dry_run_or_an_unchanged_apply_records_nothing(client: httpx.Client) -> None:
    apply(client, TEAM_AND_DOMAIN, dry_run="true")
    assert records(client) == []

    apply(client, TEAM_AND_DOMAIN)
    apply(client, TEAM_AND_DOMAIN)

    assert len(records(client, action="catalog.apply")) == 1


def test_a_classification_records_the_verified_principal_not_the_typed_actor(
    customer: httpx.Client,
) -> None:
    answer = customer.put(
        "/v1/gdpr/classifications",
        json={"event": EVENT, "path": "email", "categories": ["email-address"], "actor": "ceo"},
    )

    assert answer.status_code == 200, answer.text
    [entry] = records(customer, action="classification.set")
    assert entry["principal"] == "anonymous"
    assert entry["resource"] == f"classification:{EVENT}/v1/email"
    assert entry["after"]["categories"] == ["email-address"]
    assert entry["after"]["claimed_actor"] == "ceo"


def test_a_classification_without_an_actor_field_is_accepted(customer: httpx.Client) -> None:
    answer = customer.put(
        "/v1/gdpr/classifications",
        json={"event": EVENT, "path": "email", "categories": ["email-address"]},
    )

    assert answer.status_code == 200, answer.text
    [entry] = records(customer, action="classification.set")
    assert "claimed_actor" not in entry["after"]


def test_removing_a_classification_is_recorded(customer: httpx.Client) -> None:
    customer.put(
        "/v1/gdpr/classifications",
        json={"event": EVENT, "path": "email", "categories": ["email-address"]},
    )

    answer = customer.delete("/v1/gdpr/classifications", params={"event": EVENT, "path": "email"})

    assert answer.json() == {"removed": True}
    [entry] = records(customer, action="classification.delete")
    assert entry["before"]["categories"] == ["email-address"] and entry["after"] is None


def test_mapping_a_tag_is_recorded(client: httpx.Client) -> None:
    client.put("/v1/gdpr/tags/PII", json={"category": "email-address"})

    [entry] = records(client)

    assert (entry["action"], entry["resource"]) == ("tag.map", "tag:PII")
    assert (entry["before"], entry["after"]) == (None, {"category": "email-address"})


def test_saving_a_retention_policy_is_recorded(client: httpx.Client) -> None:
    body = {"category": "email-address", "max_retention": "P30D"}
    client.put("/v1/gdpr/retention-policies/mail", json=body)

    client.put("/v1/gdpr/retention-policies/mail", json=body | {"max_retention": "P10D"})

    first, second = records(client)
    assert (second["action"], second["resource"]) == (
        "retention-policy.set",
        "retention-policy:mail",
    )
    assert second["before"] == first["after"]
    assert second["after"]["max_retention"] == "P10D"


def test_the_gdpr_audit_route_shows_the_data_map_records_of_the_trail(
    customer: httpx.Client,
) -> None:
    customer.put("/v1/gdpr/tags/PII", json={"category": "email-address"})
    customer.put(
        "/v1/gdpr/classifications",
        json={"event": EVENT, "path": "email", "categories": ["email-address"]},
    )

    items = customer.get("/v1/gdpr/audit", params={"object": EVENT}).json()["items"]

    [item] = items
    assert (item["action"], item["object"], item["actor"]) == (
        "classify",
        f"{EVENT}/v1/email",
        "anonymous",
    )
    assert item["id"] == records(customer, action="classification.set")[0]["seq"]
