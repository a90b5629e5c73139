"""Protobuf: compile ``.proto`` text or accept a base64 ``FileDescriptorProto``; print it back.

Text is compiled by protoc from grpcio-tools, in this process. Its imports come from the
schema's references (already parsed, passed in as ``dependencies``) or from the built-in files
every Confluent client assumes: ``google/protobuf/*`` (shipped with grpcio-tools),
``google/type/*``, ``confluent/meta.proto`` and ``confluent/type/decimal.proto`` (shipped here in
``builtin_protos``). protoc gets the imports as one serialized ``FileDescriptorSet``, so an
imported file is never parsed again. A descriptor is resolved in a descriptor pool, printed, and
the printed text compiled too, so whatever is stored compiles again later.

Either way the result is one ``FileDescriptorProto`` named ``default.proto`` (``default_1.proto``
and so on if a reference took that name), and the canonical text is printed from it by
``protobuf_printer``: the text and descriptor forms of a file get the same canonical form.
"""

from __future__ import annotations

import atexit
import base64
import binascii
import hashlib
import os
import re
import shutil
import struct
import sys
import tempfile
import threading
from collections import ChainMap, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import grpc_tools
from google.protobuf import descriptor_pb2, descriptor_pool, unknown_fields
from google.protobuf.message import DecodeError
from grpc_tools import _protoc_compiler

from evcat.errors import InvalidSchemaError
from evcat.registry.formats.base import PROTOBUF, ParsedSchema, SchemaReference
from evcat.registry.formats.protobuf_printer import (
    OptionReader,
    Printer,
    default_json_name,
    file_symbols,
)

FileDescriptorProto = descriptor_pb2.FileDescriptorProto
_FIELD = descriptor_pb2.FieldDescriptorProto
MAIN_FILE_NAME = "default.proto"
_SCRATCH_NAME = "__evcat_schema__.proto"
_PROTOC_INCLUDE = Path(grpc_tools.__file__).parent / "_proto"
_BUILTIN_INCLUDE = Path(__file__).parent / "builtin_protos"
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# Only decides which files protoc is handed; protoc itself decides what the file imports.
_IMPORT = re.compile(r'\bimport\s+(?:public\s+|weak\s+|option\s+)?"([^"]+)"')
_PROTOC_LINE = re.compile(r"^(.+?)(?::(\d+):(\d+))?: (.*)$")
# protoc also logs through absl ("W0000 00:00:1796... parser.cc:659] ...").
_PROTOC_LOG = re.compile(r"^([IWEF]\d{4} \d|WARNING: All log messages before absl)")
_MISSING_IMPORT = re.compile(r'^Import "([^"]+)" was not found or had errors\.$')
_COMPILED_CACHE_SIZE = 512


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
        return ChainMap(file_symbols(self.file), *map(_symbols_of, self.dependencies))

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


# protoc reads and writes files and reports on standard error; one lock covers the scratch
# directory and the borrowed file descriptor 2.
_lock = threading.Lock()
_scratch: dict[int, Path] = {}
_compiled: OrderedDict[bytes, bytes] = OrderedDict()


def _directory() -> Path:
    """This process's scratch directory: a forked worker must not share its parent's."""
    path = _scratch.get(os.getpid())
    if path is None:
        memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # tmpfs when possible
        path = _scratch[os.getpid()] = Path(tempfile.mkdtemp(prefix="evcat-protoc-", dir=memory))
    return path


@atexit.register
def _remove_scratch() -> None:
    if os.getpid() in _scratch:
        shutil.rmtree(_scratch[os.getpid()], ignore_errors=True)


def _protoc(
    arguments: list[str], names: Iterable[str], text: str | None = None, imports: bytes = b""
) -> Any:
    """Run protoc; returns ``(status, messages, FileDescriptorSet)``.

    With ``text`` that text is the file compiled; ``imports`` is a serialized file set.
    ``names`` are the files protoc may report on, which tells its messages from other output.
    """
    with _lock:
        scratch = _directory()
        if text is not None:
            # Alone in its directory, so no import can reach protoc's other scratch files.
            (scratch / "source").mkdir(exist_ok=True)
            (scratch / "source" / _SCRATCH_NAME).write_text(text, encoding="utf-8")
            arguments = [f"-I{scratch / 'source'}", *arguments, _SCRATCH_NAME]
        if imports:
            (scratch / "imports.pb").write_bytes(imports)
            arguments = [f"--descriptor_set_in={scratch / 'imports.pb'}", *arguments]
        output = scratch / "out.pb"
        arguments = ["protoc", f"--descriptor_set_out={output}", *arguments]
        with (scratch / "stderr.txt").open("w+b") as sink:
            sys.stderr.flush()
            saved = os.dup(2)
            try:
                os.dup2(sink.fileno(), 2)
                status = _protoc_compiler.run_main([a.encode() for a in arguments])
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            sink.seek(0)
            report = sink.read().decode("utf-8", "replace")
            report = report.replace(f"{scratch / 'source'}{os.sep}", "")
        compiled = descriptor_pb2.FileDescriptorSet()
        if status == 0:
            compiled.ParseFromString(output.read_bytes())
    known = {_SCRATCH_NAME, *names}
    ours: list[str] = []
    foreign: list[str] = []
    for line in report.splitlines():
        if line.partition(":")[0] in known:
            ours.append(line)
        elif _PROTOC_LOG.match(line) or ": warning:" in line:
            continue
        elif ours and ours[-1].count('"') % 2:
            ours[-1] += "\\n" + line  # a quoted name with a line break in it
        elif line:
            foreign.append(line)
    if foreign:  # another thread wrote to standard error meanwhile: pass it on
        sys.stderr.write("\n".join(foreign) + "\n")
    return status, "\n".join(ours), compiled


@cache
def builtin_names() -> frozenset[str]:
    """Import paths that need no reference: the well-known and common types."""
    return frozenset(
        path.relative_to(root).as_posix()
        for root in (_PROTOC_INCLUDE, _BUILTIN_INCLUDE)
        for path in root.rglob("*.proto")
    )


_builtin_files: dict[str, Any] = {}
_builtin_symbols: dict[str, dict[str, str]] = {}


def _builtin(name: str) -> Any:
    """The compiled descriptor of a built-in file (compiled once per process)."""
    if name not in _builtin_files:
        include = [f"-I{_BUILTIN_INCLUDE}", f"-I{_PROTOC_INCLUDE}", "--include_imports", name]
        status, messages, compiled = _protoc(include, builtin_names())
        if status != 0:  # the shipped files compile, so this is a broken installation
            raise RuntimeError(f"built-in {name} does not compile: {messages}")
        for file in compiled.file:
            _builtin_files.setdefault(file.name, file)
    return _builtin_files[name]


def _symbols_of(file: Any) -> dict[str, str]:
    """Symbols of one imported file; a built-in's are worked out once per process."""
    name: str = file.name
    if _builtin_files.get(name) is not file:
        return file_symbols(file)
    if name not in _builtin_symbols:
        _builtin_symbols[name] = file_symbols(_builtin_files[name])
    return _builtin_symbols[name]


def _explain(messages: str) -> str:
    """protoc's messages as one sentence that says where each problem is and what to do."""
    reasons: list[str] = []
    for match in filter(None, map(_PROTOC_LINE.match, messages.splitlines())):
        name, row, column, text = match.groups()
        if text == "File not found." or text.startswith("warning:"):
            continue
        missing = _MISSING_IMPORT.match(text)
        if missing:
            text = _missing_import(missing.group(1))
        text = text.replace(f'"{_SCRATCH_NAME}"', "this schema").replace(_SCRATCH_NAME, "it")
        where = "" if row is None else f"line {row}, column {column}: "
        reason = where + text if name == _SCRATCH_NAME else f"in {name}: {where}{text}"
        if reason not in reasons:
            reasons.append(reason)
    return "; ".join(reasons[:8]) or "protoc rejected the file"


def _missing_import(name: str) -> str:
    return (
        f'import "{name}" is neither a built-in file nor one of the given references; '
        f'register that file and add a reference named "{name}"'
    )


def _closure(names: Iterable[str], available: Mapping[str, Any]) -> list[Any]:
    """The files behind ``names`` and everything they import, each after its own imports."""
    ordered: dict[str, Any] = {}
    entered: set[str] = set()
    # Depth first without recursion: a chain of imports may be longer than Python's stack.
    stack = [(name, False) for name in reversed(list(names))]
    while stack:
        name, imports_done = stack.pop()
        file = available.get(name)
        if file is None and name in builtin_names():
            file = _builtin(name)
        if file is None or name in ordered:
            continue
        if imports_done:
            ordered[name] = file
        elif name not in entered:
            entered.add(name)
            stack.append((name, True))
            stack += [(imported, False) for imported in reversed(file.dependency)]
    return list(ordered.values())


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
    imported = _closure(names, available)
    imports = descriptor_pb2.FileDescriptorSet(file=imported).SerializeToString(deterministic=True)
    # Producers register the same schema again and again: keep what protoc made of it.
    key = hashlib.blake2b(imports + b"\0" + text.encode("utf-8", "surrogatepass")).digest()
    with _lock:
        compiled = _compiled.get(key)
    if compiled is None:
        known = [*names, *(file.name for file in imported)]
        status, messages, file_set = _protoc([], known, text=text, imports=imports)
        if status != 0:
            raise InvalidSchemaError(f"Invalid Protobuf schema: {_explain(messages)}")
        compiled = file_set.file[0].SerializeToString()
        with _lock:
            _compiled[key] = compiled
            if len(_compiled) > _COMPILED_CACHE_SIZE:
                _compiled.popitem(last=False)
    return FileDescriptorProto.FromString(compiled)


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
            raise InvalidSchemaError(f"Invalid Protobuf schema: {_missing_import(name)}")
    pool = descriptor_pool.DescriptorPool()
    resolved = FileDescriptorProto()
    try:
        for imported in _closure(file.dependency, available):
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
        else:
            descriptor.name = name
            file = _check_descriptor(descriptor, available)
        file.name = name
        _tidy(file)
        versions: dict[str, tuple[str, int]] = {}
        for schema in dependencies.values():
            versions.update(schema.model.reference_versions)
        versions.update({ref.name: (ref.subject, ref.version) for ref in references})
        model = ProtobufModel(file, tuple(_closure(file.dependency, available)), versions)
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
