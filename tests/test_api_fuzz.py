"""Schema-driven fuzzing of evcat's own API: no request, valid or not, is answered with a 5xx.

Schemathesis reads the OpenAPI document a live server publishes (every ``/v1`` operation;
the Confluent routes are not in it and have their own tests) and generates requests that fit
it and requests that break it. The server holds the demo catalog, and part of the requests
name demo resources, so they reach past the 404s into the code that does the work.

The budget is small and Hypothesis is derandomized: every run sends the same requests, in the
same order (reads first, then writes), so a failure reproduces. Each failure is listed as a
curl command. It runs on SQLite, and on PostgreSQL when EVCAT_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from evcat.demo import load_demo
from evcat.migrations import upgrade
from evcat.settings import Settings
from tests.conftest import (
    BACKENDS,
    PG_URL,
    LiveServer,
    drop_postgres_database,
    fresh_postgres_database,
)

EXAMPLES = 8
"""Requests per operation and generation mode (positive and negative)."""

DEMO_NAMES = {
    "name": "shop.OrderPlaced",  # an event of the catalog
    "event": "shop.orders-value",  # the upcast routes' events are registry subjects
    "subject": "shop.orders-value",
    "version": "1",
}
DEMO_IDENTS = {
    "/v1/domains/": "commerce",
    "/v1/teams/": "orders-team",
    "/v1/services/": "order-service",
    "/v1/channels/": "shop.orders",
    "/v1/stores/": "crm-db",
    "/v1/recipients/": "mailer",
}


@pytest.fixture(scope="module", params=BACKENDS)
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A live evcat over the demo catalog, one per backend for the whole module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'evcat.db'}"
    elif PG_URL:
        url = fresh_postgres_database()
    else:
        pytest.skip("PostgreSQL tests need EVCAT_TEST_DATABASE_URL (set by .ci/run)")
    try:
        upgrade(url)
        load_demo(Settings(db_url=url))
        with LiveServer(Settings(db_url=url)) as server:
            yield server.url
    finally:
        if request.param == "postgresql":
            drop_postgres_database(url)


def demo_values(operation: schemathesis.APIOperation) -> dict[str, str]:
    """Path parameters naming demo resources, for the operation's parameters."""
    known = dict(DEMO_NAMES)
    for prefix, ident in DEMO_IDENTS.items():
        if operation.path.startswith(prefix):
            known["ident"] = ident
    names = {parameter.name for parameter in operation.path_parameters}
    return {name: value for name, value in known.items() if name in names}


def server_errors(
    operation: schemathesis.APIOperation, url: str, session: requests.Session
) -> list[str]:
    """The requests to ``operation`` that got a 5xx, as curl commands."""
    found: list[str] = []
    strategies = [
        operation.as_strategy(generation_mode=mode)
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    ]
    named = demo_values(operation)
    if named:
        strategies.append(operation.as_strategy(path_parameters=named))

    @settings(
        max_examples=EXAMPLES * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def send(case: schemathesis.Case) -> None:
        response = case.call(base_url=url, session=session, timeout=30)
        if response.status_code >= 500:
            found.append(f"{response.status_code} from {case.as_curl_command(base_url=url)}")

    send()
    return found


def test_no_operation_answers_a_server_error(demo_server: str) -> None:
    schema = schemathesis.openapi.from_url(
        f"{demo_server}/openapi.json", config=schemathesis.Config(), timeout=30
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40, "the OpenAPI document lost its operations"
    failures: list[str] = []
    with requests.Session() as session:
        # Reads first: writes (an apply with prune=true, say) may empty the demo catalog.
        for operation in sorted(operations, key=lambda op: op.method.upper() != "GET"):
            failures.extend(server_errors(operation, demo_server, session))
    assert not failures, "\n".join(failures)
