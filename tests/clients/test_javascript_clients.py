"""Confluent's JavaScript clients, unmodified, against a live evcat.

``node/script.js`` runs ``@kafkajs/confluent-schema-registry`` and ``@confluentinc/schemaregistry``
once per backend and prints a JSON summary; each test below checks one behaviour in it, and
some read the result back through the Python client. ``make test`` installs the Node packages
(``npm install`` in tests/clients/node whenever package.json changes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient

NODE_DIR = Path(__file__).resolve().parent / "node"
PACKAGES = ("@kafkajs/confluent-schema-registry", "@confluentinc/schemaregistry")
SCRIPT_SECONDS = 60

ClientFactory = Callable[[], SchemaRegistryClient]
Summary = dict[str, Any]


def node_executable() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed: the JavaScript client tests need `node` on PATH")
    missing = [name for name in PACKAGES if not (NODE_DIR / "node_modules" / name).is_dir()]
    if missing:
        pytest.fail(
            f"Node packages {', '.join(missing)} are not installed in {NODE_DIR}: run `make test` "
            "(it runs `npm install` there), or `npm install` in tests/clients/node"
        )
    return node


@pytest.fixture(scope="module")
def summary(shared_registry_url: str) -> Summary:
    """What node/script.js reports after running both clients against the shared server."""
    run = subprocess.run(
        [node_executable(), "script.js", shared_registry_url],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=SCRIPT_SECONDS,
        check=False,
    )
    assert run.returncode == 0, f"node script.js failed:\n{run.stdout}\n{run.stderr}"
    result: Summary = json.loads(run.stdout)
    assert result["ok"] is True
    return result


# -- @kafkajs/confluent-schema-registry -------------------------------------------------------


def test_kafkajs_register_returns_the_id_of_the_latest_version(summary: Summary) -> None:
    kafkajs = summary["kafkajs"]
    assert kafkajs["registeredId"] >= 1
    assert kafkajs["latestId"] == kafkajs["registeredId"]


def test_kafkajs_re_register_returns_the_same_id(summary: Summary) -> None:
    assert summary["kafkajs"]["againId"] == summary["kafkajs"]["registeredId"]


def test_kafkajs_encode_writes_magic_byte_and_registered_id(summary: Summary) -> None:
    kafkajs = summary["kafkajs"]
    assert kafkajs["encoded"] == {"magic": 0, "id": kafkajs["registeredId"]}


def test_kafkajs_decode_reads_back_the_encoded_payload(summary: Summary) -> None:
    assert summary["kafkajs"]["decoded"] == {"id": "p-1", "amount": 12.5}
    assert summary["kafkajs"]["roundTrip"] is True


def test_kafkajs_pins_the_subject_compatibility_it_registered_with(
    summary: Summary, new_client: ClientFactory
) -> None:
    # register() reads GET /config/{subject}; only a 404 makes it PUT the level it wants.
    assert new_client().get_compatibility(summary["kafkajs"]["subject"]) == "BACKWARD"


def test_kafkajs_sees_an_unknown_subject_as_404(summary: Summary) -> None:
    assert summary["kafkajs"]["unknownSubject"]["status"] == 404


# -- @confluentinc/schemaregistry ---------------------------------------------------------------


def test_confluent_js_register_and_get_latest_schema_metadata_agree(summary: Summary) -> None:
    confluent = summary["confluent"]
    assert confluent["latest"] == {
        "id": confluent["registeredId"],
        "version": 1,
        "schemaType": "AVRO",
    }
    assert confluent["latestSchema"]["name"] == "Shipment"


def test_confluent_js_registration_is_visible_to_the_python_client(
    summary: Summary, new_client: ClientFactory
) -> None:
    confluent = summary["confluent"]
    latest = new_client().get_latest_version(confluent["subject"])
    assert (latest.schema_id, latest.version) == (confluent["registeredId"], 1)


def test_confluent_js_serializer_auto_registers_under_the_topic_subject(
    summary: Summary, new_client: ClientFactory
) -> None:
    serializer = summary["confluent"]["serializer"]
    assert serializer["subject"] == "confluent-parcels-value"
    assert new_client().get_versions(serializer["subject"]) == [1]


def test_confluent_js_serializer_writes_magic_byte_and_registered_id(summary: Summary) -> None:
    serializer = summary["confluent"]["serializer"]
    assert serializer["encoded"] == {"magic": 0, "id": serializer["latestId"]}


def test_confluent_js_deserializer_reads_back_the_serialized_payload(summary: Summary) -> None:
    serializer = summary["confluent"]["serializer"]
    assert serializer["decoded"] == {"id": "s-1", "parcels": 3}
    assert serializer["roundTrip"] is True


def test_confluent_js_error_carries_status_and_error_code(summary: Summary) -> None:
    # The client builds a RestError only from a body holding both error_code and message.
    assert summary["confluent"]["unknownSubject"] == {
        "name": "RestError",
        "status": 404,
        "errorCode": 40401,
    }
