"""Upcasters, upcast policies and gated versions leave their audit records."""

from __future__ import annotations

import json
import os
import pwd

import httpx
import pytest
from typer.testing import CliRunner

from evcat.cli.main import app
from tests.audit.conftest import avro, records
from tests.upcast.order_schemas import ORDER, SCHEMAS

T = "shop.Thing"
V1 = avro(T, "id", "name")
V2 = avro(T, "id", "label")
RENAME = {"ops": [{"rename": {"from": "name", "to": "label"}}]}


@pytest.fixture
def lineage(client: httpx.Client) -> httpx.Client:
    """Two versions of ``shop.Thing`` that only an upcaster connects."""
    client.put(f"/config/{T}", json={"compatibility": "NONE"})
    for text in (V1, V2):
        answer = client.post(f"/subjects/{T}/versions", json={"schema": text})
        assert answer.status_code == 200, answer.text
    return client


def test_adding_an_upcaster_records_its_edge_and_fingerprint(lineage: httpx.Client) -> None:
    answer = lineage.post(f"/v1/events/{T}/versions/2/upcasters", json=RENAME)

    assert answer.status_code == 201, answer.text
    [entry] = records(lineage, action="upcaster.add")
    assert entry["resource"] == "upcaster:shop.Thing/v1->shop.Thing/v2"
    assert entry["before"] is None
    assert entry["after"]["fingerprint"] == answer.json()["fingerprint"]
    assert "rename" not in json.dumps(entry), "the operations stay out; the fingerprint stands in"


def test_replacing_an_upcaster_records_the_one_it_replaced(lineage: httpx.Client) -> None:
    first = lineage.post(f"/v1/events/{T}/versions/2/upcasters", json=RENAME).json()

    lineage.post(f"/v1/events/{T}/versions/2/upcasters", params={"replace": "true"}, json=RENAME)

    second = records(lineage, action="upcaster.add")[1]
    assert second["before"]["id"] == first["id"]


def test_removing_an_upcaster_is_recorded(lineage: httpx.Client) -> None:
    lineage.post(f"/v1/events/{T}/versions/2/upcasters", json=RENAME)

    assert lineage.delete(f"/v1/events/{T}/versions/2/upcasters/1").status_code == 200

    [entry] = records(lineage, action="upcaster.remove")
    assert entry["resource"] == "upcaster:shop.Thing/v1->shop.Thing/v2"
    assert entry["after"] is None


def test_setting_an_upcast_policy_is_recorded(lineage: httpx.Client) -> None:
    answer = lineage.put(f"/v1/events/{T}/upcast-policy", json={"policy": "BACKWARD_OR_UPCASTABLE"})

    assert answer.status_code == 200, answer.text
    [entry] = records(lineage, action="upcast-policy.set")
    assert (entry["resource"], entry["before"], entry["after"]) == (
        "upcast-policy:shop.Thing",
        {"policy": None},
        {"policy": "BACKWARD_OR_UPCASTABLE"},
    )


def test_a_version_sent_with_its_upcaster_records_both(client: httpx.Client) -> None:
    client.post(f"/subjects/{T}/versions", json={"schema": V1})
    client.put(f"/v1/events/{T}/upcast-policy", json={"policy": "BACKWARD_OR_UPCASTABLE"})
    mark = len(records(client))

    answer = client.post(
        f"/v1/events/{T}/versions",
        json={"schema": V2, "upcaster": RENAME},
    )

    assert answer.status_code == 201, answer.text
    added = records(client)[mark:]
    assert [r["action"] for r in added] == ["schema.register", "upcaster.add"]
    assert added[0]["request_id"] == added[1]["request_id"], "one request, one id"


def test_a_gated_version_refused_for_want_of_an_upcaster_records_nothing(
    client: httpx.Client,
) -> None:
    client.post(f"/subjects/{T}/versions", json={"schema": V1})
    client.put(f"/v1/events/{T}/upcast-policy", json={"policy": "BACKWARD_OR_UPCASTABLE"})
    mark = len(records(client))

    answer = client.post(f"/v1/events/{T}/versions", json={"schema": V2})

    assert answer.status_code == 409, answer.text
    assert len(records(client)) == mark


def test_pinning_python_upcasters_records_the_local_account(
    client: httpx.Client, db_url: str
) -> None:
    client.put(f"/config/{ORDER}", json={"compatibility": "NONE"})
    for node in sorted(SCHEMAS):
        text = json.dumps(SCHEMAS[node].model.schema)
        assert client.post(f"/subjects/{ORDER}/versions", json={"schema": text}).status_code == 200

    result = CliRunner().invoke(
        app, ["upcast", "pin", "tests.upcast.order_upcasters", "--db", db_url]
    )

    assert result.exit_code == 0, result.output
    [entry] = records(client, action="upcaster.pin")
    # The account is read from the process's uid, not from $USER, which anyone can set.
    assert entry["principal"] == f"local:{pwd.getpwuid(os.getuid()).pw_name}"
    assert entry["resource"] == "upcaster:shop.OrderPlaced/v3->shop.OrderPlaced/v4"
    assert entry["after"]["code_ref"] == "tests.upcast.order_upcasters:order_v3_v4"
