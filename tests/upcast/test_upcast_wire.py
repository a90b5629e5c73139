"""AC-WIRE: Confluent wire-format frames in, frames with the target schema id out."""

from __future__ import annotations

import io
import json
from typing import Any

import fastavro
import orjson
import pytest

from evcat.formats import get_format
from evcat.upcast import InvalidWireFormat, UpcastContext, UpcastFailed, upcaster_for
from evcat.upcast.codecs.protobuf import fill_message, message_class
from evcat.upcast.read.wire import (
    WireUpcaster,
    header,
    message_index_bytes,
    read_header,
    read_message_index,
)
from tests.upcast.order_schemas import ORDER, SCHEMAS, TIME, V1, V1_EVENT, V5, code, specs


def avro_frame(schema_id: int, schema: Any, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    buffer.write(header(schema_id))
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


def test_ac_wire_avro_v1_frame_comes_out_framed_with_the_v5_id() -> None:
    up = upcaster_for(SCHEMAS, specs(), code())
    wire = WireUpcaster(up)
    v1_id, v5_id = up.index.schema_id((ORDER, 1)), up.index.schema_id((ORDER, 5))

    out = wire.upcast(
        avro_frame(v1_id, V1.model.fastavro_schema, V1_EVENT), UpcastContext(time=TIME)
    )

    assert read_header(out) == v5_id
    decoded: Any = fastavro.schemaless_reader(io.BytesIO(out[5:]), V5.model.fastavro_schema, None)
    assert decoded["amount"] == {"value": "12.34", "currency": "EUR"}
    assert decoded["item_count"] == 2


def test_ac_fast_path_a_frame_already_at_the_target_is_the_same_bytes_object() -> None:
    up = upcaster_for(SCHEMAS, specs(), code())
    frame = avro_frame(
        up.index.schema_id((ORDER, 5)),
        V5.model.fastavro_schema,
        {
            "id": "o",
            "customer": {"full_name": "A"},
            "amount": {"value": "1", "currency": "EUR"},
            "items": [],
            "channel": "web",
            "item_count": 0,
            "placed_at": "t",
        },
    )

    assert WireUpcaster(up).upcast(frame) is frame


def test_ac_wire_a_magic_byte_of_one_is_invalid_wire_format() -> None:
    wire = WireUpcaster(upcaster_for(SCHEMAS, specs(), code()))

    with pytest.raises(InvalidWireFormat, match="0x01"):
        wire.upcast(b"\x01\x00\x00\x00\x01payload")


def test_a_truncated_header_is_invalid_wire_format() -> None:
    with pytest.raises(InvalidWireFormat):
        read_header(b"\x00\x00\x01")


PROTO_1 = """syntax = "proto3";
package shop;
message Order { string id = 1; int64 amount_cents = 2; Line line = 3; }
message Line { string sku = 1; }
"""
PROTO_2 = """syntax = "proto3";
package shop;
message Order { string id = 1; int64 cents = 2; Line line = 3; string channel = 4; }
message Line { string sku = 1; }
"""


def test_ac_wire_a_protobuf_frame_keeps_a_valid_message_index() -> None:
    parse = get_format("PROTOBUF").parse
    v1, v2 = parse(PROTO_1), parse(PROTO_2)
    up = upcaster_for({("shop.Order", 1): v1, ("shop.Order", 2): v2})
    order_1 = message_class(v1.model.message_descriptor("shop.Order"))
    body = fill_message(order_1(), {"id": "o-1", "amount_cents": 99, "line": {"sku": "s"}})
    frame = (
        header(up.index.schema_id(("shop.Order", 1)))
        + message_index_bytes((0,))
        + (body.SerializeToString())
    )

    out = WireUpcaster(up).upcast(frame)

    assert read_header(out) == up.index.schema_id(("shop.Order", 2))
    indexes, offset = read_message_index(out)
    assert indexes == (0,)
    order_2 = message_class(v2.model.message_descriptor("shop.Order")).FromString(out[offset:])
    assert (order_2.id, order_2.cents, order_2.line.sku, order_2.channel) == ("o-1", 99, "s", "")


def test_message_indexes_round_trip() -> None:
    for indexes in [(0,), (1,), (2, 0, 3)]:
        assert read_message_index(b"\x00" * 5 + message_index_bytes(indexes)) == (
            indexes,
            5 + len(message_index_bytes(indexes)),
        )


def test_json_frames_are_upcast_with_generated_operations() -> None:
    parse = get_format("JSON").parse
    v1 = parse(json.dumps({"type": "object", "properties": {"id": {"type": "string"}}}))
    v2 = parse(
        json.dumps(
            {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "channel": {"type": "string", "default": "web"},
                },
                "additionalProperties": False,
            }
        )
    )
    up = upcaster_for({("j.E", 1): v1, ("j.E", 2): v2})
    frame = header(up.index.schema_id(("j.E", 1))) + orjson.dumps({"id": "x", "junk": 1})

    out = WireUpcaster(up).upcast(frame)

    assert read_header(out) == up.index.schema_id(("j.E", 2))
    assert orjson.loads(out[5:]) == {"id": "x", "channel": "web"}


def test_an_upcast_payload_the_target_refuses_is_upcast_failed() -> None:
    up = upcaster_for(SCHEMAS, specs(), code())
    frame = avro_frame(up.index.schema_id((ORDER, 1)), V1.model.fastavro_schema, V1_EVENT)

    with pytest.raises(UpcastFailed, match="placed_at"):
        WireUpcaster(up).upcast(frame)  # no envelope time for from_metadata to read
