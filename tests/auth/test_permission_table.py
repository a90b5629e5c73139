"""The permission table covers every route the app serves, and reads requests as the app does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evcat.app import create_app
from evcat.auth.permissions import GLOBAL, Resource, permission, rules
from evcat.auth.roles import Operation
from evcat.registry.http import ConfluentRouter
from evcat.settings import Settings
from evcat.web.routes import router as website


def _concrete(template: str) -> str:
    """A path the template matches: each parameter replaced by a sample value."""
    return re.sub(r"\{[^}]+\}", "x1", template)


def _served_routes(tmp_path: Path) -> list[tuple[str, str]]:
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'evcat.db'}"))
    while not isinstance(app, ConfluentRouter):  # the middleware around the routers
        app = app.app
    served = [
        (method, "/" + "/".join(route.segments)) for route in app.routes for method in route.methods
    ]
    for path, operations in app.fallback.openapi()["paths"].items():
        served += [(method.upper(), path) for method in operations]
    served += [(method, route.path) for route in website.routes for method in route.methods]
    return served


def test_every_served_route_has_a_row(tmp_path: Path) -> None:
    missing = []
    for method, template in _served_routes(tmp_path):
        path = _concrete(template)
        found = permission(method, path.encode(), path, b"")
        if not (found.template or found.open):
            missing.append((method, template))
    assert missing == []


def test_every_row_matches_its_own_template() -> None:
    for rule in rules():
        path = _concrete(rule.template)
        found = permission(rule.method, path.encode(), path, b"")
        assert found.template == rule.template or found.open, rule


def test_an_encoded_slash_stays_inside_the_confluent_subject() -> None:
    found = permission(
        "POST",
        b"/subjects/acme%2Forders.proto/versions",
        "/subjects/acme/orders.proto/versions",
        b"",
    )
    assert found.resource == Resource("Subject", "acme/orders.proto")
    assert found.operation is Operation.WRITE


def test_a_v1_subject_path_keeps_its_slashes() -> None:
    path = "/v1/subjects/acme/orders.proto/compatibility"
    found = permission("POST", path.replace("acme/", "acme%2F").encode(), path, b"")
    assert found.resource == Resource("Subject", "acme/orders.proto")


@pytest.mark.parametrize("flag", [b"permanent=true", b"permanent=True"])
def test_permanent_delete_is_its_own_operation(flag: bytes) -> None:
    found = permission("DELETE", b"/subjects/orders-value", "/subjects/orders-value", flag)
    assert found.operation is Operation.DELETE_PERMANENTLY


def test_a_write_to_a_route_missing_from_the_table_needs_an_admin() -> None:
    found = permission("POST", b"/v1/not-a-route", "/v1/not-a-route", b"")
    assert (found.operation, found.resource) == (Operation.ADMINISTER, GLOBAL)


def test_health_and_root_are_open() -> None:
    assert permission("GET", b"/", "/", b"").open
    assert permission("GET", b"/health/ready", "/health/ready", b"").open
    assert not permission("POST", b"/", "/", b"").open
