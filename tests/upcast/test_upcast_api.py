"""The REST surface: upcaster CRUD under an event's versions, POST /v1/upcast, plans, the
BACKWARD_OR_UPCASTABLE gate (AC-GATE) and export/import (AC-PERSIST), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import fastavro
import pytest
from fastapi.testclient import TestClient

from evcat.app import create_app
from evcat.settings import Settings
from evcat.upcast.read.wire import header, read_header
from tests.upcast.order_schemas import SPEC_1_2, V1, V1_EVENT

T = "shop.OrderPlaced"
FIELDS_1 = V1.model.schema["fields"]


def schema(fields: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "record", "name": T, "fields": fields})


CUSTOMER = {
    "name": "customer",
    "type": {
        "type": "record",
        "name": "shop.Customer",
        "fields": [{"name": "full_name", "type": "string"}],
    },
}
V1_TEXT = schema(FIELDS_1)
V2_TEXT = schema([FIELDS_1[0], CUSTOMER, *FIELDS_1[2:]])
V3_TEXT = schema(
    [FIELDS_1[0], CUSTOMER, *FIELDS_1[2:], {"name": "channel", "type": "string", "default": "web"}]
)


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, migrate=True)) as client:
        yield client


def register(api: TestClient, text: str, subject: str = T) -> int:
    response = api.post(f"/subjects/{subject}/versions", json={"schema": text})
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


@pytest.fixture
def lineage(api: TestClient) -> TestClient:
    api.put(f"/config/{T}", json={"compatibility": "NONE"})
    for text in (V1_TEXT, V2_TEXT, V3_TEXT):
        register(api, text)
    return api


def test_an_upcaster_is_registered_under_its_target_version_with_a_report(
    lineage: TestClient,
) -> None:
    created = lineage.post(f"/v1/events/{T}/versions/2/upcasters", json={"ops": SPEC_1_2["ops"]})

    assert created.status_code == 201, created.text
    [listed] = lineage.get(f"/v1/events/{T}/versions/2/upcasters").json()
    assert (listed["from_version"], listed["kind"]) == (1, "declarative")
    assert listed["fingerprint"].startswith("sha256:")
    assert listed["report"]["passed"] and listed["report"]["sample_count"] >= 200


def test_ac_static_via_rest_unknown_source_path_is_a_422_problem(lineage: TestClient) -> None:
    response = lineage.post(
        f"/v1/events/{T}/versions/2/upcasters",
        json={"ops": [{"rename": {"from": "customer_nam", "to": "customer.full_name"}}]},
    )

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "UNKNOWN_SOURCE_PATH" in [p["code"] for p in response.json()["problems"]]


def test_a_second_upcaster_between_the_same_versions_needs_replace(lineage: TestClient) -> None:
    url = f"/v1/events/{T}/versions/2/upcasters"
    assert lineage.post(url, json={"ops": SPEC_1_2["ops"]}).status_code == 201

    assert lineage.post(url, json={"ops": SPEC_1_2["ops"]}).status_code == 409
    assert (
        lineage.post(url, params={"replace": "true"}, json={"ops": SPEC_1_2["ops"]}).status_code
        == 201
    )


def test_a_deleted_upcaster_is_gone(lineage: TestClient) -> None:
    url = f"/v1/events/{T}/versions/2/upcasters"
    lineage.post(url, json={"ops": SPEC_1_2["ops"]})

    assert lineage.delete(f"{url}/1").status_code == 200
    assert lineage.get(f"{url}/1").status_code == 404


def test_post_upcast_reads_events_as_the_latest_version(lineage: TestClient) -> None:
    lineage.post(f"/v1/events/{T}/versions/2/upcasters", json={"ops": SPEC_1_2["ops"]})

    response = lineage.post(
        "/v1/upcast", json={"events": [{"type": T, "version": 1, "id": "e-1", "data": V1_EVENT}]}
    )

    assert response.status_code == 200, response.text
    [event] = response.json()["events"]
    assert (event["type"], event["version"], event["id"]) == (T, 3, "e-1")
    assert event["data"]["customer"] == {"full_name": "Ada Lovelace"}
    assert event["data"]["channel"] == "web"


def test_post_upcast_reframes_wire_payloads(lineage: TestClient) -> None:
    lineage.post(f"/v1/events/{T}/versions/2/upcasters", json={"ops": SPEC_1_2["ops"]})
    ids = [v["id"] for v in (lineage.get(f"/subjects/{T}/versions/{n}").json() for n in (1, 3))]
    buffer = io.BytesIO(header(ids[0]))
    buffer.seek(5)
    fastavro.schemaless_writer(buffer, V1.model.fastavro_schema, V1_EVENT)

    response = lineage.post(
        "/v1/upcast", json={"wire": [base64.b64encode(buffer.getvalue()).decode()]}
    )

    [frame] = response.json()["wire"]
    assert read_header(base64.b64decode(frame)) == ids[1]


def test_post_upcast_a_frame_whose_data_does_not_decode_is_a_400(lineage: TestClient) -> None:
    lineage.post(f"/v1/events/{T}/versions/2/upcasters", json={"ops": SPEC_1_2["ops"]})
    v1_id = lineage.get(f"/subjects/{T}/versions/1").json()["id"]
    truncated = header(v1_id) + b"\x40ab"

    response = lineage.post("/v1/upcast", json={"wire": [base64.b64encode(truncated).decode()]})

    assert response.status_code == 400, response.text
    assert f"not valid for schema id {v1_id}" in response.json()["detail"]


def test_a_gap_in_the_graph_is_a_422_with_the_problem(lineage: TestClient) -> None:
    response = lineage.post(
        "/v1/upcast", json={"events": [{"type": T, "version": 1, "data": V1_EVENT}]}
    )

    assert response.status_code == 422
    assert response.json()["problems"][0]["code"] == "GAP"


def test_plan_and_ancestors_describe_the_route(lineage: TestClient) -> None:
    lineage.post(f"/v1/events/{T}/versions/2/upcasters", json={"ops": SPEC_1_2["ops"]})

    plan = lineage.get(f"/v1/events/{T}/plan", params={"version": 1}).json()
    ancestors = lineage.get(f"/v1/events/{T}/ancestors").json()

    assert [step["edge"].split()[0] for step in plan["plan"]] == ["declarative", "resolution"]
    assert plan["plan"][1]["steps"] == ["set_default channel"]
    assert ancestors == [{"type": T, "versions": [1, 2, 3]}]


SPLIT_3 = schema(
    [
        FIELDS_1[0],
        {
            "name": "customer",
            "type": {
                "type": "record",
                "name": "shop.Customer",
                "fields": [{"name": "first", "type": "string"}, {"name": "last", "type": "string"}],
            },
        },
        *FIELDS_1[2:],
        {"name": "channel", "type": "string", "default": "web"},
    ]
)
SPLIT = {
    "ops": [{"split": {"from": "customer.full_name", "into": ["customer.first", "customer.last"]}}]
}


@pytest.fixture
def gated(api: TestClient) -> TestClient:
    register(api, V1_TEXT)
    assert (
        api.put(
            f"/v1/events/{T}/upcast-policy", json={"policy": "BACKWARD_OR_UPCASTABLE"}
        ).status_code
        == 200
    )
    second = api.post(
        f"/v1/events/{T}/versions", json={"schema": V2_TEXT, "upcaster": {"ops": SPEC_1_2["ops"]}}
    )
    assert second.status_code == 201, second.text
    return api


def test_ac_gate_an_incompatible_version_without_an_upcaster_is_rejected(
    gated: TestClient,
) -> None:
    response = gated.post(f"/v1/events/{T}/versions", json={"schema": SPLIT_3})

    assert response.status_code == 409
    assert "without an upcaster" in response.json()["detail"]
    assert [v for v in gated.get(f"/subjects/{T}/versions").json()] == [1, 2]


def test_ac_gate_the_same_version_with_a_valid_split_edge_is_accepted_with_a_report(
    gated: TestClient,
) -> None:
    response = gated.post(f"/v1/events/{T}/versions", json={"schema": SPLIT_3, "upcaster": SPLIT})

    assert response.status_code == 201, response.text
    assert response.json()["version"] == 3
    [edge] = gated.get(f"/v1/events/{T}/versions/3/upcasters").json()
    assert edge["report"]["passed"] is True
    assert edge["report"]["sample_count"] >= 200


def test_gate_accepts_a_version_the_format_resolves_by_itself(gated: TestClient) -> None:
    response = gated.post(f"/v1/events/{T}/versions", json={"schema": V3_TEXT})

    assert response.status_code == 201, response.text


def test_ac_persist_export_and_import_keep_fingerprints_and_plans(
    lineage: TestClient, tmp_path: Any
) -> None:
    lineage.post(f"/v1/events/{T}/versions/2/upcasters", json={"ops": SPEC_1_2["ops"]})
    exported = [lineage.get(f"/subjects/{T}/versions/{n}").json() for n in (1, 2, 3)]
    edges = lineage.get(f"/v1/events/{T}/versions/2/upcasters").json()

    elsewhere = Settings(db_url=f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with TestClient(create_app(elsewhere, migrate=True)) as other:
        other.put(f"/mode/{T}", json={"mode": "IMPORT"})
        for version in exported:
            other.post(
                f"/subjects/{T}/versions",
                json={
                    "schema": version["schema"],
                    "id": version["id"],
                    "version": version["version"],
                },
            )
        other.put(f"/mode/{T}", json={"mode": "READWRITE"})
        for edge in edges:
            other.post(f"/v1/events/{T}/versions/{edge['to_version']}/upcasters", json=edge["spec"])
        again = other.get(f"/v1/events/{T}/versions/2/upcasters").json()
        plans = {
            n: other.get(f"/v1/events/{T}/plan", params={"version": n}).json() for n in (1, 2, 3)
        }

    assert [e["fingerprint"] for e in again] == [e["fingerprint"] for e in edges]
    assert plans == {
        n: lineage.get(f"/v1/events/{T}/plan", params={"version": n}).json() for n in (1, 2, 3)
    }


def test_a_document_contradicting_its_url_is_refused(lineage: TestClient) -> None:
    response = lineage.post(f"/v1/events/{T}/versions/3/upcasters", json=SPEC_1_2)

    assert response.status_code == 422
    assert response.json()["problems"][0]["code"] == "INVALID_DOCUMENT"


def test_gate_leaves_no_gap_when_storing_the_edge_fails(api: TestClient) -> None:
    # An edge left behind by a permanently deleted v2 makes storing the new v2's edge fail
    # only after the version row is written: the registration must go with it.
    register(api, V1_TEXT)
    api.put(f"/v1/events/{T}/upcast-policy", json={"policy": "BACKWARD_OR_UPCASTABLE"})
    upcaster = {"ops": SPEC_1_2["ops"]}
    first = api.post(f"/v1/events/{T}/versions", json={"schema": V2_TEXT, "upcaster": upcaster})
    assert first.status_code == 201, first.text
    assert api.delete(f"/subjects/{T}/versions/2").status_code == 200
    assert api.delete(f"/subjects/{T}/versions/2", params={"permanent": "true"}).status_code == 200

    again = api.post(f"/v1/events/{T}/versions", json={"schema": V2_TEXT, "upcaster": upcaster})

    assert again.status_code == 409, again.text
    assert api.get(f"/subjects/{T}/versions").json() == [1]
    assert "GAP" not in {p["code"] for p in api.get("/v1/upcast/problems").json()}


def test_upcaster_settings_keep_their_environment_variable_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EVCAT_UPCASTER_MODULES", "a.upcasters, b.upcasters")
    monkeypatch.setenv("EVCAT_UPCASTER_CODE_DRIFT", "fail")
    monkeypatch.setenv("EVCAT_UPCASTER_SAMPLES", "7")
    monkeypatch.setenv("EVCAT_UPCASTER_MAX_BATCH", "3")

    settings = Settings()

    assert settings.upcaster_module_list == ["a.upcasters", "b.upcasters"]
    assert (settings.upcaster_code_drift, settings.upcaster_samples) == ("fail", 7)
    assert settings.upcaster_max_batch == 3


def test_a_batch_above_the_configured_maximum_is_refused(settings: Settings) -> None:
    small = settings.model_copy(update={"upcaster_max_batch": 1})
    with TestClient(create_app(small, migrate=True)) as client:
        register(client, V1_TEXT)
        event = {"type": T, "version": 1, "data": V1_EVENT}

        response = client.post("/v1/upcast", json={"events": [event, event]})

    assert response.status_code == 400
    assert "at most 1 events" in response.text


def test_get_upcasters_lists_every_stored_edge_in_one_answer(lineage: TestClient) -> None:
    lineage.post(f"/v1/events/{T}/versions/2/upcasters", json={"ops": SPEC_1_2["ops"]})

    response = lineage.get("/v1/upcasters")

    assert response.status_code == 200, response.text
    [edge] = response.json()
    assert (edge["event"], edge["from_version"], edge["to_version"]) == (T, 1, 2)
    assert edge["spec"]["ops"] == SPEC_1_2["ops"]
    assert (
        edge["fingerprint"]
        == lineage.get(f"/v1/events/{T}/versions/2/upcasters").json()[0]["fingerprint"]
    )
