"""confluent-kafka's serializers and deserializers, unmodified, against a live evcat.

Each test serializes a message with ``auto.register.schemas``, checks the Confluent wire format
byte by byte (magic byte 0, the registered id as 4 big-endian bytes, for Protobuf the message
indexes) and reads the message back through the registry. The Protobuf classes are generated
at test time by grpcio-tools' protoc from two local files, one importing the other and
``google/protobuf/timestamp.proto``.
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import fastavro
import pytest
from confluent_kafka.schema_registry import SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

ClientFactory = Callable[[], SchemaRegistryClient]
Unique = Callable[[str], str]

MONEY_PROTO = "clienttest/common/money.proto"
ORDER_PROTO = "clienttest/orders/order.proto"
PROTO_FILES = {
    MONEY_PROTO: """
syntax = "proto3";
package clienttest.common;

message Money {
  string currency = 1;
  int64 units = 2;
}
""",
    ORDER_PROTO: """
syntax = "proto3";
package clienttest.orders;

import "clienttest/common/money.proto";
import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  clienttest.common.Money total = 2;
  google.protobuf.Timestamp placed_at = 3;
  repeated Line lines = 4;

  message Line {
    string sku = 1;
    int32 quantity = 2;
  }
}

message OrderCancelled {
  string order_id = 1;
  string reason = 2;
}
""",
}

USER_AVRO = {
    "type": "record",
    "name": "User",
    "namespace": "com.acme",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {"name": "email", "type": ["null", "string"], "default": None},
    ],
}
USER_JSON_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "User",
    "type": "object",
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    "required": ["id", "name"],
    "additionalProperties": False,
}


@pytest.fixture(scope="session")
def order_pb2(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The generated Python module of order.proto (and, imported by it, money.proto)."""
    sources = tmp_path_factory.mktemp("proto")
    generated = tmp_path_factory.mktemp("generated")
    for name, text in PROTO_FILES.items():
        path = sources / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    protoc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"--proto_path={sources}",
            f"--python_out={generated}",
            *PROTO_FILES,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert protoc.returncode == 0, protoc.stderr
    sys.path.insert(0, str(generated))
    try:
        return importlib.import_module("clienttest.orders.order_pb2")
    finally:
        sys.path.remove(str(generated))


def value_context(topic: str) -> SerializationContext:
    return SerializationContext(topic, MessageField.VALUE)


def framing(data: bytes) -> tuple[int, int, bytes]:
    """Magic byte, schema id (4 bytes, big-endian) and the rest of a Confluent message."""
    return data[0], int.from_bytes(data[1:5], "big"), data[5:]


def registered_id(client: SchemaRegistryClient, subject: str) -> int:
    schema_id = client.get_latest_version(subject).schema_id
    assert schema_id is not None
    return schema_id


# -- Avro ----------------------------------------------------------------------------------


def test_avro_serializer_writes_magic_byte_id_and_avro_binary(
    sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("users")
    user = {"id": 7, "name": "Ada", "email": None}
    serialize = AvroSerializer(sr, json.dumps(USER_AVRO), conf={"auto.register.schemas": True})
    data = serialize(user, value_context(topic))
    assert data is not None
    magic, schema_id, payload = framing(data)
    assert magic == 0
    assert schema_id == registered_id(new_client(), f"{topic}-value")
    parsed = fastavro.parse_schema(USER_AVRO)
    assert fastavro.schemaless_reader(io.BytesIO(payload), parsed, parsed) == user


def test_avro_deserializer_reads_back_what_the_serializer_wrote(
    sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("users")
    user = {"id": 7, "name": "Ada", "email": "ada@example.com"}
    serialize = AvroSerializer(sr, json.dumps(USER_AVRO), conf={"auto.register.schemas": True})
    data = serialize(user, value_context(topic))
    deserialize = AvroDeserializer(new_client())
    assert deserialize(data, value_context(topic)) == user


# -- JSON Schema ---------------------------------------------------------------------------


def test_json_serializer_writes_magic_byte_id_and_json_text(
    sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("users")
    user = {"id": 7, "name": "Ada"}
    serialize = JSONSerializer(
        json.dumps(USER_JSON_SCHEMA), sr, conf={"auto.register.schemas": True}
    )
    data = serialize(user, value_context(topic))
    assert data is not None
    magic, schema_id, payload = framing(data)
    assert magic == 0
    assert schema_id == registered_id(new_client(), f"{topic}-value")
    assert json.loads(payload) == user


def test_json_deserializer_reads_back_what_the_serializer_wrote(
    sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("users")
    user = {"id": 7, "name": "Ada"}
    serialize = JSONSerializer(
        json.dumps(USER_JSON_SCHEMA), sr, conf={"auto.register.schemas": True}
    )
    data = serialize(user, value_context(topic))
    deserialize = JSONDeserializer(None, schema_registry_client=new_client())
    assert deserialize(data, value_context(topic)) == user


# -- Protobuf ------------------------------------------------------------------------------


def protobuf_serializer(message_type: Any, client: SchemaRegistryClient) -> ProtobufSerializer:
    conf = {"auto.register.schemas": True, "use.deprecated.format": False}
    return ProtobufSerializer(message_type, client, conf)


def protobuf_deserializer(message_type: Any, client: SchemaRegistryClient) -> ProtobufDeserializer:
    return ProtobufDeserializer(message_type, {"use.deprecated.format": False}, client)


def an_order(order_pb2: ModuleType) -> Any:
    order = order_pb2.Order(id="o-1")
    order.total.currency = "EUR"
    order.total.units = 1250
    order.placed_at.FromSeconds(1_700_000_000)
    order.lines.add(sku="pen", quantity=3)
    return order


def test_protobuf_serializer_writes_id_and_single_zero_index_for_the_first_message(
    order_pb2: ModuleType, sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("orders")
    order = an_order(order_pb2)
    data = protobuf_serializer(order_pb2.Order, sr)(order, value_context(topic))
    assert data is not None
    magic, schema_id, rest = framing(data)
    assert magic == 0
    assert schema_id == registered_id(new_client(), f"{topic}-value")
    assert rest[:1] == b"\x00"
    assert rest[1:] == order.SerializeToString()


def test_protobuf_serializer_writes_index_array_of_the_second_message(
    order_pb2: ModuleType, sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("cancellations")
    cancelled = order_pb2.OrderCancelled(order_id="o-1", reason="changed my mind")
    data = protobuf_serializer(order_pb2.OrderCancelled, sr)(cancelled, value_context(topic))
    assert data is not None
    magic, schema_id, rest = framing(data)
    assert (magic, schema_id) == (0, registered_id(new_client(), f"{topic}-value"))
    # Indexes [1]: zig-zag varint count 1, then zig-zag varint 1.
    assert rest[:2] == b"\x02\x02"
    assert rest[2:] == cancelled.SerializeToString()


def test_protobuf_serializer_writes_index_array_of_a_nested_message(
    order_pb2: ModuleType, sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("order-lines")
    line = order_pb2.Order.Line(sku="pen", quantity=3)
    data = protobuf_serializer(order_pb2.Order.Line, sr)(line, value_context(topic))
    assert data is not None
    magic, schema_id, rest = framing(data)
    assert (magic, schema_id) == (0, registered_id(new_client(), f"{topic}-value"))
    # Indexes [0, 0]: count 2, then 0 and 0 (Line is message 0 inside message 0).
    assert rest[:3] == b"\x04\x00\x00"
    assert rest[3:] == line.SerializeToString()


def test_protobuf_deserializer_reads_back_what_the_serializer_wrote(
    order_pb2: ModuleType, sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("orders")
    order = an_order(order_pb2)
    data = protobuf_serializer(order_pb2.Order, sr)(order, value_context(topic))
    read = protobuf_deserializer(order_pb2.Order, new_client())(data, value_context(topic))
    assert read == order


def test_protobuf_deserializer_reads_a_nested_message_back(
    order_pb2: ModuleType, sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("order-lines")
    line = order_pb2.Order.Line(sku="pen", quantity=3)
    data = protobuf_serializer(order_pb2.Order.Line, sr)(line, value_context(topic))
    read = protobuf_deserializer(order_pb2.Order.Line, new_client())(data, value_context(topic))
    assert read == line


def test_protobuf_import_is_registered_under_its_import_path(
    order_pb2: ModuleType, sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("orders")
    protobuf_serializer(order_pb2.Order, sr)(an_order(order_pb2), value_context(topic))
    reader = new_client()
    assert MONEY_PROTO in reader.get_subjects(subject_prefix="clienttest/")
    dependency = reader.get_latest_version(MONEY_PROTO)
    assert dependency.schema.schema_type == "PROTOBUF"
    main = reader.get_latest_version(f"{topic}-value")
    # google/protobuf/timestamp.proto is built in: the serializer sends no reference for it.
    assert main.schema.references == [SchemaReference(MONEY_PROTO, MONEY_PROTO, dependency.version)]


def test_protobuf_schema_sent_as_a_descriptor_reads_back_as_proto_text(
    order_pb2: ModuleType, sr: SchemaRegistryClient, new_client: ClientFactory, unique: Unique
) -> None:
    topic = unique("orders")
    protobuf_serializer(order_pb2.Order, sr)(an_order(order_pb2), value_context(topic))
    text = new_client().get_latest_version(f"{topic}-value").schema.schema_str
    assert 'import "clienttest/common/money.proto";' in text
    assert "message OrderCancelled {" in text
