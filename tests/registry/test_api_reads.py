"""Read routes, compatibility routes and the protocol quirks real clients depend on."""

from __future__ import annotations

import httpx

from tests.registry.schemas import ORDER_V1, ORDER_V2, avro_record, body

NOTE_WITHOUT_DEFAULT = avro_record("Order", {"name": "note", "type": "string"})


def setup_orders(client: httpx.Client) -> None:
    for schema in (ORDER_V1, ORDER_V2):
        assert client.post("/subjects/orders-value/versions", json=body(schema)).status_code == 200


def test_root_answers_an_empty_object(client: httpx.Client) -> None:
    assert client.get("/").json() == {}


def test_schema_types_lists_all_three(client: httpx.Client) -> None:
    assert sorted(client.get("/schemas/types").json()) == ["AVRO", "JSON", "PROTOBUF"]


def test_contexts_lists_the_default_context(client: httpx.Client) -> None:
    assert client.get("/contexts").json() == ["."]


def test_metadata_routes_answer(client: httpx.Client) -> None:
    assert "schema-registry-cluster" in client.get("/v1/metadata/id").json()["scope"]["clusters"]
    assert "version" in client.get("/v1/metadata/version").json()


def test_associations_answer_an_empty_list(client: httpx.Client) -> None:
    answer = client.get("/associations/resources/-/orders?resourceType=topic")
    assert (answer.status_code, answer.json()) == (200, [])


def test_schema_by_id_and_its_raw_text(client: httpx.Client) -> None:
    setup_orders(client)
    by_id = client.get("/schemas/ids/2").json()
    assert by_id["schema"] == client.get("/schemas/ids/2/schema").text
    assert "references" not in by_id


def test_unknown_schema_id_is_40403(client: httpx.Client) -> None:
    answer = client.get("/schemas/ids/999")
    assert (answer.status_code, answer.json()["error_code"]) == (404, 40403)


def test_schema_versions_and_subjects_by_id(client: httpx.Client) -> None:
    setup_orders(client)
    client.post("/subjects/copy-value/versions", json=body(ORDER_V1))
    assert client.get("/schemas/ids/1/subjects").json() == ["copy-value", "orders-value"]
    assert client.get("/schemas/ids/1/versions").json() == [
        {"subject": "copy-value", "version": 1},
        {"subject": "orders-value", "version": 1},
    ]


def test_schema_by_guid(client: httpx.Client) -> None:
    setup_orders(client)
    guid = client.get("/schemas/ids/1").json()["guid"]
    answer = client.get(f"/schemas/guids/{guid}").json()
    assert answer["id"] == 1
    assert client.get(f"/schemas/guids/{guid}/ids").json() == [{"context": ".", "id": 1}]


def test_schemas_listing_with_latest_only(client: httpx.Client) -> None:
    setup_orders(client)
    listed = client.get("/schemas").json()
    assert [(s["subject"], s["version"]) for s in listed] == [
        ("orders-value", 1),
        ("orders-value", 2),
    ]
    latest = client.get("/schemas?latestOnly=true").json()
    assert [(s["subject"], s["version"]) for s in latest] == [("orders-value", 2)]


def test_latest_and_minus_one_are_the_same_version(client: httpx.Client) -> None:
    setup_orders(client)
    latest = client.get("/subjects/orders-value/versions/latest").json()
    assert latest == client.get("/subjects/orders-value/versions/-1").json()
    assert latest["version"] == 2


def test_invalid_version_is_42202(client: httpx.Client) -> None:
    setup_orders(client)
    for bad in ("0", "-2", "abc", "2147483648"):
        answer = client.get(f"/subjects/orders-value/versions/{bad}")
        assert (answer.status_code, answer.json()["error_code"]) == (422, 42202), bad


def test_unknown_subject_versions_is_40401(client: httpx.Client) -> None:
    assert client.get("/subjects/nobody/versions").json()["error_code"] == 40401
    assert client.get("/subjects/nobody/versions/1").json()["error_code"] == 40401


def test_version_raw_schema_text(client: httpx.Client) -> None:
    setup_orders(client)
    text = client.get("/subjects/orders-value/versions/1/schema").text
    assert text == client.get("/schemas/ids/1").json()["schema"]


def test_subject_prefix_filters_subjects(client: httpx.Client) -> None:
    setup_orders(client)
    client.post("/subjects/payments-value/versions", json=body(ORDER_V1))
    assert client.get("/subjects?subjectPrefix=pay").json() == ["payments-value"]


def test_pagination_with_offset_and_limit(client: httpx.Client) -> None:
    for name in ("a", "b", "c"):
        client.post(f"/subjects/{name}/versions", json=body(ORDER_V1))
    assert client.get("/subjects?offset=1&limit=1").json() == ["b"]


def test_subject_with_slash_routes_when_percent_encoded(client: httpx.Client) -> None:
    answer = client.post("/subjects/acme%2Faddress.proto/versions", json=body(ORDER_V1))
    assert answer.status_code == 200
    assert client.get("/subjects").json() == ["acme/address.proto"]
    latest = client.get("/subjects/acme%2Faddress.proto/versions/latest").json()
    assert latest["subject"] == "acme/address.proto"


def test_compatibility_against_latest(client: httpx.Client) -> None:
    setup_orders(client)
    ok = client.post("/compatibility/subjects/orders-value/versions/latest", json=body(ORDER_V2))
    assert ok.json() == {"is_compatible": True}
    bad = client.post(
        "/compatibility/subjects/orders-value/versions/latest?verbose=true",
        json=body(NOTE_WITHOUT_DEFAULT),
    ).json()
    assert bad["is_compatible"] is False
    assert any("READER_FIELD_MISSING_DEFAULT_VALUE" in m for m in bad["messages"])


def test_compatibility_all_versions_with_trailing_slash(client: httpx.Client) -> None:
    setup_orders(client)
    answer = client.post(
        "/compatibility/subjects/orders-value/versions/?verbose=True", json=body(ORDER_V2)
    )
    assert answer.json() == {"is_compatible": True, "messages": []}


def test_compatibility_of_unknown_version_is_40402(client: httpx.Client) -> None:
    setup_orders(client)
    answer = client.post("/compatibility/subjects/orders-value/versions/9", json=body(ORDER_V2))
    assert answer.json()["error_code"] == 40402


def test_compatibility_against_empty_subject_is_compatible(client: httpx.Client) -> None:
    answer = client.post("/compatibility/subjects/new-value/versions/latest", json=body(ORDER_V1))
    assert answer.json() == {"is_compatible": True}


def test_verbose_compatibility_reports_invalid_schema_as_message(client: httpx.Client) -> None:
    setup_orders(client)
    answer = client.post(
        "/compatibility/subjects/orders-value/versions/latest?verbose=true",
        json=body("{oops"),
    ).json()
    assert answer["is_compatible"] is False
    assert answer["messages"]


def test_unknown_route_is_a_confluent_404(client: httpx.Client) -> None:
    answer = client.get("/no/such/route")
    assert answer.status_code == 404
    assert set(answer.json()) == {"error_code", "message"}


def test_wrong_method_is_a_confluent_405(client: httpx.Client) -> None:
    answer = client.put("/subjects")
    assert (answer.status_code, answer.json()["error_code"]) == (405, 405)


def test_malformed_json_is_400(client: httpx.Client) -> None:
    answer = client.post(
        "/subjects/orders-value/versions",
        content=b"{nope",
        headers={"Content-Type": "application/vnd.schemaregistry.v1+json"},
    )
    assert (answer.status_code, answer.json()["error_code"]) == (400, 400)


def test_octet_stream_body_is_read_as_json(client: httpx.Client) -> None:
    answer = client.post(
        "/subjects/orders-value/versions",
        content=httpx.Request("POST", "/", json=body(ORDER_V1)).content,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 200


def test_responses_use_the_schema_registry_media_type(client: httpx.Client) -> None:
    answer = client.get("/subjects")
    assert answer.headers["content-type"] == "application/vnd.schemaregistry.v1+json"


def test_oversized_body_is_refused_with_a_clear_error(client: httpx.Client) -> None:
    huge = "x" * (3 * 1024 * 1024)
    answer = client.post("/subjects/orders-value/versions", json={"schema": huge})
    assert answer.status_code == 413
    assert "bytes" in answer.json()["message"]


def test_reserved_subject_name_is_42208(client: httpx.Client) -> None:
    answer = client.post("/subjects/__GLOBAL/versions", json=body(ORDER_V1))
    assert answer.json()["error_code"] == 42208


def test_latest_with_metadata_picks_the_newest_matching_version(client: httpx.Client) -> None:
    owned = {"properties": {"owner": "shop", "tier": "gold"}}
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1, metadata=owned))
    handed_over = {"properties": {"owner": "billing", "tier": "gold"}}
    client.post("/subjects/orders-value/versions", json=body(ORDER_V2, metadata=handed_over))
    found = client.get("/subjects/orders-value/metadata?key=owner&value=shop").json()
    assert found["version"] == 1
    missing = client.get("/subjects/orders-value/metadata?key=owner&value=nobody")
    assert missing.json()["error_code"] == 40403


def test_schema_id_beyond_32_bits_is_40403_not_a_server_error(client: httpx.Client) -> None:
    answer = client.get("/schemas/ids/99999999999999999999")
    assert (answer.status_code, answer.json()["error_code"]) == (404, 40403)


def test_nul_character_in_a_subject_is_a_clear_400(client: httpx.Client) -> None:
    answer = client.get("/subjects/bad%00name/versions")
    assert (answer.status_code, answer.json()["error_code"]) == (400, 400)
    assert "NUL" in answer.json()["message"]
