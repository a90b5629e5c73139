"""The request context: made once per request, shared by every layer and handler, and
filled in by whichever router matched. Observed over real HTTP from an ASGI wrapper around
the whole app (the scope it passes down is the one the context is kept in)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from evcat.app import create_app
from evcat.http.context import CONTEXT_KEY, RequestContext
from evcat.settings import Settings
from tests.conftest import LiveServer
from tests.registry.schemas import ORDER_V1, body


class Observer:
    """Keeps the context of every request that went through the app, once the app is done
    with it (the client may have its answer a moment before)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[RequestContext] = []
        self.done = threading.Semaphore(0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.seen.append(scope[CONTEXT_KEY])
            self.done.release()


@pytest.fixture
def observed(settings: Settings) -> Iterator[tuple[httpx.Client, Observer]]:
    observer = Observer(create_app(settings, migrate=True))
    with (
        LiveServer(app=observer) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http, observer


def last_context(
    observed: tuple[httpx.Client, Observer], method: str, path: str, **kw: Any
) -> RequestContext:
    http, observer = observed
    http.request(method, path, **kw)
    assert observer.done.acquire(timeout=10)
    return observer.seen[-1]


def test_confluent_router_records_its_route_template(
    observed: tuple[httpx.Client, Observer],
) -> None:
    context = last_context(
        observed, "POST", "/subjects/acme%2Fa.proto/versions", json=body(ORDER_V1)
    )
    assert context.route == "/subjects/{subject}/versions"


def test_confluent_hot_path_records_its_route_template(
    observed: tuple[httpx.Client, Observer],
) -> None:
    last_context(observed, "POST", "/subjects/orders-value/versions", json=body(ORDER_V1))
    last_context(observed, "GET", "/schemas/ids/1")
    assert last_context(observed, "GET", "/schemas/ids/1").route == "/schemas/ids/{id}"


def test_fastapi_routes_record_their_route_template(
    observed: tuple[httpx.Client, Observer],
) -> None:
    context = last_context(observed, "GET", "/v1/events/shop.Order/plan", params={"version": 1})
    assert context.route == "/v1/events/{event}/plan"


def test_static_files_are_named_by_their_mount(observed: tuple[httpx.Client, Observer]) -> None:
    assert last_context(observed, "GET", "/catalog/static/style.css").route == "/catalog/static"


def test_a_path_no_route_claims_has_no_route(observed: tuple[httpx.Client, Observer]) -> None:
    assert last_context(observed, "GET", "/nothing/here").route is None


def test_context_holds_the_client_address_and_no_principal_without_auth(
    observed: tuple[httpx.Client, Observer],
) -> None:
    context = last_context(observed, "GET", "/subjects")
    assert (context.client, context.principal) == ("127.0.0.1", None)


def test_each_request_gets_its_own_context_and_request_id(
    observed: tuple[httpx.Client, Observer],
) -> None:
    first = last_context(observed, "GET", "/subjects")
    second = last_context(observed, "GET", "/subjects")
    assert first is not second
    assert first.request_id != second.request_id
    assert len(first.request_id) == 16
