"""Schema-driven fuzzing of the Confluent routes from a hand-written OpenAPI description
(confluent-openapi.yaml beside this file): no request, valid or not, gets a 5xx.

Bounded and derandomized like tests/test_api_fuzz.py: every run sends the same requests in
the same order (reads first), on SQLite and PostgreSQL; each failure is listed as curl.
"""

from __future__ import annotations

import json
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

EXAMPLES = 6
DESCRIPTION = Path(__file__).with_name("confluent-openapi.yaml")
KNOWN = {"subject": "fuzz-value", "version": "1", "id": "1"}
SCHEMA = json.dumps({"type": "record", "name": "F", "fields": [{"name": "a", "type": "string"}]})


def server_errors(
    operation: schemathesis.APIOperation, url: str, session: requests.Session
) -> list[str]:
    found: list[str] = []
    strategies = [
        operation.as_strategy(generation_mode=mode)
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    ]
    names = {parameter.name for parameter in operation.path_parameters}
    known = {name: value for name, value in KNOWN.items() if name in names}
    if known:
        strategies.append(operation.as_strategy(path_parameters=known))

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


def test_no_confluent_route_answers_a_server_error(registry_url: str) -> None:
    with requests.Session() as session:
        answer = session.post(
            f"{registry_url}/subjects/fuzz-value/versions", json={"schema": SCHEMA}
        )
        assert answer.status_code == 200, answer.text
        schema = schemathesis.openapi.from_path(DESCRIPTION, config=schemathesis.Config())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 20
        failures: list[str] = []
        for operation in sorted(operations, key=lambda op: op.method.upper() != "GET"):
            failures.extend(server_errors(operation, registry_url, session))
    assert not failures, "\n".join(failures)
