"""Payload shapes from Protobuf descriptors (the first message of the file, as Confluent's
serializers default to).

A decoded Protobuf payload is the dict ``evcat.upcast.codecs.protobuf`` builds: field names as
declared, 64-bit integers as ``int``, enums as symbol names, maps as dicts. No field is ever
required, since proto3 readers see an absent field as its zero value.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import FieldDescriptor

from evcat.upcast.shapes.model import FieldShape, Shape, record

_SCALARS = {
    FieldDescriptor.TYPE_DOUBLE: "double",
    FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_INT64: "long",
    FieldDescriptor.TYPE_UINT64: "long",
    FieldDescriptor.TYPE_INT32: "int",
    FieldDescriptor.TYPE_FIXED64: "long",
    FieldDescriptor.TYPE_FIXED32: "long",
    FieldDescriptor.TYPE_BOOL: "boolean",
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_UINT32: "long",
    FieldDescriptor.TYPE_SFIXED32: "int",
    FieldDescriptor.TYPE_SFIXED64: "long",
    FieldDescriptor.TYPE_SINT32: "int",
    FieldDescriptor.TYPE_SINT64: "long",
}


def is_map(field: Any) -> bool:
    message = field.message_type
    return message is not None and message.GetOptions().map_entry


def zero_value(field: Any) -> Any:
    """What a decoded payload holds for an unset field (see ``evcat.upcast.codecs.protobuf``)."""
    if is_map(field):
        return {}
    if field.is_repeated:
        return []
    if field.has_presence:
        return None
    if field.type == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[0].name
    return field.default_value


def _value_shape(field: Any, seen: dict[str, Shape]) -> Shape:
    if field.type == FieldDescriptor.TYPE_ENUM:
        symbols = tuple(value.name for value in field.enum_type.values)
        return Shape("enum", symbols=symbols, name=field.enum_type.full_name)
    if field.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP):
        return message_shape(field.message_type, seen)
    return Shape(_SCALARS.get(field.type, "any"))


def message_shape(descriptor: Any, seen: dict[str, Shape] | None = None) -> Shape:
    """The shape of one message type; recursive messages end in a field-less record."""
    seen = {} if seen is None else seen
    if descriptor.full_name in seen:
        return seen[descriptor.full_name]
    seen[descriptor.full_name] = Shape("record", name=descriptor.full_name)
    fields = {}
    for field in descriptor.fields:
        if is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            shape = Shape("map", items=_value_shape(value_field, seen))
        elif field.is_repeated:
            shape = Shape("array", items=_value_shape(field, seen))
        else:
            shape = _value_shape(field, seen)
            if field.has_presence:  # messages and `optional` scalars may be unset
                shape = Shape("union", branches=(Shape("null"), shape))
        # proto3 readers see an unset field as its zero value: that is its default.
        fields[field.name] = FieldShape(
            shape, required=False, has_default=True, default=zero_value(field)
        )
    built = record(fields, name=descriptor.full_name, open=False)
    seen[descriptor.full_name] = built
    return built


def proto_shape(model: Any) -> Shape:
    """The shape of the first message of a ``ProtobufModel``."""
    names = model.message_names
    if not names:
        return Shape("any")
    return message_shape(model.message_descriptor(names[0]))
