"""Every registry write leaves exactly one audit record; refused writes leave none.

Over real HTTP through the Confluent API, on SQLite and PostgreSQL. Why refused writes leave
no record (an incompatible schema, a read-only subject): they change nothing, and recording
them would let any caller grow a table that can never be pruned; refused sign-ins are the
exception (tests/audit/test_sign_in.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from tests.audit.conftest import avro, records

SUBJECT = "orders-value"
V1 = avro("Order", "id")
V2 = avro("Order", "id", "note", defaults=True)


def register(client: httpx.Client, text: str, subject: str = SUBJECT) -> Any:
    answer = client.post(f"/subjects/{subject}/versions", json={"schema": text})
    assert answer.status_code == 200, answer.text
    return answer.json()


def only_new(client: httpx.Client, mark: int) -> dict[str, Any]:
    """The one record appended since the trail held ``mark`` records."""
    added = records(client)[mark:]
    assert len(added) == 1, added
    return added[0]


def test_a_registration_is_recorded_with_who_where_and_a_digest_of_the_schema(
    client: httpx.Client,
) -> None:
    registered = register(client, V1)

    [entry] = records(client)

    assert entry["principal"] == "anonymous"
    assert (entry["action"], entry["resource"], entry["outcome"]) == (
        "schema.register",
        "subject:orders-value",
        "success",
    )
    assert entry["client"] == "127.0.0.1"
    assert isinstance(entry["request_id"], str) and entry["request_id"]
    assert entry["before"] is None
    assert entry["after"]["version"] == 1 and entry["after"]["id"] == registered["id"]
    stored = registered["schema"]
    assert entry["after"]["schema_sha256"] == hashlib.sha256(stored.encode()).hexdigest()
    assert "fields" not in json.dumps(entry), "the schema text itself stays out of the trail"


def test_a_second_version_names_the_version_it_follows(client: httpx.Client) -> None:
    first = register(client, V1)
    register(client, V2)

    entry = records(client)[-1]

    assert entry["before"] == {"version": 1, "id": first["id"]}
    assert entry["after"]["version"] == 2


def test_registering_the_same_schema_again_records_nothing(client: httpx.Client) -> None:
    register(client, V1)

    register(client, V1)

    assert len(records(client)) == 1


def test_an_incompatible_registration_is_refused_and_records_nothing(
    client: httpx.Client,
) -> None:
    register(client, V1)

    answer = client.post(
        f"/subjects/{SUBJECT}/versions", json={"schema": avro("Order", "id", "required")}
    )

    assert answer.status_code == 409
    assert len(records(client)) == 1


def test_a_write_refused_by_read_only_mode_records_nothing(client: httpx.Client) -> None:
    register(client, V1)
    assert client.put("/mode", json={"mode": "READONLY"}).status_code == 200
    mark = len(records(client))

    answer = client.delete(f"/subjects/{SUBJECT}/versions/1")

    assert answer.status_code == 422
    assert len(records(client)) == mark


def test_soft_deleting_a_version_is_recorded(client: httpx.Client) -> None:
    registered = register(client, V1)
    mark = len(records(client))

    assert client.delete(f"/subjects/{SUBJECT}/versions/1").status_code == 200

    entry = only_new(client, mark)
    assert (entry["action"], entry["resource"]) == ("version.soft-delete", "subject:orders-value")
    assert entry["before"] == {"version": 1, "id": registered["id"], "deleted": False}
    assert entry["after"] == {"version": 1, "id": registered["id"], "deleted": True}


def test_hard_deleting_a_version_is_recorded(client: httpx.Client) -> None:
    register(client, V1)
    client.delete(f"/subjects/{SUBJECT}/versions/1")
    mark = len(records(client))

    answer = client.delete(f"/subjects/{SUBJECT}/versions/1", params={"permanent": "true"})

    assert answer.status_code == 200, answer.text
    entry = only_new(client, mark)
    assert entry["action"] == "version.hard-delete"
    assert entry["after"] is None


def test_soft_deleting_a_subject_records_its_versions(client: httpx.Client) -> None:
    register(client, V1)
    register(client, V2)
    mark = len(records(client))

    assert client.delete(f"/subjects/{SUBJECT}").json() == [1, 2]

    entry = only_new(client, mark)
    assert entry["action"] == "subject.soft-delete"
    assert (entry["before"], entry["after"]) == ({"live_versions": [1, 2]}, {"live_versions": []})


def test_hard_deleting_a_subject_is_recorded(client: httpx.Client) -> None:
    register(client, V1)
    client.delete(f"/subjects/{SUBJECT}")
    mark = len(records(client))

    assert client.delete(f"/subjects/{SUBJECT}", params={"permanent": "true"}).json() == [1]

    entry = only_new(client, mark)
    assert (entry["action"], entry["before"], entry["after"]) == (
        "subject.hard-delete",
        {"versions": [1]},
        None,
    )


def test_setting_a_subject_config_records_it_before_and_after(client: httpx.Client) -> None:
    client.put(f"/config/{SUBJECT}", json={"compatibility": "FULL"})

    client.put(f"/config/{SUBJECT}", json={"compatibility": "NONE"})

    entry = records(client)[-1]
    assert (entry["action"], entry["resource"]) == ("config.set", "config:subject:orders-value")
    assert entry["before"] == {"compatibilityLevel": "FULL"}
    assert entry["after"] == {"compatibilityLevel": "NONE"}


def test_setting_the_same_config_again_records_nothing(client: httpx.Client) -> None:
    client.put("/config", json={"compatibility": "FULL"})

    client.put("/config", json={"compatibility": "FULL"})

    assert [r["resource"] for r in records(client)] == ["config:global"]


def test_deleting_the_global_config_is_recorded(client: httpx.Client) -> None:
    client.put("/config", json={"compatibility": "FULL"})

    assert client.delete("/config").status_code == 200

    entry = records(client)[-1]
    assert (entry["action"], entry["resource"]) == ("config.delete", "config:global")
    assert (entry["before"], entry["after"]) == ({"compatibilityLevel": "FULL"}, None)


def test_setting_a_subject_mode_is_recorded(client: httpx.Client) -> None:
    register(client, V1)
    mark = len(records(client))

    assert client.put(f"/mode/{SUBJECT}", json={"mode": "READONLY"}).status_code == 200

    entry = only_new(client, mark)
    assert (entry["action"], entry["resource"]) == ("mode.set", "mode:subject:orders-value")
    assert (entry["before"], entry["after"]) == (None, {"mode": "READONLY"})


def test_deleting_the_global_mode_is_recorded(client: httpx.Client) -> None:
    client.put("/mode", json={"mode": "READONLY"})

    assert client.delete("/mode").status_code == 200

    entry = records(client)[-1]
    assert (entry["action"], entry["resource"], entry["before"]) == (
        "mode.delete",
        "mode:global",
        {"mode": "READONLY"},
    )


def test_an_import_mode_registration_is_recorded_with_its_mode(client: httpx.Client) -> None:
    client.put("/mode", json={"mode": "IMPORT"})

    answer = client.post(f"/subjects/{SUBJECT}/versions", json={"schema": V1, "id": 77})

    assert answer.status_code == 200, answer.text
    entry = records(client, action="schema.register")[0]
    assert (entry["after"]["id"], entry["after"]["mode"]) == (77, "IMPORT")


def test_each_request_has_its_own_request_id(client: httpx.Client) -> None:
    register(client, V1)
    register(client, V2)

    first, second = records(client)

    assert first["request_id"] != second["request_id"]
