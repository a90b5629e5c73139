"""Each role against each route family over real HTTP: allowed (any answer but 401/403) or
refused (401 for anonymous requests, 403 for signed-in ones), as the issue defines the roles.

The users and their bindings are the issue's example (tests/auth/helpers.py): ``ci-bot`` is a
writer on ``orders-*`` only, and every signed-in user is a reader everywhere.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.auth.helpers import basic

AVRO = {"schema": '{"type": "record", "name": "Order", "fields": []}'}
EVERYONE = {"reader", "ci-bot", "editor", "dpo", "root"}
WRITERS_OF_ORDERS = {"ci-bot", "editor", "root"}
WRITERS_ELSEWHERE = {"editor", "root"}
ADMIN = {"root"}
PRIVACY = {"dpo", "root"}

# (case, method, path, JSON body, who may)
CASES: list[tuple[str, str, str, Any, set[str]]] = [
    ("confluent-list-subjects", "GET", "/subjects", None, EVERYONE),
    ("confluent-schema-by-id", "GET", "/schemas/ids/1", None, EVERYONE),
    ("confluent-lookup", "POST", "/subjects/orders-value", AVRO, EVERYONE),
    ("confluent-register-own", "POST", "/subjects/orders-value/versions", AVRO, WRITERS_OF_ORDERS),
    (
        "confluent-register-context",
        "POST",
        "/subjects/:.shop:orders-value/versions",
        AVRO,
        WRITERS_OF_ORDERS,
    ),
    (
        "confluent-register-other",
        "POST",
        "/subjects/payments-value/versions",
        AVRO,
        WRITERS_ELSEWHERE,
    ),
    (
        "confluent-compatibility",
        "POST",
        "/compatibility/subjects/orders-value/versions/latest",
        AVRO,
        WRITERS_OF_ORDERS,
    ),
    (
        "confluent-soft-delete",
        "DELETE",
        "/subjects/orders-gone-value/versions/1",
        None,
        WRITERS_OF_ORDERS,
    ),
    ("confluent-hard-delete", "DELETE", "/subjects/orders-gone-value?permanent=true", None, ADMIN),
    ("confluent-global-config", "PUT", "/config", {"compatibility": "BACKWARD"}, ADMIN),
    (
        "confluent-subject-config",
        "PUT",
        "/config/orders-value",
        {"compatibility": "BACKWARD"},
        ADMIN,
    ),
    ("confluent-mode", "PUT", "/mode/orders-gone-value", {"mode": "READWRITE"}, ADMIN),
    ("v1-events", "GET", "/v1/events", None, EVERYONE),
    (
        "v1-compatibility",
        "POST",
        "/v1/subjects/orders-value/compatibility",
        AVRO,
        WRITERS_OF_ORDERS,
    ),
    ("v1-upcaster", "POST", "/v1/events/orders-value/versions/2/upcasters", {}, WRITERS_OF_ORDERS),
    (
        "v1-upcaster-other",
        "POST",
        "/v1/events/payments-value/versions/2/upcasters",
        {},
        WRITERS_ELSEWHERE,
    ),
    ("v1-catalog-apply", "POST", "/v1/catalog/apply?dry_run=true", None, {"editor", "root"}),
    ("v1-gdpr-tag-map", "PUT", "/v1/gdpr/tags/email", {"category": "contact"}, PRIVACY),
    ("v1-gdpr-report", "GET", "/v1/gdpr/where?category=contact", None, PRIVACY),
    ("v1-audit", "GET", "/v1/audit", None, ADMIN),
    ("website", "GET", "/catalog/", None, EVERYONE),
    ("docs", "GET", "/docs", None, EVERYONE),
    ("metrics", "GET", "/metrics", None, EVERYONE),
]
ROLES = ["anonymous", "reader", "ci-bot", "editor", "dpo", "root"]


def _call(url: str, method: str, path: str, body: Any, user: str) -> httpx.Response:
    headers = {} if user == "anonymous" else basic(user)
    with httpx.Client(base_url=url, timeout=30) as client:
        return client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("case", "method", "path", "body", "allowed"), CASES, ids=[c[0] for c in CASES]
)
def test_role_on_route_family(
    shared_secured_url: str,
    case: str,
    method: str,
    path: str,
    body: Any,
    allowed: set[str],
    role: str,
) -> None:
    answer = _call(shared_secured_url, method, path, body, role)
    if role in allowed:
        assert answer.status_code not in (401, 403), answer.text
    elif role == "anonymous":
        assert answer.status_code == 401, answer.text
    else:
        assert answer.status_code == 403, answer.text


def test_health_and_root_answer_without_credentials(shared_secured_url: str) -> None:
    with httpx.Client(base_url=shared_secured_url) as client:
        assert client.get("/").status_code == 200
        assert client.get("/health/live").status_code == 200
