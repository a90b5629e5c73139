"""The services are built once per application, before any request, and the application's
lifespan closes them. Over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from evcat.app import build_application
from evcat.settings import Settings
from tests.conftest import LiveServer


def test_services_exist_before_the_first_request(settings: Settings) -> None:
    built = build_application(settings, migrate=True)
    with LiveServer(app=built.asgi) as server:
        # The catalog, the upcast service and the website's view all answer the first time.
        for path in ("/v1/domains", "/v1/upcasters", "/catalog/"):
            assert httpx.get(f"{server.url}{path}", timeout=30).status_code == 200, path
    assert built.services.catalog.registry is built.services.registry
    assert built.services.upcast.registry is built.services.registry


def test_stopping_the_server_closes_its_database_connections(settings: Settings) -> None:
    built = build_application(settings, migrate=True)
    pool = built.services.registry.engine.pool
    with LiveServer(app=built.asgi, lifespan="on") as server:
        assert httpx.get(f"{server.url}/subjects", timeout=30).status_code == 200
        assert pool.checkedin() >= 1
    assert built.services.registry.engine.pool.checkedin() == 0
