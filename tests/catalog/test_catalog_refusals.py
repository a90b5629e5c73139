"""Bad input to the catalog's ``/v1`` routes found by fuzzing: each is a problem saying what
to fix, never a 500 (on SQLite or PostgreSQL) nor an empty 200. Over real HTTP."""

from __future__ import annotations

import json

import httpx

YAML = {"content-type": "application/yaml"}

ORDER_PLACED = json.dumps(
    {
        "type": "record",
        "name": "OrderPlaced",
        "namespace": "shop",
        "fields": [{"name": "order_id", "type": "string"}],
    }
)


def problem(answer: httpx.Response, status: int, *words: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    for word in words:
        assert word in answer.json()["detail"], answer.text


def apply(client: httpx.Client, *documents: object) -> httpx.Response:
    text = "\n".join(json.dumps(document) for document in documents)
    return client.post("/v1/catalog/apply", content=text.replace("}\n{", "}\n---\n{"), headers=YAML)


def test_offset_beyond_32_bits_is_a_422(client: httpx.Client) -> None:
    for path in ("/v1/domains", "/v1/recipients", "/v1/events", "/v1/edges"):
        answer = client.get(path, params={"offset": 2**95})
        problem(answer, 422, "query.offset: Input should be less than or equal to 2147483647")
    assert client.get("/v1/domains", params={"offset": 2**31 - 1}).json()["items"] == []


def test_lineage_of_an_unknown_resource_is_a_404(client: httpx.Client) -> None:
    problem(client.get("/v1/lineage", params={"service": "no-such"}), 404, "no-such")
    team = {"apiVersion": "evcat/v1", "kind": "Team", "id": "shop-team", "name": "Shop"}
    service = {"apiVersion": "evcat/v1", "kind": "Service", "id": "quiet", "owner": "shop-team"}
    assert apply(client, team, service).status_code == 200
    # Declared but linked to nothing: a graph of one node, as before.
    graph = client.get("/v1/lineage", params={"service": "quiet"}).json()
    assert [node["id"] for node in graph["nodes"]] == ["service:quiet"]


def test_catalog_document_holding_a_nul_names_the_field(client: httpx.Client) -> None:
    team = {"apiVersion": "evcat/v1", "kind": "Team", "id": "t", "name": "a\x00b"}
    problem(apply(client, team), 400, "NUL", "at $.name")
    yaml = 'apiVersion: evcat/v1\nkind: Team\nid: t\nname: ok\ndescription: "x\\0"\n'
    answer = client.post("/v1/catalog/apply", content=yaml, headers=YAML)
    problem(answer, 422, "(request):5: description: holds a NUL character")
    assert client.get("/v1/teams").json()["items"] == []


def test_yaml_alias_of_an_enclosing_value_is_a_problem(client: httpx.Client) -> None:
    for text in ("&a [*a]", "apiVersion: evcat/v1\nkind: Team\nid: t\nname: &n [*n]\n"):
        answer = client.post(
            "/v1/catalog/apply", params={"dry_run": "true"}, content=text, headers=YAML
        )
        problem(answer, 422, "nothing written")


def test_sample_value_base64_outside_ascii_is_a_422(client: httpx.Client) -> None:
    client.post("/subjects/shop.orders-value/versions", json={"schema": ORDER_PLACED})
    sample = {"mode": "binary", "value_base64": "é"}
    answer = client.post("/v1/events/shop.OrderPlaced/cloudevents/validate", json=sample)
    problem(answer, 422, "value_base64 is not base64")


def test_sample_event_with_a_number_beyond_64_bits_is_checked(client: httpx.Client) -> None:
    client.post("/subjects/shop.orders-value/versions", json={"schema": ORDER_PLACED})
    event = {"specversion": "1.0", "id": "1", "source": "s", "type": "t", "data": {"n": 2**70}}
    answer = client.post(
        "/v1/events/shop.OrderPlaced/cloudevents/validate",
        json={"mode": "structured", "event": event},
    )
    assert answer.status_code == 200, answer.text
    assert "valid" in answer.json()
