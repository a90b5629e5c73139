"""Protobuf messages <-> plain dicts, the payload form upcasters work on.

Unlike ProtoJSON, 64-bit integers stay ``int`` and bytes stay ``bytes``; enums are symbol
names; an unset message field or ``optional`` scalar is ``None``; every other field is present
with its value (the zero value when unset), so a payload always has the message's layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor

from evcat.upcast.shapes.protobuf import is_map, zero_value

__all__ = ["fill_message", "message_class", "message_to_dict", "zero_value"]

_MESSAGE = FieldDescriptor.TYPE_MESSAGE
_ENUM = FieldDescriptor.TYPE_ENUM


def message_class(descriptor: Any) -> Any:
    """The generated message class of a descriptor."""
    return message_factory.GetMessageClass(descriptor)


def _value(field: Any, value: Any) -> Any:
    if field.type == _MESSAGE:
        return message_to_dict(value)
    if field.type == _ENUM:
        symbol = field.enum_type.values_by_number.get(value)
        return symbol.name if symbol is not None else value
    return value


def message_to_dict(message: Any) -> dict[str, Any]:
    """A message as a dict with every field of its type."""
    out: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            out[field.name] = {key: _value(value_field, item) for key, item in value.items()}
        elif field.is_repeated:
            out[field.name] = [_value(field, item) for item in value]
        elif field.has_presence and not message.HasField(field.name):
            out[field.name] = None
        else:
            out[field.name] = _value(field, value)
    return out


def _scalar(field: Any, value: Any) -> Any:
    if field.type == _ENUM and isinstance(value, str):
        symbol = field.enum_type.values_by_name.get(value)
        if symbol is None:
            raise ValueError(f"'{value}' is not a symbol of {field.enum_type.full_name}")
        return symbol.number
    return value


def fill_message(message: Any, data: Mapping[str, Any]) -> Any:
    """Set ``message``'s fields from ``data`` (keys the message lacks are ignored)."""
    fields = message.DESCRIPTOR.fields_by_name
    for name, value in data.items():
        field = fields.get(name)
        if field is None or value is None:
            continue
        if is_map(field):
            target = getattr(message, name)
            value_field = field.message_type.fields_by_name["value"]
            for key, item in value.items():
                if value_field.type == _MESSAGE:
                    fill_message(target[key], item)
                else:
                    target[key] = _scalar(value_field, item)
        elif field.is_repeated:
            target = getattr(message, name)
            for item in value:
                if field.type == _MESSAGE:
                    fill_message(target.add(), item)
                else:
                    target.append(_scalar(field, item))
        elif field.type == _MESSAGE:
            inner = getattr(message, name)
            inner.SetInParent()
            fill_message(inner, value)
        else:
            setattr(message, name, _scalar(field, value))
    return message
