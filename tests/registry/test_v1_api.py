"""evcat's own /v1 registry routes: structured incompatibilities and RFC 7807 errors."""

from __future__ import annotations

import httpx

from tests.registry.schemas import ORDER_V1, ORDER_V2, avro_record, body


def test_v1_compatibility_lists_rule_path_version_and_fix(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    breaking = avro_record("Order", {"name": "qty", "type": "int"})
    answer = client.post("/v1/subjects/orders-value/compatibility", json=body(breaking))
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["compatible"] is False
    assert result["level"] == "BACKWARD"
    [issue] = result["incompatibilities"]
    assert issue["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert issue["version"] == 1
    assert issue["direction"] == "BACKWARD"
    assert "qty" in issue["fix"]
    assert issue["path"]


def test_v1_compatibility_of_compatible_schema_is_empty(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    result = client.post("/v1/subjects/orders-value/compatibility", json=body(ORDER_V2)).json()
    assert result == {
        "subject": "orders-value",
        "compatible": True,
        "level": "BACKWARD",
        "incompatibilities": [],
    }


def test_v1_errors_are_problem_details(client: httpx.Client) -> None:
    answer = client.post("/v1/subjects/orders-value/compatibility", json=body("{broken"))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 422
    assert problem["error_code"] == 42201
    assert problem["detail"]


def test_a_problem_title_is_the_codes_title_whatever_the_detail(client: httpx.Client) -> None:
    broken = client.post("/v1/subjects/orders-value/compatibility", json=body("{broken"))
    empty = client.post("/v1/subjects/orders-value/compatibility", json=body(""))
    missing = client.get("/v1/nothing-here")

    assert broken.json()["detail"] != empty.json()["detail"]
    assert broken.json()["title"] == empty.json()["title"] == "Invalid schema"
    # A bare HTTP status is type about:blank, titled with the status phrase (RFC 7807 4.2).
    assert (missing.json()["type"], missing.json()["title"]) == ("about:blank", "Not Found")


def test_v1_unknown_route_is_a_problem_404(client: httpx.Client) -> None:
    answer = client.get("/v1/nothing-here")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
