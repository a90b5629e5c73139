"""Bindings by ownership: ``owned_by: TEAM`` covers the subjects of the events the team owns
in the catalog, and follows the catalog when ownership changes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evcat.auth.policy import OWNERS_SECONDS
from tests.auth.conftest import secured_server
from tests.auth.helpers import BINDINGS, basic, write_auth

PAYMENT = '{"type": "record", "name": "Payment", "namespace": "com.acme", "fields": []}'
ORDER = '{"type": "record", "name": "Order", "namespace": "com.acme", "fields": []}'
CATALOG = """
apiVersion: evcat/v1
kind: Team
id: payments-team
---
apiVersion: evcat/v1
kind: Team
id: orders-team
---
apiVersion: evcat/v1
kind: Event
id: com.acme.Payment
owner: {owner}
"""


@pytest.fixture
def owned(db_url: str, tmp_path: Path) -> Iterator[httpx.Client]:
    """A registry where payments-team owns com.acme.Payment (subject payments-value), and the
    payments group writes what payments-team owns."""
    bindings = [*BINDINGS, {"groups": ["payments"], "role": "writer", "owned_by": "payments-team"}]
    with (
        secured_server(db_url, write_auth(tmp_path / "auth.yaml", bindings=bindings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        root = basic("root")
        for subject, schema in (("payments-value", PAYMENT), ("orders-value", ORDER)):
            registered = http.post(
                f"/subjects/{subject}/versions", json={"schema": schema}, headers=root
            )
            assert registered.status_code == 200, registered.text
        _apply(http, "payments-team")
        yield http


def _apply(http: httpx.Client, owner: str) -> None:
    body = CATALOG.format(owner=owner).encode()
    headers = basic("root") | {"Content-Type": "application/yaml"}
    applied = http.post("/v1/catalog/apply", content=body, headers=headers)
    assert applied.status_code == 200, applied.text


def _register(http: httpx.Client, subject: str, schema: str) -> int:
    body = {"schema": schema}
    return http.post(
        f"/subjects/{subject}/versions", json=body, headers=basic("pay-bot")
    ).status_code


def test_a_team_writes_the_subjects_of_events_it_owns(owned: httpx.Client) -> None:
    assert _register(owned, "payments-value", PAYMENT) == 200


def test_a_team_writes_the_key_subject_beside_an_owned_value_subject(owned: httpx.Client) -> None:
    assert _register(owned, "payments-key", '"string"') == 200


def test_a_team_may_not_write_subjects_of_events_it_does_not_own(owned: httpx.Client) -> None:
    assert _register(owned, "orders-value", ORDER) == 403


def test_a_change_of_owner_in_the_catalog_moves_the_permission(owned: httpx.Client) -> None:
    _apply(owned, "orders-team")
    time.sleep(OWNERS_SECONDS + 0.2)
    assert _register(owned, "payments-value", PAYMENT) == 403
