"""``GET /v1/audit``: filters, keyset pages and 400s for bad filters, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.audit.conftest import avro, records

FIELDS = {
    "seq",
    "time",
    "principal",
    "action",
    "resource",
    "outcome",
    "request_id",
    "client",
    "before",
    "after",
    "hash",
    "previous_hash",
}


@pytest.fixture
def seven(client: httpx.Client) -> httpx.Client:
    """A trail of seven records: five subject configs and two global modes."""
    for number in range(5):
        client.put(f"/config/s{number}", json={"compatibility": "NONE"})
    client.put("/mode", json={"mode": "READONLY"})
    client.put("/mode", json={"mode": "READWRITE"})
    return client


def test_records_come_newest_first_with_every_field(seven: httpx.Client) -> None:
    answer = seven.get("/v1/audit")

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["next"] is None
    assert [r["seq"] for r in body["records"]] == [7, 6, 5, 4, 3, 2, 1]
    assert all(set(r) == FIELDS for r in body["records"])
    assert body["records"][1]["hash"] == body["records"][0]["previous_hash"]


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_pages_follow_each_other_without_gaps_or_repeats(seven: httpx.Client, order: str) -> None:
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        params = {"limit": "3", "order": order} | ({"cursor": cursor} if cursor else {})
        body = seven.get("/v1/audit", params=params).json()
        seen += [r["seq"] for r in body["records"]]
        cursor = body["next"]
        if cursor is None:
            break

    assert seen == sorted(range(1, 8), reverse=order == "desc")


def test_an_action_filter_keeps_only_that_action(seven: httpx.Client) -> None:
    assert [r["seq"] for r in records(seven, action="mode.set")] == [6, 7]


def test_a_resource_filter_matches_exactly(seven: httpx.Client) -> None:
    assert [r["seq"] for r in records(seven, resource="config:subject:s1")] == [2]


def test_a_resource_filter_ending_in_a_star_matches_a_prefix(seven: httpx.Client) -> None:
    assert len(records(seven, resource="config:subject:*")) == 5


def test_a_principal_filter_matches_the_verified_principal(seven: httpx.Client) -> None:
    assert len(records(seven, principal="anonymous")) == 7
    assert records(seven, principal="ana") == []


def test_since_and_until_bound_the_time(seven: httpx.Client) -> None:
    third = records(seven)[2]["time"]

    since, until = records(seven, since=third), records(seven, until=third)

    assert 3 in [r["seq"] for r in since] and all(r["time"] >= third for r in since)
    assert 3 not in [r["seq"] for r in until] and all(r["time"] < third for r in until)
    assert len(since) + len(until) == 7
    assert records(seven, since="2999-01-01") == []


def test_a_subject_name_too_long_to_index_is_found_by_its_full_name(
    client: httpx.Client,
) -> None:
    subject = "é" * 600  # 1200 bytes of UTF-8: past what an index holds whole
    answer = client.post(f"/subjects/{subject}/versions", json={"schema": avro("A", "id")})
    assert answer.status_code == 200, answer.text

    [entry] = records(client, resource=f"subject:{subject}")

    assert entry["resource"].startswith("subject:éé") and "~sha256:" in entry["resource"]


@pytest.mark.parametrize(
    ("params", "fix"),
    [
        ({"limit": "0"}, "'limit' must be an integer from 1 to 1000"),
        ({"limit": "many"}, "'limit' must be an integer from 1 to 1000"),
        ({"limit": "²"}, "'limit' must be an integer from 1 to 1000"),
        ({"cursor": "abc"}, "'cursor' must be the 'next' value"),
        ({"cursor": "99999999999999999999"}, "'cursor' must be the 'next' value"),
        ({"since": "yesterday"}, "'since' must be a date"),
        ({"until": "2025-06-01T12:00:00"}, "a time with an offset"),
        ({"since": "2025-06-02", "until": "2025-06-01"}, "'since' (2025-06-02) must be before"),
        ({"action": "schema.delete"}, "Unknown action 'schema.delete'; use one of"),
        ({"outcome": "maybe"}, "Unknown outcome 'maybe'; use one of success, refused"),
        ({"order": "up"}, "'order' must be 'asc' or 'desc'"),
    ],
)
def test_a_bad_filter_is_a_400_problem_saying_what_to_fix(
    client: httpx.Client, params: dict[str, str], fix: str
) -> None:
    answer = client.get("/v1/audit", params=params)

    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert fix in answer.json()["detail"]
