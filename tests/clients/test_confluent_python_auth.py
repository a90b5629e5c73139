"""confluent-kafka's registry client and serializers, unmodified, against evcat with sign-in:
``basic.auth.user.info`` (the Python client's form of ``basic.auth.credentials.source=USER_INFO``)
and ``bearer.auth.credentials.source=STATIC_TOKEN`` (the logical cluster header Confluent Cloud
wants is sent and ignored)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from tests.auth.conftest import secured_server
from tests.auth.helpers import TOKEN, USERS, write_auth
from tests.conftest import database_url, drop_postgres_database

ORDER = (
    '{"type": "record", "name": "Order", "namespace": "com.acme",'
    ' "fields": [{"name": "id", "type": "string"}]}'
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("clients-auth")
    db = database_url(str(request.param), folder)
    try:
        with secured_server(db, write_auth(folder / "auth.yaml")) as server:
            yield server.url
    finally:
        if request.param == "postgresql":
            drop_postgres_database(db)


def _basic(url: str, user: str, password: str | None = None) -> SchemaRegistryClient:
    secret = USERS[user][0] if password is None else password
    return SchemaRegistryClient(
        {
            "url": url,
            "basic.auth.user.info": f"{user}:{secret}",
        }
    )


def _bearer(url: str, token: str) -> SchemaRegistryClient:
    return SchemaRegistryClient(
        {
            "url": url,
            "bearer.auth.credentials.source": "STATIC_TOKEN",
            "bearer.auth.token": token,
            "bearer.auth.logical.cluster": "lsrc-evcat",
        }
    )


def _subject() -> str:
    return f"orders-{uuid.uuid4().hex[:8]}-value"


def test_user_info_registers_and_reads_back(url: str) -> None:
    client = _basic(url, "ci-bot")
    subject = _subject()
    schema_id = client.register_schema(subject, Schema(ORDER, "AVRO"))
    assert client.get_latest_version(subject).schema_id == schema_id


def test_static_token_registers_and_reads_back(url: str) -> None:
    client = _bearer(url, TOKEN)
    subject = _subject()
    schema_id = client.register_schema(subject, Schema(ORDER, "AVRO"))
    assert _basic(url, "reader").get_version(subject, 1).schema_id == schema_id


def test_serializer_and_deserializer_round_trip_with_credentials(url: str) -> None:
    subject_topic = f"orders-{uuid.uuid4().hex[:8]}"
    producer = AvroSerializer(_basic(url, "ci-bot"), ORDER)
    consumer = AvroDeserializer(_bearer(url, TOKEN))
    context = SerializationContext(subject_topic, MessageField.VALUE)
    order: dict[str, Any] = {"id": "o-1"}
    assert consumer(producer(order, context), context) == order


def test_a_wrong_password_surfaces_as_401_with_confluents_code(url: str) -> None:
    with pytest.raises(SchemaRegistryError) as raised:
        _basic(url, "reader", "guess").get_subjects()
    assert (raised.value.http_status_code, raised.value.error_code) == (401, 40101)


def test_a_forbidden_write_surfaces_as_403_with_confluents_code(url: str) -> None:
    with pytest.raises(SchemaRegistryError) as raised:
        _basic(url, "reader").register_schema(_subject(), Schema(ORDER, "AVRO"))
    assert (raised.value.http_status_code, raised.value.error_code) == (403, 40301)
    assert "User reader is denied operation Write on Subject" in raised.value.error_message
