"""Protobuf: compile ``.proto`` text or accept a base64 ``FileDescriptorProto``; print it back.

Text is compiled by protoc from grpcio-tools, in this process (``protoc``). Its imports come
from the schema's references (already parsed, passed in as ``dependencies``) or from the
built-in files every Confluent client assumes (``imports``). protoc gets the imports as
one serialized ``FileDescriptorSet``, so an imported file is never parsed again. A descriptor is
resolved in a descriptor pool, printed, and the printed text compiled too, so whatever is stored
compiles again later.

Either way the result is one ``FileDescriptorProto`` named ``default.proto`` (``default_1.proto``
and so on if a reference took that name), and the canonical text is printed from it by
``printer``: the text and descriptor forms of a file get the same canonical form.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, unknown_fields
from google.protobuf.message import DecodeError

from evcat.errors import InvalidSchemaError
from evcat.formats.base import PROTOBUF, ParsedSchema, SchemaReference
from evcat.formats.protobuf.bounds import check_bounds
from evcat.formats.protobuf.imports import (
    builtin_names,
    closure,
    symbols_of,
)
from evcat.formats.protobuf.names import file_symbols
from evcat.formats.protobuf.options import OptionReader
from evcat.formats.protobuf.printer import Printer, default_json_name
from evcat.formats.protobuf.protoc import compile_source, missing_import

__all__ = ["MAIN_FILE_NAME", "PROTOBUF_FORMAT", "ProtobufFormat", "ProtobufModel", "builtin_names"]

FileDescriptorProto = descriptor_pb2.FileDescriptorProto
_FIELD = descriptor_pb2.FieldDescriptorProto
MAIN_FILE_NAME = "default.proto"
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# Only decides which files protoc is handed; protoc itself decides what the file imports.
_IMPORT = re.compile(r'\bimport\s+(?:public\s+|weak\s+|option\s+)?"([^"]+)"')


@dataclass(frozen=True, eq=False)
class ProtobufModel:
    """A compiled file and everything it imports, for compatibility checks and serializers.

    ``file`` is this schema's descriptor. ``dependencies`` holds every file it imports,
    directly or not (built-ins included), each after the files it imports and named by its
    import path. ``reference_versions`` maps the import path of each referenced file to its
    ``(subject, version)``. A normalized parse prints sorted text but keeps ``file`` in the
    declared order, which is what message indexes count. The descriptors are shared between
    parses: treat them as read-only.
    """

    file: Any
    dependencies: tuple[Any, ...] = ()
    reference_versions: Mapping[str, tuple[str, int]] = field(default_factory=dict)

    @cached_property
    def symbols(self) -> Mapping[str, str]:
        """Every name the file can see (full name without leading dot) and its kind."""
        return ChainMap(file_symbols(self.file), *map(symbols_of, self.dependencies))

    @cached_property
    def pool(self) -> Any:
        """A ``DescriptorPool`` with the file and its imports (built on first use)."""
        pool = descriptor_pool.DescriptorPool()
        for file in (*self.dependencies, self.file):
            pool.Add(file)
        return pool

    @cached_property
    def message_indexes(self) -> Mapping[str, tuple[int, ...]]:
        """Confluent message indexes: each message's full name -> its index path in the file."""
        indexes: dict[str, tuple[int, ...]] = {}

        def walk(messages: Iterable[Any], prefix: str, path: tuple[int, ...]) -> None:
            for position, message in enumerate(messages):
                indexes[prefix + message.name] = (*path, position)
                walk(message.nested_type, f"{prefix}{message.name}.", (*path, position))

        walk(self.file.message_type, f"{self.file.package}." if self.file.package else "", ())
        return indexes

    @property
    def message_names(self) -> tuple[str, ...]:
        """Full names of the file's messages in declaration order (depth first)."""
        return tuple(self.message_indexes)

    def message_descriptor(self, full_name: str) -> Any:
        """The ``Descriptor`` of a message, from :attr:`pool`."""
        return self.pool.FindMessageTypeByName(full_name)


def _referenced_files(dependencies: Mapping[str, ParsedSchema]) -> dict[str, Any]:
    """Every file reachable through the references, keyed by import path."""
    files: dict[str, Any] = {}
    for name, schema in dependencies.items():
        model = schema.model
        if not isinstance(model, ProtobufModel):
            raise InvalidSchemaError(
                f'Reference "{name}" points at a {schema.schema_type} schema; a Protobuf '
                "schema can only import Protobuf schemas"
            )
        own = FileDescriptorProto()
        own.CopyFrom(model.file)
        own.name = name
        for file in (*model.dependencies, own):
            if files.setdefault(file.name, file) is not file and files[file.name] != file:
                raise InvalidSchemaError(
                    f'Two different files are imported as "{file.name}"; make every reference '
                    "to that import path point at the same subject version"
                )
    return files


def _compile_text(text: str, available: Mapping[str, Any]) -> Any:
    names = _IMPORT.findall(text)
    return compile_source(text, closure(names, available), names)


def _decode_descriptor(text: str) -> Any:
    """The ``FileDescriptorProto`` in base64 ``text``, or ``None`` when ``text`` is source.

    ``.proto`` source always has characters outside the base64 alphabet (``;``, ``{``,
    quotes, spaces between words), so text made only of base64 characters is a descriptor.
    """
    compact = "".join(text.split())
    if " " in text.strip() or not _BASE64.fullmatch(compact):
        return None
    try:
        file = FileDescriptorProto.FromString(base64.b64decode(compact, validate=True))
    except binascii.Error as error:
        raise InvalidSchemaError(
            f"Invalid Protobuf schema: the text is neither .proto source nor valid base64 "
            f"({error}); send .proto source or a base64 serialized FileDescriptorProto"
        ) from None
    except DecodeError:
        file = None
    if file is None or len(unknown_fields.UnknownFieldSet(file)):
        raise InvalidSchemaError(
            "Invalid Protobuf schema: the base64 text does not decode to a serialized "
            "FileDescriptorProto; send .proto source or FileDescriptor.serialized_pb in base64"
        )
    return file


def _check_descriptor(file: Any, available: Mapping[str, Any]) -> Any:
    """Resolve ``file`` against its imports; returns it with every type name fully qualified."""
    for name in file.dependency:
        if name not in available and name not in builtin_names():
            raise InvalidSchemaError(f"Invalid Protobuf schema: {missing_import(name)}")
    pool = descriptor_pool.DescriptorPool()
    resolved = FileDescriptorProto()
    try:
        for imported in closure(file.dependency, available):
            pool.Add(imported)
        pool.Add(file)
        pool.FindFileByName(file.name).CopyToProto(resolved)
    except (TypeError, ValueError, KeyError) as error:
        raise InvalidSchemaError(f"Invalid Protobuf descriptor: {error}") from None
    return resolved


def _shortest_float(text: str, single: bool) -> str:
    """``text`` as the shortest decimal that reads back as the same float (or double)."""
    try:
        value = float(text)
    except ValueError:
        return text
    if value != value or abs(value) == float("inf"):
        return text
    pack = struct.Struct("f" if single else "d")
    for digits in range(1, 18):
        shown = f"{value:.{digits}g}"
        if pack.pack(float(shown)) == pack.pack(value):
            return shown
    return repr(value)


def _tidy(file: Any) -> None:
    """Drop what is not part of the schema: source positions, JSON names protoc derives.

    Float defaults are rewritten in their shortest form because protoc and the code generated
    for client libraries print them with different precision.
    """
    file.ClearField("source_code_info")
    floats = {_FIELD.TYPE_FLOAT: True, _FIELD.TYPE_DOUBLE: False}

    def fields(fields: Iterable[Any]) -> None:
        for each in fields:
            if each.HasField("json_name") and each.json_name == default_json_name(each.name):
                each.ClearField("json_name")
            if each.HasField("default_value") and each.type in floats:
                each.default_value = _shortest_float(each.default_value, floats[each.type])

    def message(node: Any) -> None:
        fields((*node.field, *node.extension))
        for nested in node.nested_type:
            message(nested)

    fields(file.extension)
    for node in file.message_type:
        message(node)


class ProtobufFormat:
    """The PROTOBUF schema type: ``.proto`` text or base64 ``FileDescriptorProto`` in."""

    schema_type = PROTOBUF

    def parse(
        self,
        text: str,
        references: Sequence[SchemaReference] = (),
        dependencies: Mapping[str, ParsedSchema] | None = None,
        *,
        normalize: bool = False,
    ) -> ParsedSchema:
        """Compile and validate; the canonical form is the file printed from its descriptor."""
        dependencies = dict(dependencies or {})
        if not text.strip():
            raise InvalidSchemaError("Invalid Protobuf schema: the schema text is empty")
        available = _referenced_files(dependencies)
        name, suffix = MAIN_FILE_NAME, 0
        while name in available:
            suffix += 1
            name = f"default_{suffix}.proto"
        descriptor = _decode_descriptor(text)
        if descriptor is None:
            file = _compile_text(text, available)
            check_bounds(file)
        else:
            check_bounds(descriptor)
            descriptor.name = name
            file = _check_descriptor(descriptor, available)
        file.name = name
        _tidy(file)
        versions: dict[str, tuple[str, int]] = {}
        for schema in dependencies.values():
            versions.update(schema.model.reference_versions)
        versions.update({ref.name: (ref.subject, ref.version) for ref in references})
        model = ProtobufModel(file, tuple(closure(file.dependency, available)), versions)
        options = OptionReader((*model.dependencies, file))
        try:
            canonical = Printer(file, model.symbols, options, normalize=normalize).print()
        except DecodeError as error:  # custom option bytes inside a descriptor that are corrupt
            raise InvalidSchemaError(f"Invalid Protobuf descriptor: {error}") from None
        if descriptor is not None:
            # What is stored must compile again, so protoc has the last word on descriptors.
            _compile_text(canonical, available)
        return ParsedSchema(PROTOBUF, canonical, model, tuple(references), dependencies)

    def render(self, schema: ParsedSchema, output_format: str) -> str:
        """``serialized``: base64 ``FileDescriptorProto``; anything else: the canonical text."""
        if output_format.lower() == "serialized" and isinstance(schema.model, ProtobufModel):
            raw = schema.model.file.SerializeToString(deterministic=True)
            return base64.b64encode(raw).decode("ascii")
        return schema.canonical


PROTOBUF_FORMAT = ProtobufFormat()
