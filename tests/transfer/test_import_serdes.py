"""After an import, messages written against the source decode through evcat, unchanged.

Confluent's own serializers write Avro, JSON Schema and Protobuf (with a referenced file)
messages against a source registry whose ids do not start at 1 (a schema was permanently
deleted first), so a target that numbered schemas afresh could not decode them. Confluent's
deserializers then read the very same bytes through the evcat the registry was imported into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from evcat.settings import Settings
from tests.clients.test_confluent_python_serdes import (
    USER_AVRO,
    USER_JSON_SCHEMA,
    an_order,
    order_pb2,
    protobuf_deserializer,
    protobuf_serializer,
)
from tests.conftest import LiveServer
from tests.transfer.conftest import Invoke, avro, register
from tests.transfer.dumps import topic_of

assert order_pb2  # the session fixture generating the Protobuf classes, used below

Messages = dict[str, tuple[bytes, Any]]


def context(topic: str) -> SerializationContext:
    return SerializationContext(topic, MessageField.VALUE)


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory, order_pb2: ModuleType
) -> Iterator[tuple[str, Messages]]:
    """A source registry and one message per format serialized against it."""
    database = tmp_path_factory.mktemp("serdes-source") / "source.db"
    with LiveServer(Settings(db_url=f"sqlite:///{database}")) as server:
        with httpx.Client(base_url=server.url) as http:
            register(http, "scratch-value", avro({"type": "record", "name": "S", "fields": []}))
            http.delete("/subjects/scratch-value")
            http.delete("/subjects/scratch-value", params={"permanent": "true"})
        client = SchemaRegistryClient({"url": server.url})
        conf = {"auto.register.schemas": True}
        user = {"id": 7, "name": "Ada", "email": "ada@example.com"}
        order = an_order(order_pb2)
        messages: Messages = {
            "avro": (
                AvroSerializer(client, json.dumps(USER_AVRO), conf=conf)(user, context("u")),
                user,
            ),
            "json": (
                JSONSerializer(json.dumps(USER_JSON_SCHEMA), client, conf=conf)(
                    {"id": 7, "name": "Ada"}, context("j")
                ),
                {"id": 7, "name": "Ada"},
            ),
            "protobuf": (protobuf_serializer(order_pb2.Order, client)(order, context("o")), order),
        }
        client.close()
        yield server.url, messages


def decode(url: str, kind: str, data: bytes, order_pb2: ModuleType) -> Any:
    client = SchemaRegistryClient({"url": url})
    try:
        if kind == "avro":
            return AvroDeserializer(client)(data, context("u"))
        if kind == "json":
            return JSONDeserializer(None, schema_registry_client=client)(data, context("j"))
        return protobuf_deserializer(order_pb2.Order, client)(data, context("o"))
    finally:
        client.close()


@pytest.mark.parametrize("kind", ["avro", "json", "protobuf"])
def test_a_message_decodes_through_evcat_after_an_import_into_its_database(
    kind: str, written: tuple[str, Messages], order_pb2: ModuleType, evcat: Invoke, tmp_path: Path
) -> None:
    source_url, messages = written
    data, original = messages[kind]
    assert int.from_bytes(data[1:5], "big") > 1
    db_url = f"sqlite:///{tmp_path / 'target.db'}"
    result = evcat("import", "--from-registry", source_url, "--db", db_url)
    assert result.exit_code == 0, result.stderr
    with LiveServer(Settings(db_url=db_url)) as target:
        assert decode(target.url, kind, data, order_pb2) == original


@pytest.mark.parametrize("kind", ["avro", "json", "protobuf"])
def test_a_message_decodes_through_evcat_after_an_import_through_its_api(
    kind: str, written: tuple[str, Messages], order_pb2: ModuleType, evcat: Invoke, tmp_path: Path
) -> None:
    source_url, messages = written
    data, original = messages[kind]
    with LiveServer(Settings(db_url=f"sqlite:///{tmp_path / 'target.db'}")) as target:
        result = evcat("import", "--from-registry", source_url, "--registry", target.url)
        assert result.exit_code == 0, result.stderr
        assert decode(target.url, kind, data, order_pb2) == original


@pytest.mark.parametrize("kind", ["avro", "json", "protobuf"])
def test_a_message_decodes_through_evcat_after_an_import_of_the_schemas_topic(
    kind: str, written: tuple[str, Messages], order_pb2: ModuleType, evcat: Invoke, tmp_path: Path
) -> None:
    source_url, messages = written
    data, original = messages[kind]
    topic = tmp_path / "schemas.jsonl"
    topic.write_bytes(topic_of(source_url))
    db_url = f"sqlite:///{tmp_path / 'target.db'}"
    result = evcat("import", "--from-schemas-topic", topic, "--db", db_url)
    assert result.exit_code == 0, result.stderr
    with LiveServer(Settings(db_url=db_url)) as target:
        assert decode(target.url, kind, data, order_pb2) == original
