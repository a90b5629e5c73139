"""POST /v1/events/{event}/versions keeps a version and its upcaster together or neither,
with and without the BACKWARD_OR_UPCASTABLE policy, over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

T = "acme.Parcel"
OLD = "acme.OldParcel"
POLICY = "BACKWARD_OR_UPCASTABLE"

ID = {"name": "id", "type": "string"}
KG = {"name": "weight_kg", "type": "long"}
GRAMS = {"name": "weight_g", "type": "int"}
NOTE = {"name": "note", "type": "string", "default": ""}


def avro(fields: list[dict[str, Any]], name: str = T) -> str:
    return json.dumps({"type": "record", "name": name, "fields": fields})


V1 = avro([ID, KG])
V2 = avro([ID, KG, GRAMS])  # a required field without a default: not BACKWARD compatible
V2_NOTE = avro([ID, KG, NOTE])  # resolution-compatible with V1

# weight_g from a constant: passes the static checks and every sample.
VALID = {"ops": [{"set": {"path": "weight_g", "value": 0}}]}
# Reads a field v1 lacks: the static check refuses it.
READS_A_MISSING_FIELD = {"ops": [{"derive": {"path": "weight_g", "expr": "weight_lb * 454"}}]}
# Fits the schemas, but a long times 1000 overflows the int of weight_g on samples.
OVERFLOWS = {"ops": [{"derive": {"path": "weight_g", "expr": "weight_kg * 1000"}}]}


def register(client: httpx.Client, text: str, subject: str = T) -> int:
    response = client.post(f"/subjects/{subject}/versions", json={"schema": text})
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def post_version(
    client: httpx.Client, text: str, upcaster: dict[str, Any] | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"schema": text}
    if upcaster is not None:
        body["upcaster"] = upcaster
    return client.post(f"/v1/events/{T}/versions", json=body)


def upcasters_at(client: httpx.Client, version: int) -> list[dict[str, Any]]:
    response = client.get(f"/v1/events/{T}/versions/{version}/upcasters")
    assert response.status_code == 200, response.text
    return list(response.json())


def set_policy(client: httpx.Client, policy: str | None) -> None:
    response = client.put(f"/v1/events/{T}/upcast-policy", json={"policy": policy})
    assert response.status_code == 200, response.text


@pytest.fixture
def parcel(client: httpx.Client) -> int:
    """acme.Parcel v1 under compatibility NONE, no policy; returns v1's schema id."""
    assert client.put(f"/config/{T}", json={"compatibility": "NONE"}).status_code == 200
    return register(client, V1)


def assert_only_v1(client: httpx.Client, v1_id: int, next_id: int | None = None) -> None:
    """The subject holds v1 alone, as latest, no edge arrives at v2, and the next schema id
    (``v1_id + 1`` unless given) is unused."""
    assert client.get(f"/subjects/{T}/versions").json() == [1]
    latest = client.get(f"/subjects/{T}/versions/latest").json()
    assert (latest["version"], latest["id"]) == (1, v1_id)
    assert latest["schema"] == client.get(f"/schemas/ids/{v1_id}").json()["schema"]
    assert upcasters_at(client, 2) == []
    unused = v1_id + 1 if next_id is None else next_id
    assert client.get(f"/schemas/ids/{unused}").status_code == 404


def test_an_upcaster_failing_the_static_check_leaves_no_version_behind(
    client: httpx.Client, parcel: int
) -> None:
    response = post_version(client, V2, READS_A_MISSING_FIELD)

    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert problem["code"] == "UNKNOWN_SOURCE_PATH"
    assert problem["path"] == "weight_g"
    assert "weight_lb" in problem["message"]
    assert_only_v1(client, parcel)


def test_an_upcaster_failing_sample_validation_leaves_no_version_behind(
    client: httpx.Client, parcel: int
) -> None:
    response = post_version(client, V2, OVERFLOWS)

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["title"] == "Upcaster validation failed"
    assert "weight_g" in body["detail"]
    assert_only_v1(client, parcel)


def test_the_refused_version_registers_with_the_next_schema_id_once_fixed(
    client: httpx.Client, parcel: int
) -> None:
    assert post_version(client, V2, OVERFLOWS).status_code == 422

    response = post_version(client, V2, VALID)

    assert response.status_code == 201, response.text
    assert (response.json()["version"], response.json()["id"]) == (2, parcel + 1)


@pytest.mark.parametrize("policy", [None, POLICY])
def test_an_upcaster_adding_a_gap_to_the_version_graph_leaves_no_version_behind(
    client: httpx.Client, parcel: int, policy: str | None
) -> None:
    # acme.OldParcel has v1 and v2; renaming only its v1 into acme.Parcel v2 joins the two
    # lineages and leaves OldParcel v2 with no way to the new latest.
    old = [ID, KG]
    register(client, avro(old, OLD), OLD)
    last_id = register(client, avro([*old, NOTE], OLD), OLD)
    set_policy(client, policy)
    rename = {"rename_type": {"from": OLD, "from_version": 1, "to": T, "to_version": 2}}

    response = post_version(client, V2_NOTE, rename)

    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert [(p["code"], p["event_type"], p["versions"]) for p in problems] == [("GAP", OLD, [2, 2])]
    assert "register an upcaster from v2" in problems[0]["message"]
    assert_only_v1(client, parcel, last_id + 1)
    assert client.get("/v1/upcast/problems").json() == []


def test_a_valid_upcaster_is_stored_with_its_version_and_served_under_it(
    client: httpx.Client, parcel: int
) -> None:
    response = post_version(client, V2, VALID)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["version"], body["id"]) == (2, parcel + 1)
    assert (body["upcaster"]["from_version"], body["upcaster"]["to_version"]) == (1, 2)
    [edge] = upcasters_at(client, 2)
    assert (edge["id"], edge["fingerprint"]) == (
        body["upcaster"]["id"],
        body["upcaster"]["fingerprint"],
    )
    assert edge["report"]["passed"] is True
    assert client.get(f"/subjects/{T}/versions").json() == [1, 2]
    upcast = client.post(
        "/v1/upcast",
        json={"events": [{"type": T, "version": 1, "data": {"id": "p-1", "weight_kg": 3}}]},
    )
    assert upcast.json()["events"][0]["data"] == {"id": "p-1", "weight_kg": 3, "weight_g": 0}


def test_a_version_the_registry_finds_incompatible_is_refused_with_no_edge_left(
    client: httpx.Client,
) -> None:
    assert client.put(f"/config/{T}", json={"compatibility": "BACKWARD"}).status_code == 200
    v1_id = register(client, V1)

    response = post_version(client, V2, VALID)

    assert response.status_code == 409, response.text
    assert "weight_g" in response.json()["detail"]
    assert_only_v1(client, v1_id)


def test_an_edge_that_cannot_be_stored_takes_its_version_with_it(
    client: httpx.Client, parcel: int
) -> None:
    # An edge left behind by a permanently deleted v2 makes storing the new v2's edge fail
    # only after the version row is written.
    assert post_version(client, V2, VALID).status_code == 201
    assert client.delete(f"/subjects/{T}/versions/2").status_code == 200
    assert (
        client.delete(f"/subjects/{T}/versions/2", params={"permanent": "true"}).status_code == 200
    )

    response = post_version(client, V2_NOTE, {"ops": []})

    assert response.status_code == 409, response.text
    assert "replace" in response.json()["detail"]
    assert client.get(f"/subjects/{T}/versions").json() == [1]
    [stale] = upcasters_at(client, 2)
    assert stale["spec"]["ops"] == VALID["ops"]


@pytest.mark.parametrize("policy", [None, POLICY])
def test_resending_a_registered_schema_with_its_upcaster_returns_the_version(
    client: httpx.Client, parcel: int, policy: str | None
) -> None:
    set_policy(client, policy)
    first = post_version(client, V2, VALID)
    assert first.status_code == 201, first.text

    again = post_version(client, V2, VALID)

    assert again.status_code == 201, again.text
    assert (again.json()["version"], again.json()["id"]) == (2, first.json()["id"])
    assert client.get(f"/subjects/{T}/versions").json() == [1, 2]
    assert [edge["id"] for edge in upcasters_at(client, 2)] == [first.json()["upcaster"]["id"]]


def test_resending_an_older_schema_with_an_upcaster_returns_its_version(
    client: httpx.Client, parcel: int
) -> None:
    assert post_version(client, V2, VALID).status_code == 201

    again = post_version(client, V1, VALID)

    assert again.status_code == 201, again.text
    assert (again.json()["version"], again.json()["id"]) == (1, parcel)
    assert client.get(f"/subjects/{T}/versions").json() == [1, 2]


@pytest.mark.parametrize("policy", [None, POLICY])
def test_an_upcaster_that_is_not_a_mapping_is_refused_as_a_document_problem(
    client: httpx.Client, parcel: int, policy: str | None
) -> None:
    set_policy(client, policy)

    response = client.post(f"/v1/events/{T}/versions", json={"schema": V2, "upcaster": 5})

    assert response.status_code == 422, response.text
    assert response.json()["problems"][0]["code"] == "INVALID_DOCUMENT"
    assert_only_v1(client, parcel)


def test_under_the_policy_a_shortcut_upcaster_does_not_excuse_the_previous_version(
    client: httpx.Client, parcel: int
) -> None:
    # v2 adds a note (implicit edge from v1); v3 needs weight_g, which v2 events lack. An
    # upcaster from v1 alone would leave v2 events unreadable as v3: the policy refuses it.
    post = client.post(f"/subjects/{T}/versions", json={"schema": V2_NOTE})
    assert post.status_code == 200, post.text
    set_policy(client, POLICY)
    v3 = avro([ID, KG, NOTE, GRAMS])

    response = post_version(client, v3, {"from": 1, **VALID})

    assert response.status_code == 409, response.text
    assert "cannot be read from v2 without an upcaster" in response.json()["detail"]
    assert client.get(f"/subjects/{T}/versions").json() == [1, 2]
    assert upcasters_at(client, 3) == []

    direct = post_version(client, v3, VALID)
    assert direct.status_code == 201, direct.text
    assert direct.json()["upcaster"]["from_version"] == 2


def test_a_first_version_arrives_with_a_rename_from_another_type(client: httpx.Client) -> None:
    old_id = register(client, avro([ID, KG], OLD), OLD)
    rename = {"rename_type": {"from": OLD, "from_version": 1, "to": T, "to_version": 1}}

    response = post_version(client, V1, rename)

    assert response.status_code == 201, response.text
    assert (response.json()["version"], response.json()["id"]) == (1, old_id + 1)
    [edge] = upcasters_at(client, 1)
    assert (edge["event"], edge["from_version"]) == (OLD, 1)
    ancestors = client.get(f"/v1/events/{T}/ancestors").json()
    assert OLD in str(ancestors)


def test_a_first_version_with_an_upcaster_from_nowhere_is_refused_and_not_written(
    client: httpx.Client,
) -> None:
    response = post_version(client, V1, VALID)

    assert response.status_code == 422, response.text
    assert "from" in response.json()["detail"]
    assert client.get(f"/subjects/{T}/versions").status_code == 404
