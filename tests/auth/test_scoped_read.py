"""A reader bound to some subjects only: it reads those subjects and the schema ids they use,
and nothing global."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.auth.conftest import secured_server
from tests.auth.helpers import basic, users_section, write_auth

ORDER = '{"type": "record", "name": "Order", "fields": []}'
PAYMENT = '{"type": "record", "name": "Payment", "fields": []}'


@pytest.fixture
def scoped(db_url: str, tmp_path: Path) -> Iterator[tuple[httpx.Client, dict[str, int]]]:
    bindings = [
        {"groups": ["platform"], "role": "admin"},
        {"users": ["reader"], "role": "reader", "subjects": ["orders-*"]},
    ]
    auth = write_auth(
        tmp_path / "auth.yaml", users=users_section("reader", "root"), bindings=bindings
    )
    with secured_server(db_url, auth) as server, httpx.Client(base_url=server.url) as http:
        ids = {}
        for subject, schema in (("orders-value", ORDER), ("payments-value", PAYMENT)):
            answer = http.post(
                f"/subjects/{subject}/versions", json={"schema": schema}, headers=basic("root")
            )
            ids[subject] = answer.json()["id"]
        yield http, ids


def test_a_scoped_reader_reads_its_subjects(scoped: tuple[httpx.Client, dict[str, int]]) -> None:
    http, _ = scoped
    assert http.get("/subjects/orders-value/versions/1", headers=basic("reader")).status_code == 200
    assert (
        http.get("/subjects/payments-value/versions/1", headers=basic("reader")).status_code == 403
    )


def test_a_scoped_reader_reads_only_ids_its_subjects_use(
    scoped: tuple[httpx.Client, dict[str, int]],
) -> None:
    http, ids = scoped
    mine = http.get(f"/schemas/ids/{ids['orders-value']}", headers=basic("reader"))
    theirs = http.get(f"/schemas/ids/{ids['payments-value']}", headers=basic("reader"))
    assert (mine.status_code, theirs.status_code) == (200, 403)
    assert (
        theirs.json()["message"]
        == f"User reader is denied operation Read on Schema: {ids['payments-value']}"
    )


def test_a_scoped_reader_may_not_list_every_subject(
    scoped: tuple[httpx.Client, dict[str, int]],
) -> None:
    http, _ = scoped
    assert http.get("/subjects", headers=basic("reader")).status_code == 403
