"""One renderer, three shapes: each route family answers every error in its own shape.

Over real HTTP, on SQLite and PostgreSQL: Confluent routes answer ``{error_code, message}``,
``/v1`` routes RFC 7807 problems with a ``problems`` list, ``/catalog/`` an HTML page.
"""

from __future__ import annotations

import json

import httpx

from tests.registry.schemas import ORDER_V1, body

CONFLUENT = "application/vnd.schemaregistry.v1+json"
PROBLEM = "application/problem+json"


def test_confluent_route_error_is_error_code_and_message(client: httpx.Client) -> None:
    answer = client.get("/subjects/nothing/versions")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == CONFLUENT
    assert answer.json() == {"error_code": 40401, "message": "Subject 'nothing' not found."}


def test_v1_error_is_a_problem_whose_type_and_title_name_the_code(client: httpx.Client) -> None:
    answer = client.post("/v1/subjects/orders-value/compatibility", json=body("{broken"))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert (problem["type"], problem["title"], problem["error_code"]) == (
        "/v1/errors/42201",
        "Invalid schema",
        42201,
    )
    assert problem["problems"] == [{"message": problem["detail"]}]


def test_problem_type_is_served_as_the_codes_description(client: httpx.Client) -> None:
    problem = client.post("/v1/subjects/x/compatibility", json=body("{broken")).json()
    described = client.get(problem["type"])
    assert described.status_code == 200
    assert described.json()["title"] == problem["title"]
    assert described.json()["status"] == 422
    assert "does not parse" in described.json()["description"]


def test_every_error_code_is_listed_once_at_v1_errors(client: httpx.Client) -> None:
    codes = [entry["error_code"] for entry in client.get("/v1/errors").json()]
    assert 40401 in codes and 42230 in codes and 42250 in codes
    assert len(codes) == len(set(codes))


def test_unknown_error_code_is_a_404_problem(client: httpx.Client) -> None:
    answer = client.get("/v1/errors/99999")
    assert answer.status_code == 404
    assert answer.json()["type"] == "about:blank"
    assert answer.json()["title"] == "Not Found"


def test_catalog_problems_are_listed_with_file_line_and_path(client: httpx.Client) -> None:
    documents = "kind: Team\nid: a\n---\nkind: Channel\nid: x\nowner: ghost\n"
    answer = client.post(
        "/v1/catalog/apply", content=documents, headers={"content-type": "application/yaml"}
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["error_code"] == 42230
    assert problem["detail"].startswith("1 problem in the catalog, nothing written")
    [item] = problem["problems"]
    assert set(item) == {"file", "line", "path", "message"}
    assert "ghost" in item["message"]


def test_request_validation_lists_each_mismatch_as_a_problem(client: httpx.Client) -> None:
    answer = client.get("/v1/domains", params={"limit": 0, "offset": -1})
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["error_code"] == 422
    assert sorted(item["path"] for item in problem["problems"]) == ["query.limit", "query.offset"]


def test_upcaster_problems_keep_their_codes(client: httpx.Client) -> None:
    schema = json.dumps({"type": "record", "name": "E", "fields": [{"name": "a", "type": "int"}]})
    assert client.post("/subjects/e/versions", json=body(schema)).status_code == 200
    answer = client.post(
        "/v1/events/e/versions/1/upcasters", json={"from": 1, "ops": [{"nonsense": {}}]}
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"] == "/v1/errors/42250"
    assert all("code" in item and "message" in item for item in problem["problems"])


def test_website_error_is_an_html_page(client: httpx.Client) -> None:
    answer = client.get("/catalog/events/no.such.Event")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Event &#39;no.such.Event&#39; not found" in answer.text


def test_unknown_confluent_route_is_a_confluent_404(client: httpx.Client) -> None:
    answer = client.get("/subjects/a/versions/1/nothing")
    assert answer.status_code == 404
    assert answer.json() == {"error_code": 404, "message": "HTTP 404 Not Found"}


def test_wrong_method_on_a_confluent_route_names_the_allowed_ones(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    answer = client.put("/schemas/ids/1")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"
    assert answer.json()["error_code"] == 405


def test_wrong_method_on_a_v1_route_names_every_method_of_the_path(
    client: httpx.Client,
) -> None:
    answer = client.patch("/v1/events/e/versions/1/upcasters")
    assert answer.status_code == 405
    assert answer.headers["content-type"] == PROBLEM
    assert answer.headers["allow"] == "GET, POST"


def test_wrong_method_on_a_website_page_is_an_html_405_with_allow(client: httpx.Client) -> None:
    answer = client.delete("/catalog/lineage")
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["allow"] == "GET"
