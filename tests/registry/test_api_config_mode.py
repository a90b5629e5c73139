"""Config and mode routes: levels, merge semantics, 40408/40409, READONLY and IMPORT."""

from __future__ import annotations

import httpx

from tests.registry.schemas import ORDER_BREAKING, ORDER_V1, ORDER_V2, body


def test_global_config_defaults_to_backward(client: httpx.Client) -> None:
    assert client.get("/config").json() == {"compatibilityLevel": "BACKWARD"}


def test_put_global_config_echoes_the_compatibility_key(client: httpx.Client) -> None:
    assert client.put("/config", json={"compatibility": "full"}).json() == {"compatibility": "FULL"}
    assert client.get("/config").json()["compatibilityLevel"] == "FULL"


def test_trailing_slash_config_route_works_without_redirect(client: httpx.Client) -> None:
    assert client.put("/config/", json={"compatibility": "NONE"}).status_code == 200
    assert client.get("/config/").json()["compatibilityLevel"] == "NONE"


def test_invalid_level_is_42203(client: httpx.Client) -> None:
    answer = client.put("/config", json={"compatibility": "SIDEWAYS"})
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42203)


def test_subject_without_config_is_40408(client: httpx.Client) -> None:
    answer = client.get("/config/orders-value")
    assert (answer.status_code, answer.json()["error_code"]) == (404, 40408)


def test_default_to_global_falls_back_to_the_global_level(client: httpx.Client) -> None:
    client.put("/config", json={"compatibility": "FORWARD"})
    answer = client.get("/config/orders-value?defaultToGlobal=true")
    assert answer.json()["compatibilityLevel"] == "FORWARD"


def test_subject_config_overrides_global_for_registration(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"compatibility": "NONE"})
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    answer = client.post("/subjects/orders-value/versions", json=body(ORDER_BREAKING))
    assert answer.status_code == 200


def test_config_put_merges_and_null_clears(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"compatibility": "FULL", "normalize": True})
    client.put("/config/orders-value", json={"compatibilityPolicy": "lenient"})
    assert client.get("/config/orders-value").json() == {
        "compatibilityLevel": "FULL",
        "normalize": True,
        "compatibilityPolicy": "LENIENT",
    }
    client.put("/config/orders-value", json={"normalize": None})
    assert "normalize" not in client.get("/config/orders-value").json()


def test_delete_subject_config_returns_it(client: httpx.Client) -> None:
    client.put("/config/orders-value", json={"compatibility": "FULL"})
    assert client.delete("/config/orders-value").json() == {"compatibilityLevel": "FULL"}
    assert client.get("/config/orders-value").json()["error_code"] == 40408


def test_delete_unset_subject_config_is_40401(client: httpx.Client) -> None:
    assert client.delete("/config/orders-value").json()["error_code"] == 40401


def test_global_mode_defaults_to_readwrite(client: httpx.Client) -> None:
    assert client.get("/mode").json() == {"mode": "READWRITE"}


def test_subject_without_mode_is_40409(client: httpx.Client) -> None:
    assert client.get("/mode/orders-value").json()["error_code"] == 40409


def test_invalid_mode_is_42204(client: httpx.Client) -> None:
    answer = client.put("/mode", json={"mode": "SLEEPY"})
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42204)


def test_readonly_subject_refuses_registration_but_serves_reads(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    assert client.put("/mode/orders-value", json={"mode": "READONLY"}).json() == {
        "mode": "READONLY"
    }
    answer = client.post("/subjects/orders-value/versions", json=body(ORDER_V2))
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42205)
    assert client.get("/subjects/orders-value/versions/latest").status_code == 200
    assert client.delete("/subjects/orders-value").json()["error_code"] == 42205


def test_readonly_still_returns_an_already_registered_schema(client: httpx.Client) -> None:
    first = client.post("/subjects/orders-value/versions", json=body(ORDER_V1)).json()
    client.put("/mode/orders-value", json={"mode": "READONLY"})
    again = client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    assert again.json()["id"] == first["id"]


def test_import_mode_needs_an_empty_registry_unless_forced(client: httpx.Client) -> None:
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    answer = client.put("/mode", json={"mode": "IMPORT"})
    assert answer.json()["error_code"] == 42205
    assert client.put("/mode?force=True", json={"mode": "IMPORT"}).json() == {"mode": "IMPORT"}


def test_import_mode_registers_with_explicit_ids_and_versions(client: httpx.Client) -> None:
    client.put("/mode", json={"mode": "IMPORT"})
    answer = client.post("/subjects/orders-value/versions", json=body(ORDER_V1, id=42, version=7))
    assert answer.json()["id"] == 42
    assert answer.json()["version"] == 7
    assert client.get("/schemas/ids/42").status_code == 200
    client.put("/mode", json={"mode": "READWRITE"})
    fresh = client.post("/subjects/other-value/versions", json=body(ORDER_V2)).json()
    assert fresh["id"] == 43


def test_import_mode_refuses_registration_without_id(client: httpx.Client) -> None:
    client.put("/mode", json={"mode": "IMPORT"})
    answer = client.post("/subjects/orders-value/versions", json=body(ORDER_V1))
    assert answer.json()["error_code"] == 42205


def test_import_refuses_to_overwrite_an_id_with_other_content(client: httpx.Client) -> None:
    client.put("/mode", json={"mode": "IMPORT"})
    client.post("/subjects/orders-value/versions", json=body(ORDER_V1, id=5))
    answer = client.post("/subjects/other-value/versions", json=body(ORDER_V2, id=5))
    assert answer.json()["error_code"] == 42205


def test_id_outside_import_mode_is_42205(client: httpx.Client) -> None:
    answer = client.post("/subjects/orders-value/versions", json=body(ORDER_V1, id=9))
    assert answer.json()["error_code"] == 42205


def test_delete_subject_mode_returns_it(client: httpx.Client) -> None:
    client.put("/mode/orders-value", json={"mode": "READONLY"})
    assert client.delete("/mode/orders-value").json() == {"mode": "READONLY"}
    assert client.get("/mode/orders-value?defaultToGlobal=true").json() == {"mode": "READWRITE"}


def test_readonly_refuses_config_changes_but_allows_leaving_readonly(
    client: httpx.Client,
) -> None:
    client.put("/mode", json={"mode": "READONLY"})
    answer = client.put("/config", json={"compatibility": "NONE"})
    assert (answer.status_code, answer.json()["error_code"]) == (422, 42205)
    assert client.put("/mode", json={"mode": "READWRITE"}).json() == {"mode": "READWRITE"}
    assert client.put("/config", json={"compatibility": "NONE"}).status_code == 200
