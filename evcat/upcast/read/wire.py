"""Confluent wire-format payloads: magic byte 0, 4-byte big-endian schema id, then the data.

Protobuf data starts with the message-index path (zigzag varints: a count, then the indexes;
the common ``[0]`` is the single byte 0). ``WireUpcaster.upcast`` reads the header, and when
the schema id is already the target returns the *same* bytes object without decoding;
otherwise it decodes with the writer schema, runs the compiled route and encodes with the
target schema behind a header carrying the target's id (and message index).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import fastavro
import orjson

from evcat.formats import AVRO, JSON, PROTOBUF, ParsedSchema
from evcat.upcast.codecs.avro import AvroCodec, AvroDataError, generate_codec, zigzag_varint
from evcat.upcast.codecs.protobuf import fill_message, message_class, message_to_dict
from evcat.upcast.codecs.resolution import fastavro_schema as parse_fastavro
from evcat.upcast.errors import InvalidWireFormat, UpcastFailed
from evcat.upcast.graph.schemas import NodeKey
from evcat.upcast.ops.catalogue import EventDropped
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.read.dicts import Route, StoredEvent, Upcaster, UpcastEvent

_HEADER = struct.Struct(">bI")
_UNSET: Any = object()
Decoder = Callable[[bytes], Any]
Encoder = Callable[[Any], bytes]


def header(schema_id: int) -> bytes:
    return _HEADER.pack(0, schema_id)


def read_header(data: bytes) -> int:
    """The schema id of a frame; raises ``InvalidWireFormat`` for anything else."""
    try:
        magic, schema_id = _HEADER.unpack_from(data)
    except (struct.error, TypeError):
        raise InvalidWireFormat("not a Confluent wire-format frame: fewer than 5 bytes") from None
    if magic != 0:
        raise InvalidWireFormat(
            f"unknown magic byte 0x{magic & 0xFF:02x}: a Confluent frame starts with 0x00"
        )
    return int(schema_id)


def _read_zigzag(data: bytes, offset: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if offset >= len(data):
            raise InvalidWireFormat("truncated Protobuf message index")
        byte = data[offset]
        offset += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return (result >> 1) ^ -(result & 1), offset
        shift += 7
        if shift > 63:
            raise InvalidWireFormat("Protobuf message index is not a valid varint")


def message_index_bytes(indexes: tuple[int, ...]) -> bytes:
    """The encoded message-index path; ``(0,)`` is the single byte 0, as Confluent writes it."""
    if indexes == (0,):
        return b"\x00"
    return zigzag_varint(len(indexes)) + b"".join(zigzag_varint(index) for index in indexes)


def read_message_index(data: bytes, offset: int = 5) -> tuple[tuple[int, ...], int]:
    """The message-index path at ``offset`` and the offset of the message bytes."""
    count, offset = _read_zigzag(data, offset)
    if count == 0:
        return (0,), offset
    if count < 0 or count > 64:
        raise InvalidWireFormat(f"implausible Protobuf message index count {count}")
    indexes = []
    for _ in range(count):
        index, offset = _read_zigzag(data, offset)
        indexes.append(index)
    return tuple(indexes), offset


@lru_cache(maxsize=4096)
def fastavro_schema(schema: ParsedSchema) -> Any:
    """fastavro's marked parse of ``schema``, once per schema."""
    return parse_fastavro(schema)


@lru_cache(maxsize=4096)
def generated_codec(schema: ParsedSchema) -> AvroCodec | None:
    """The generated codec of ``schema``, once per schema; ``None`` when fastavro must do it."""
    return generate_codec(fastavro_schema(schema), schema.model.fastavro_named)


def _avro_codec(schema: ParsedSchema, prefix: bytes) -> tuple[Decoder, Encoder]:
    generated = generated_codec(schema)
    if generated is not None:
        read, write = generated.decode, generated.encode

        def decode(data: bytes) -> Any:
            try:
                return read(data, 5)
            except AvroDataError as error:
                raise _undecodable(data, error) from None

        def encode(value: Any) -> bytes:
            out = bytearray(prefix)
            write(out, value)
            return bytes(out)

        return decode, encode
    parsed = fastavro_schema(schema)
    reader = fastavro.schemaless_reader
    writer = fastavro.schemaless_writer

    def decode_slowly(data: bytes) -> Any:
        buffer = io.BytesIO(data)
        buffer.seek(5)
        try:
            return reader(buffer, parsed, None)
        except (EOFError, ValueError, IndexError, struct.error) as error:
            raise _undecodable(data, error) from None

    def encode_slowly(value: Any) -> bytes:
        buffer = io.BytesIO()
        buffer.write(prefix)
        writer(buffer, parsed, value)
        return buffer.getvalue()

    return decode_slowly, encode_slowly


def _undecodable(data: bytes, error: Exception) -> InvalidWireFormat:
    return InvalidWireFormat(
        f"the data of this frame is not valid for schema id {read_header(data)}: {error}"
    )


def _json_codec(prefix: bytes) -> tuple[Decoder, Encoder]:
    return (lambda data: orjson.loads(data[5:])), (lambda value: prefix + orjson.dumps(value))


def _protobuf_codec(schema: ParsedSchema, prefix: bytes) -> tuple[Decoder, Encoder]:
    model = schema.model
    by_index = {indexes: name for name, indexes in model.message_indexes.items()}
    main = model.message_names[0]
    classes: dict[str, Any] = {}

    def cls(name: str) -> Any:
        if name not in classes:
            classes[name] = message_class(model.message_descriptor(name))
        return classes[name]

    def decode(data: bytes) -> Any:
        indexes, offset = read_message_index(data)
        name = by_index.get(indexes)
        if name is None:
            raise InvalidWireFormat(f"message index {list(indexes)} names no message")
        return message_to_dict(cls(name).FromString(bytes(data[offset:])))

    encode_prefix = prefix + message_index_bytes(model.message_indexes[main])

    def encode(value: Any) -> bytes:
        body: bytes = fill_message(cls(main)(), value).SerializeToString()
        return encode_prefix + body

    return decode, encode


def codec(schema: ParsedSchema, schema_id: int) -> tuple[Decoder, Encoder]:
    """Decode and encode functions for frames of ``schema`` under ``schema_id``."""
    prefix = header(schema_id)
    if schema.schema_type == AVRO:
        return _avro_codec(schema, prefix)
    if schema.schema_type == JSON:
        return _json_codec(prefix)
    if schema.schema_type == PROTOBUF:
        return _protobuf_codec(schema, prefix)
    raise UpcastFailed(f"no wire codec for {schema.schema_type}")


@dataclass(frozen=True)
class _Plan:
    node: NodeKey
    decode: Decoder
    route: Route


class WireUpcaster:
    """Upcasts Confluent-framed payloads, bytes in and bytes out."""

    def __init__(self, upcaster: Upcaster, hint: str | None = None) -> None:
        self.upcaster = upcaster
        self.hint = hint
        self._plans: dict[int, _Plan | None] = {}
        self._encoders: dict[NodeKey, Encoder] = {}

    def _plan(self, schema_id: int) -> _Plan | None:
        if schema_id in self._plans:
            return self._plans[schema_id]
        index = self.upcaster.index
        node = index.node_for_id(schema_id, self.hint)
        route = self.upcaster.route(node)
        plan = (
            None if route is None else _Plan(node, codec(index.parsed(node), schema_id)[0], route)
        )
        self._plans[schema_id] = plan
        return plan

    def encoder(self, node: NodeKey) -> Encoder:
        encode = self._encoders.get(node)
        if encode is None:
            index = self.upcaster.index
            encode = codec(index.parsed(node), index.schema_id(node))[1]
            self._encoders[node] = encode
        return encode

    def upcast(self, data: bytes, ctx: UpcastContext | None = None) -> bytes:
        """The frame at the target version; the same object when it is already there.

        ``ctx`` carries the envelope for edges that read it (``from_metadata``).
        """
        schema_id = read_header(data)
        plan = self._plans.get(schema_id, _UNSET)
        if plan is _UNSET:
            plan = self._plan(schema_id)
        if plan is None:
            return data
        route = plan.route
        if route.emit is not None:
            raise UpcastFailed(
                f"{plan.node[0]} v{plan.node[1]} becomes several events; use upcast_events()"
            )
        try:
            out = route.stage(plan.decode(data), ctx or route.context)
        except EventDropped:
            raise UpcastFailed(
                f"{plan.node[0]} v{plan.node[1]} event was dropped; use upcast_events()"
            ) from None
        return self.encode(route.target, out)

    def encode(self, node: NodeKey, payload: Any) -> bytes:
        """``payload`` framed for ``node``; a payload the schema refuses is ``UpcastFailed``."""
        try:
            return self.encoder(node)(payload)
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as error:
            raise UpcastFailed(
                f"the upcast payload does not fit {node[0]} v{node[1]}: {error}",
                event_type=node[0],
                version=node[1],
            ) from error

    def decode_raw(self, data: bytes) -> Any:
        """The payload of a frame as written (decoded with its own schema, not upcast)."""
        schema_id = read_header(data)
        index = self.upcaster.index
        return codec(index.parsed(index.node_for_id(schema_id, self.hint)), schema_id)[0](data)

    def decode(self, data: bytes, ctx: UpcastContext | None = None) -> Any:
        """The payload of a frame, decoded and upcast to the target version."""
        schema_id = read_header(data)
        plan = self._plans.get(schema_id, _UNSET)
        if plan is _UNSET:
            plan = self._plan(schema_id)
        if plan is None:
            return self.decode_raw(data)
        return self.upcaster.upcast_data(plan.node[0], plan.node[1], plan.decode(data), ctx)

    def upcast_events(
        self, data: bytes, *, event_id: str | None = None, **envelope: Any
    ) -> list[tuple[UpcastEvent, bytes]]:
        """Every event a frame becomes (1:N edges, drops), each with its encoded frame."""
        schema_id = read_header(data)
        plan = self._plans.get(schema_id, _UNSET)
        if plan is _UNSET:
            plan = self._plan(schema_id)
        index = self.upcaster.index
        if plan is None:
            node = index.node_for_id(schema_id, self.hint)
            return [(UpcastEvent(node[0], node[1], None, schema_id, event_id), data)]
        event = StoredEvent(plan.node[0], plan.node[1], plan.decode(data), id=event_id, **envelope)
        return [
            (item, self.encode((item.event_type, item.version), item.data))
            for item in self.upcaster.upcast(event)
        ]
