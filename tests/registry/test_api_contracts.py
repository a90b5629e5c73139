"""Data contracts as Confluent 7.4 and later keep them: inherited, defaulted, overridden, grouped.

Over real HTTP on both databases. A registration without ``metadata``/``ruleSet`` keeps the
latest version's; config ``defaultMetadata``/``defaultRuleSet`` go under the registration's and
``overrideMetadata``/``overrideRuleSet`` over it; ``compatibilityGroup`` names a metadata
property, and only versions with the same value of it are compared.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.registry.schemas import ORDER_BREAKING, ORDER_V1, ORDER_V2, avro_record, body

OWNED = {"properties": {"owner": "shop"}}


def rule(name: str, expr: str = "true", mode: str = "WRITE") -> dict[str, Any]:
    return {"name": name, "kind": "CONDITION", "mode": mode, "type": "CEL", "expr": expr}


def register(client: httpx.Client, schema: str, subject: str = "orders-value", **extra: Any) -> Any:
    answer = client.post(f"/subjects/{subject}/versions", json=body(schema, **extra))
    assert answer.status_code == 200, answer.text
    return answer.json()


def latest(client: httpx.Client, subject: str = "orders-value") -> Any:
    return client.get(f"/subjects/{subject}/versions/latest").json()


def test_reregistering_without_metadata_returns_the_version_registered_with_it(
    client: httpx.Client,
) -> None:
    first = register(client, ORDER_V1, metadata=OWNED)
    again = register(client, ORDER_V1)
    assert (again["id"], again["version"]) == (first["id"], 1)
    assert client.get("/subjects/orders-value/versions").json() == [1]


def test_a_new_version_without_metadata_keeps_the_latest_versions_metadata(
    client: httpx.Client,
) -> None:
    register(client, ORDER_V1, metadata=OWNED)
    register(client, ORDER_V2)
    assert latest(client)["metadata"] == OWNED


def test_a_new_version_without_rule_set_keeps_the_latest_versions_rules(
    client: httpx.Client,
) -> None:
    rules = {"domainRules": [rule("positive")]}
    register(client, ORDER_V1, ruleSet=rules)
    register(client, ORDER_V2)
    assert latest(client)["ruleSet"] == rules


def test_an_empty_metadata_object_registers_a_version_without_metadata(
    client: httpx.Client,
) -> None:
    register(client, ORDER_V1, metadata=OWNED)
    second = register(client, ORDER_V1, metadata={})
    assert second["version"] == 2
    assert "metadata" not in latest(client)


def test_own_metadata_replaces_the_inherited_metadata(client: httpx.Client) -> None:
    register(client, ORDER_V1, metadata=OWNED)
    register(client, ORDER_V2, metadata={"properties": {"team": "billing"}})
    assert latest(client)["metadata"] == {"properties": {"team": "billing"}}


def test_lookup_without_metadata_finds_the_version_that_carries_it(client: httpx.Client) -> None:
    register(client, ORDER_V1, metadata=OWNED)
    found = client.post("/subjects/orders-value", json=body(ORDER_V1))
    assert found.status_code == 200
    assert found.json()["version"] == 1


def test_default_metadata_goes_under_the_registrations_own(client: httpx.Client) -> None:
    defaults = {"properties": {"owner": "platform", "tier": "bronze"}}
    client.put("/config/orders-value", json={"defaultMetadata": defaults})
    register(client, ORDER_V1, metadata={"properties": {"tier": "gold"}})
    assert latest(client)["metadata"] == {"properties": {"owner": "platform", "tier": "gold"}}


def test_override_metadata_wins_over_the_registrations_own(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"overrideMetadata": {"properties": {"tier": "gold"}}})
    register(client, ORDER_V1, metadata={"properties": {"tier": "bronze", "owner": "shop"}})
    assert latest(client)["metadata"] == {"properties": {"owner": "shop", "tier": "gold"}}


def test_global_default_metadata_applies_to_every_subject(client: httpx.Client) -> None:
    client.put("/config", json={"defaultMetadata": OWNED})
    register(client, ORDER_V1, subject="payments-value")
    assert latest(client, "payments-value")["metadata"] == OWNED


def test_sensitive_names_of_default_and_registration_add_up(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"defaultMetadata": {"sensitive": ["ssn"]}})
    register(client, ORDER_V1, metadata={"sensitive": ["email"]})
    assert latest(client)["metadata"]["sensitive"] == ["email", "ssn"]


def test_tags_of_a_path_in_the_override_replace_the_registrations(client: httpx.Client) -> None:
    override = {"tags": {"Order.id": ["PII"]}}
    client.put("/config/orders-value", json={"overrideMetadata": override})
    own = {"tags": {"Order.id": ["PUBLIC"], "Order.qty": ["METRIC"]}}
    register(client, ORDER_V1, metadata=own)
    assert latest(client)["metadata"]["tags"] == {"Order.id": ["PII"], "Order.qty": ["METRIC"]}


def test_default_rules_are_kept_beside_the_registrations_rules(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"defaultRuleSet": {"domainRules": [rule("audit")]}})
    register(client, ORDER_V1, ruleSet={"domainRules": [rule("positive")]})
    names = [r["name"] for r in latest(client)["ruleSet"]["domainRules"]]
    assert names == ["audit", "positive"]


def test_an_override_rule_replaces_the_registrations_rule_of_its_name(
    client: httpx.Client,
) -> None:
    strict = rule("positive", expr="message.qty > 0")
    client.put("/config/orders-value", json={"overrideRuleSet": {"domainRules": [strict]}})
    register(client, ORDER_V1, ruleSet={"domainRules": [rule("positive"), rule("audit")]})
    assert latest(client)["ruleSet"]["domainRules"] == [rule("audit"), strict]


def test_defaults_apply_again_to_a_reregistered_schema_without_a_new_version(
    client: httpx.Client,
) -> None:
    client.put("/config/orders-value", json={"defaultMetadata": OWNED})
    first = register(client, ORDER_V1)
    again = register(client, ORDER_V1)
    assert (again["id"], again["version"]) == (first["id"], first["version"])


def test_import_mode_stores_metadata_exactly_as_sent(client: httpx.Client) -> None:
    client.put("/config", json={"overrideMetadata": {"properties": {"tier": "gold"}}})
    client.put("/mode", json={"mode": "IMPORT"})
    register(client, ORDER_V1, id=7, version=1, metadata=OWNED)
    assert client.get("/subjects/orders-value/versions/1").json()["metadata"] == OWNED


def versioned(major: str, schema: str) -> dict[str, Any]:
    return body(schema, metadata={"properties": {"major": major}})


def test_compatibility_group_compares_only_versions_of_the_same_group(
    client: httpx.Client,
) -> None:
    client.put("/config/orders-value", json={"compatibilityGroup": "major"})
    assert client.post("/subjects/orders-value/versions", json=versioned("1", ORDER_V1)).is_success
    breaking = client.post("/subjects/orders-value/versions", json=versioned("2", ORDER_BREAKING))
    assert breaking.status_code == 200


def test_compatibility_group_still_refuses_a_break_within_the_group(
    client: httpx.Client,
) -> None:
    client.put("/config/orders-value", json={"compatibilityGroup": "major"})
    client.post("/subjects/orders-value/versions", json=versioned("1", ORDER_V1))
    client.post("/subjects/orders-value/versions", json=versioned("2", ORDER_BREAKING))
    answer = client.post("/subjects/orders-value/versions", json=versioned("1", ORDER_BREAKING))
    assert (answer.status_code, answer.json()["error_code"]) == (409, 409)
    assert "{oldSchemaVersion: 1}" in answer.json()["message"]


def test_compatibility_group_value_is_inherited_like_the_rest_of_the_metadata(
    client: httpx.Client,
) -> None:
    client.put("/config/orders-value", json={"compatibilityGroup": "major"})
    client.post("/subjects/orders-value/versions", json=versioned("1", ORDER_V1))
    answer = client.post("/subjects/orders-value/versions", json=body(ORDER_BREAKING))
    assert answer.status_code == 409


def test_compatibility_check_endpoint_honours_the_group(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"compatibilityGroup": "major"})
    client.post("/subjects/orders-value/versions", json=versioned("1", ORDER_V1))
    other_group = client.post(
        "/compatibility/subjects/orders-value/versions", json=versioned("2", ORDER_BREAKING)
    )
    same_group = client.post(
        "/compatibility/subjects/orders-value/versions", json=versioned("1", ORDER_BREAKING)
    )
    assert other_group.json() == {"is_compatible": True}
    assert same_group.json() == {"is_compatible": False}


def test_without_a_group_every_version_is_compared(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=versioned("1", ORDER_V1))
    answer = client.post("/subjects/orders-value/versions", json=versioned("2", ORDER_BREAKING))
    assert answer.status_code == 409


def test_the_same_text_without_metadata_in_another_subject_gets_another_id(
    client: httpx.Client,
) -> None:
    first = register(client, ORDER_V1, metadata=OWNED)
    plain = register(client, ORDER_V1, subject="copies-value")
    assert plain["id"] != first["id"]
    assert json.loads(plain["schema"]) == json.loads(avro_record())
