"""Protobuf schemas past EVCAT_PROTOBUF_MAX_FIELDS, EVCAT_PROTOBUF_MAX_MESSAGES or the nesting
bound are refused at registration with 42201 naming the setting, quickly, and the server keeps
answering; a schema exactly at a limit registers."""

from __future__ import annotations

import base64
import time

import httpx
from google.protobuf import descriptor_pb2

from tests.hostile.conftest import still_answers

MAX_FIELDS = 2_000  # EVCAT_PROTOBUF_MAX_FIELDS default
MAX_MESSAGES = 1_000  # EVCAT_PROTOBUF_MAX_MESSAGES default
MAX_NESTING = 31  # EVCAT_SCHEMA_MAX_DEPTH, capped at the deepest protoc compiles


def fields(count: int) -> str:
    """One message with ``count`` int32 fields, skipping the numbers protoc reserves."""
    numbers = (n if n < 19_000 else n + 1_000 for n in range(1, count + 1))
    body = "".join(f"int32 f{n} = {n};\n" for n in numbers)
    return f'syntax = "proto3";\nmessage Big {{\n{body}}}\n'


def messages(count: int) -> str:
    return 'syntax = "proto3";\n' + "".join(f"message M{n} {{}}\n" for n in range(count))


def nested_descriptor(depth: int) -> str:
    """A base64 FileDescriptorProto with messages declared ``depth`` levels deep."""
    file = descriptor_pb2.FileDescriptorProto(name="deep.proto", syntax="proto3")
    message = file.message_type.add(name="M0")
    for level in range(1, depth):
        message = message.nested_type.add(name=f"M{level}")
    return base64.b64encode(file.SerializeToString()).decode()


def register(client: httpx.Client, subject: str, schema: str) -> httpx.Response:
    return client.post(
        f"/subjects/{subject}/versions",
        json={"schemaType": "PROTOBUF", "schema": schema},
        timeout=30,
    )


def test_thirty_thousand_fields_is_a_fast_42201(client: httpx.Client) -> None:
    started = time.monotonic()
    answer = register(client, "wide-value", fields(30_000))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error_code"] == 42201
    assert "EVCAT_PROTOBUF_MAX_FIELDS" in answer.json()["message"]
    assert time.monotonic() - started < 5
    still_answers(client)


def test_fields_at_the_limit_register(client: httpx.Client) -> None:
    answer = register(client, "wide-ok-value", fields(MAX_FIELDS))
    assert answer.status_code == 200, answer.text


def test_one_field_past_the_limit_is_42201(client: httpx.Client) -> None:
    answer = register(client, "wide-plus-one-value", fields(MAX_FIELDS + 1))
    assert answer.status_code == 422, answer.text
    assert f"more than {MAX_FIELDS}" in answer.json()["message"]


def test_too_many_messages_is_42201(client: httpx.Client) -> None:
    answer = register(client, "many-value", messages(MAX_MESSAGES + 1))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error_code"] == 42201
    assert "EVCAT_PROTOBUF_MAX_MESSAGES" in answer.json()["message"]
    still_answers(client)


def test_messages_at_the_limit_register(client: httpx.Client) -> None:
    answer = register(client, "many-ok-value", messages(MAX_MESSAGES))
    assert answer.status_code == 200, answer.text


def test_descriptor_nested_past_the_limit_is_42201(client: httpx.Client) -> None:
    answer = register(client, "deep-proto-value", nested_descriptor(MAX_NESTING + 1))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error_code"] == 42201
    assert "EVCAT_SCHEMA_MAX_DEPTH" in answer.json()["message"]
    still_answers(client)


def test_descriptor_nested_at_the_limit_registers(client: httpx.Client) -> None:
    answer = register(client, "deep-proto-ok-value", nested_descriptor(MAX_NESTING))
    assert answer.status_code == 200, answer.text


def test_source_nested_past_what_protoc_compiles_is_42201(client: httpx.Client) -> None:
    source = 'syntax = "proto3";\n' + "message M { " * 200 + "}" * 200 + "\n"
    answer = register(client, "deep-proto-text-value", source)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error_code"] == 42201
    still_answers(client)
