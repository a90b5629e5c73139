"""Refuse a Protobuf file too large or too deeply nested to walk, before anything walks it.

The printer, the option reader, the compatibility checks and the catalog pages each walk
every message, field and enum of a file, several of them recursively; a file within the
request size can still declare tens of thousands of fields or messages nested hundreds
deep. The bounds are ``EVCAT_PROTOBUF_MAX_FIELDS``, ``EVCAT_PROTOBUF_MAX_MESSAGES`` and
``EVCAT_SCHEMA_MAX_DEPTH`` (docs/security.md, "Input limits").
"""

from __future__ import annotations

from typing import Any

from evcat.errors import InvalidSchemaError
from evcat.limits import current

_FIX = "split the schema into several files joined by references"
# protoc refuses message declarations nested deeper than this, and what is stored must compile.
PROTOC_MAX_NESTING = 31


def check_bounds(file: Any) -> None:
    """Raise ``InvalidSchemaError`` when ``file`` (a ``FileDescriptorProto``) is past a limit.

    Counts every message and enum of the file, nested ones included, against
    ``protobuf_max_messages``; the fields (extensions declared inside included) of each
    message and the values of each enum against ``protobuf_max_fields``; and the nesting of
    message declarations against ``schema_max_depth`` (at most :data:`PROTOC_MAX_NESTING`;
    the entry types protoc derives for map fields are not declarations). Iterative, so a
    hostile depth never reaches Python's recursion limit.
    """
    limits = current()
    max_depth = min(limits.schema_max_depth, PROTOC_MAX_NESTING)
    types = len(file.enum_type)
    _check_enums(file.enum_type, limits.protobuf_max_fields)
    stack: list[tuple[Any, int]] = [(message, 1) for message in file.message_type]
    while stack:
        message, depth = stack.pop()
        types += 1 + len(message.enum_type)
        if types > limits.protobuf_max_messages:
            raise InvalidSchemaError(
                f"Invalid schema of type PROTOBUF: the file declares more than "
                f"{limits.protobuf_max_messages} messages and enums (nested ones included; "
                f"EVCAT_PROTOBUF_MAX_MESSAGES); {_FIX}"
            )
        if depth > max_depth and not message.options.map_entry:
            raise InvalidSchemaError(
                f"Invalid schema of type PROTOBUF: message {message.name} is nested deeper "
                f"than {max_depth} levels (EVCAT_SCHEMA_MAX_DEPTH, at most "
                f"{PROTOC_MAX_NESTING} for Protobuf: the deepest protoc compiles); flatten the "
                "nested message declarations"
            )
        fields = len(message.field) + len(message.extension)
        if fields > limits.protobuf_max_fields:
            raise InvalidSchemaError(
                f"Invalid schema of type PROTOBUF: message {message.name} has {fields} fields, "
                f"more than {limits.protobuf_max_fields} (EVCAT_PROTOBUF_MAX_FIELDS); {_FIX}"
            )
        _check_enums(message.enum_type, limits.protobuf_max_fields)
        stack.extend((nested, depth + 1) for nested in message.nested_type)


def _check_enums(enums: Any, limit: int) -> None:
    for enum in enums:
        if len(enum.value) > limit:
            raise InvalidSchemaError(
                f"Invalid schema of type PROTOBUF: enum {enum.name} has {len(enum.value)} "
                f"values, more than {limit} (EVCAT_PROTOBUF_MAX_FIELDS); {_FIX}"
            )
