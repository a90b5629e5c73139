"""Print a ``FileDescriptorProto`` as ``.proto`` text: the canonical form of a Protobuf schema.

The layout is fixed, so a file prints the same way whether it arrived as text or as a
serialized descriptor: syntax (or edition), package, imports, file options, messages, enums,
top-level extensions, services. Inside a message: options, fields (a oneof where its first
member is, maps as ``map<K, V>``, groups inline), nested messages, nested enums, extension
ranges, nested extensions, reserved numbers and names. Comments are gone (a descriptor has
none). Messages keep their declaration order in every mode because Confluent's message indexes
count them; a nested message is printed before a map or group field when its place among the
synthetic map-entry and group messages requires it, so re-parsing gives the same indexes.

With ``normalize`` (Confluent's ``normalize=true``): imports and options are sorted, type names
are fully qualified with a leading dot, fields are printed by tag, enum values by number,
reserved ranges in order, and a proto2 file has no ``syntax`` line (proto2 is the default).
Without it, type names are the shortest that protoc resolves to the same type.

Custom options are decoded with the extensions declared by the file and its imports and printed
by name. Bytes of an option that no imported extension declares cannot be named in ``.proto``
syntax, so they are dropped, as are unknown fields nested inside a standard option message.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_encoding
from google.protobuf import text_format, unknown_fields

_F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {
    _F.TYPE_DOUBLE: "double",
    _F.TYPE_FLOAT: "float",
    _F.TYPE_INT64: "int64",
    _F.TYPE_UINT64: "uint64",
    _F.TYPE_INT32: "int32",
    _F.TYPE_FIXED64: "fixed64",
    _F.TYPE_FIXED32: "fixed32",
    _F.TYPE_BOOL: "bool",
    _F.TYPE_STRING: "string",
    _F.TYPE_BYTES: "bytes",
    _F.TYPE_UINT32: "uint32",
    _F.TYPE_SFIXED32: "sfixed32",
    _F.TYPE_SFIXED64: "sfixed64",
    _F.TYPE_SINT32: "sint32",
    _F.TYPE_SINT64: "sint64",
}
_AGGREGATES = frozenset({"package", "message", "enum", "service"})
_TYPES = frozenset({"message", "enum"})
_MAX_FIELD_NUMBER = 536_870_911
_MAX_ENUM_NUMBER = 2_147_483_647


def file_symbols(file: Any) -> dict[str, str]:
    """Every name ``file`` defines (full name without leading dot) and what kind of thing it is."""
    symbols: dict[str, str] = {}
    parts = file.package.split(".") if file.package else []
    for end in range(1, len(parts) + 1):
        symbols[".".join(parts[:end])] = "package"
    prefix = f"{file.package}." if file.package else ""
    for message in file.message_type:
        _add_message(symbols, message, prefix)
    for enum in file.enum_type:
        _add_enum(symbols, enum, prefix)
    for extension in file.extension:
        symbols[prefix + extension.name] = "extension"
    for service in file.service:
        symbols[prefix + service.name] = "service"
        for method in service.method:
            symbols[f"{prefix}{service.name}.{method.name}"] = "method"
    return symbols


def _add_message(symbols: dict[str, str], message: Any, prefix: str) -> None:
    name = prefix + message.name
    symbols[name] = "message"
    inner = name + "."
    for member in (*message.field, *message.extension):
        symbols[inner + member.name] = "field"
    for oneof in message.oneof_decl:
        symbols[inner + oneof.name] = "oneof"
    for nested in message.nested_type:
        _add_message(symbols, nested, inner)
    for enum in message.enum_type:
        _add_enum(symbols, enum, inner)


def _add_enum(symbols: dict[str, str], enum: Any, prefix: str) -> None:
    symbols[prefix + enum.name] = "enum"
    # Enum values live in the scope that encloses the enum, as in C++.
    for value in enum.value:
        symbols[prefix + value.name] = "value"


def _lookup(name: str, scope: str, symbols: Mapping[str, str], want_type: bool) -> str | None:
    """What protoc resolves ``name`` to when it is written inside element ``scope``."""
    first = name.partition(".")[0]
    scope_to_try = scope
    while True:
        dot = scope_to_try.rfind(".")
        if dot < 0:
            return name if name in symbols else None
        scope_to_try = scope_to_try[:dot]
        kind = symbols.get(f"{scope_to_try}.{first}")
        if kind is None:
            continue
        if first != name:
            # protoc commits to the first aggregate it finds, even if the rest is missing.
            if kind in _AGGREGATES:
                full = f"{scope_to_try}.{name}"
                return full if full in symbols else None
        elif not want_type or kind in _TYPES:
            return f"{scope_to_try}.{first}"


_POOL_CACHE_SIZE = 32
_pools: OrderedDict[tuple[bytes, ...], dict[str, Any]] = OrderedDict()
_pools_lock = threading.Lock()


def _declares_extensions(file: Any) -> bool:
    def in_message(message: Any) -> bool:
        return bool(message.extension) or any(in_message(m) for m in message.nested_type)

    return bool(file.extension) or any(in_message(m) for m in file.message_type)


class OptionReader:
    """Reads options messages, custom options included, as ``(name, value text)`` pairs."""

    def __init__(self, files: Sequence[Any]) -> None:
        """``files``: every file the schema can see, each after the files it imports."""
        self._files = files
        self._classes: dict[str, Any] | None = None

    def _options_class(self, full_name: str) -> Any:
        if self._classes is None:
            self._classes = self._load_classes()
        cls = self._classes.get(full_name)
        if cls is None:
            pool = self._classes["__pool__"]
            try:
                descriptor = pool.FindMessageTypeByName(full_name)
            except KeyError:
                return None
            cls = self._classes[full_name] = message_factory.GetMessageClass(descriptor)
        return cls

    def _load_classes(self) -> dict[str, Any]:
        # Only the files declaring extensions (and what they import) matter, so the pool for
        # the common case (confluent/meta.proto over descriptor.proto) is built once.
        by_name = {file.name: file for file in self._files}
        wanted: set[str] = set()

        def want(name: str) -> None:
            if name in by_name and name not in wanted:
                wanted.add(name)
                for dependency in by_name[name].dependency:
                    want(dependency)

        for file in self._files:
            if _declares_extensions(file):
                want(file.name)
        needed = [file for file in self._files if file.name in wanted]
        key = tuple(file.SerializeToString(deterministic=True) for file in needed)
        with _pools_lock:
            classes = _pools.get(key)
            if classes is not None:
                _pools.move_to_end(key)
                return classes
        pool = descriptor_pool.DescriptorPool()
        for file in needed:
            pool.Add(file)
        classes = {"__pool__": pool}
        with _pools_lock:
            _pools[key] = classes
            if len(_pools) > _POOL_CACHE_SIZE:
                _pools.popitem(last=False)
        return classes

    def items(self, options: Any, scope: str, symbols: Mapping[str, str]) -> list[tuple[str, str]]:
        """The options set on ``options``; custom option names are resolved from ``scope``."""
        fields = options.ListFields()
        custom = any(field.is_extension for field, _ in fields)
        if custom or len(unknown_fields.UnknownFieldSet(options)):
            cls = self._options_class(options.DESCRIPTOR.full_name)
            if cls is not None:
                fields = cls.FromString(options.SerializeToString()).ListFields()
        pairs: list[tuple[str, str]] = []
        for field, value in fields:
            if field.is_extension:
                name = f"({shorten(field.full_name, scope, symbols, want_type=False)})"
            else:
                name = field.name
            values = value if field.is_repeated else [value]
            pairs += [(name, _option_value(field, item)) for item in values]
        return pairs


def _option_value(field: Any, value: Any) -> str:
    kind = field.type
    if kind in (field.TYPE_MESSAGE, field.TYPE_GROUP):
        body = text_format.MessageToString(value, as_one_line=True, as_utf8=True)
        return f"{{ {body} }}" if body else "{}"
    if kind == field.TYPE_ENUM:
        symbol = field.enum_type.values_by_number.get(value)
        return symbol.name if symbol is not None else str(value)
    if kind == field.TYPE_BOOL:
        return "true" if value else "false"
    if kind == field.TYPE_STRING:
        return f'"{text_encoding.CEscape(value, True)}"'
    if kind == field.TYPE_BYTES:
        return f'"{text_encoding.CEscape(value, False)}"'
    return repr(value) if isinstance(value, float) else str(value)


def shorten(full_name: str, scope: str, symbols: Mapping[str, str], *, want_type: bool) -> str:
    """The shortest suffix of ``full_name`` that protoc resolves back to it from ``scope``."""
    full_name = full_name.lstrip(".")
    parts = full_name.split(".")
    for start in range(len(parts) - 1, -1, -1):
        candidate = ".".join(parts[start:])
        if _lookup(candidate, scope, symbols, want_type) == full_name:
            return candidate
    return f".{full_name}"


def default_json_name(name: str) -> str:
    """The JSON name protoc derives from a field name (``order_id`` -> ``orderId``)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _quote(text: str) -> str:
    return f'"{text_encoding.CEscape(text, True)}"'


def _blocks(*groups: Iterable[str]) -> list[str]:
    """Join groups of lines with one blank line between non-empty groups."""
    lines: list[str] = []
    for group in groups:
        group = list(group)
        if group:
            if lines:
                lines.append("")
            lines += group
    return lines


def _indent(lines: Iterable[str]) -> list[str]:
    return [f"  {line}" if line else line for line in lines]


class Printer:
    """Prints one file; ``symbols`` must cover the file and everything it imports."""

    def __init__(
        self, file: Any, symbols: Mapping[str, str], options: OptionReader, *, normalize: bool
    ) -> None:
        self.file = file
        self.symbols = symbols
        self.options = options
        self.normalize = normalize
        self.editions = file.syntax == "editions"
        self.proto3 = file.syntax == "proto3"
        self.prefix = f"{file.package}." if file.package else ""

    def print(self) -> str:
        """The whole file as text, ending with a newline."""
        file = self.file
        head = self._syntax_line()
        package = [f"package {file.package};"] if file.package else []
        plain = self._plain(file.message_type, file.extension)
        messages = _blocks(*(self._message(m, self.prefix) for m in plain))
        enums = _blocks(*(self._enum(e, self.prefix) for e in file.enum_type))
        extends = self._extends(file.extension, self.prefix, file.message_type)
        services = _blocks(*(self._service(s) for s in file.service))
        file_scope = f"{self.prefix}__file__"
        options = self._statements(self.options.items(file.options, file_scope, self.symbols))
        parts = (head, package, self._imports(), options, messages, enums, extends, services)
        return "\n".join(_blocks(*parts)) + "\n"

    def _syntax_line(self) -> list[str]:
        if self.editions:
            edition = descriptor_pb2.Edition.Name(self.file.edition).removeprefix("EDITION_")
            return [f'edition = "{edition}";']
        if self.proto3:
            return ['syntax = "proto3";']
        return [] if self.normalize else ['syntax = "proto2";']

    def _imports(self) -> list[str]:
        file = self.file
        public = {file.dependency[i] for i in file.public_dependency}
        weak = {file.dependency[i] for i in file.weak_dependency}
        lines = []
        for name in file.dependency:
            modifier = "public " if name in public else "weak " if name in weak else ""
            lines.append(f"import {modifier}{_quote(name)};")
        lines += [f"import option {_quote(name)};" for name in file.option_dependency]
        return sorted(set(lines)) if self.normalize else lines

    def _type_name(self, type_name: str, scope: str) -> str:
        if self.normalize:
            return type_name if type_name.startswith(".") else f".{type_name}"
        return shorten(type_name, scope, self.symbols, want_type=True)

    def _plain(self, messages: Any, fields: Iterable[Any]) -> list[Any]:
        """``messages`` printed on their own: not map entries, not bodies of group fields."""
        owned = {self._group_body_name(f) for f in fields if f.type == _F.TYPE_GROUP}
        return [m for m in messages if m.name not in owned and not m.options.map_entry]

    @staticmethod
    def _group_body_name(field: Any) -> str:
        return str(field.type_name.rpartition(".")[2])

    def _statements(self, items: list[tuple[str, str]]) -> list[str]:
        if self.normalize:
            items = sorted(items, key=lambda item: item[0])
        return [f"option {name} = {value};" for name, value in items]

    def _brackets(self, items: list[tuple[str, str]]) -> str:
        if self.normalize:
            items = sorted(items, key=lambda item: item[0])
        if not items:
            return ""
        return " [" + ", ".join(f"{name} = {value}" for name, value in items) + "]"

    def _message(self, message: Any, prefix: str) -> list[str]:
        full = prefix + message.name
        inner = full + "."
        body_options = self._statements(self.options.items(message.options, full, self.symbols))
        nested = {m.name: m for m in message.nested_type}
        pending = self._plain(message.nested_type, [*message.field, *message.extension])
        # How many map-entry/group messages precede each plain nested message in the
        # descriptor; it must be printed before the field that would create the next one.
        plain_names = {m.name for m in pending}
        before: dict[str, int] = {}
        synthetic = 0
        for entry in message.nested_type:
            if entry.name in plain_names:
                before[entry.name] = synthetic
            else:
                synthetic += 1
        fields_block: list[str] = []
        created = 0

        def flush() -> None:
            while pending and before[pending[0].name] <= created:
                fields_block.extend(["", *self._message(pending.pop(0), inner), ""])

        real_oneofs = self._real_oneofs(message)
        printed_oneofs: set[int] = set()
        for field in self._ordered_fields(message.field):
            if field.HasField("oneof_index") and field.oneof_index in real_oneofs:
                index = field.oneof_index
                if index in printed_oneofs:
                    continue
                printed_oneofs.add(index)
                members = [f for f in message.field if f.HasField("oneof_index")]
                members = self._ordered_fields(m for m in members if m.oneof_index == index)
                lines: list[str] = []
                for member in members:
                    if self._creates_message(member, inner, nested):
                        flush()
                        created += 1
                    lines += self._field(member, inner, nested, in_oneof=True)
                oneof = message.oneof_decl[index]
                items = self.options.items(oneof.options, inner + oneof.name, self.symbols)
                opts = self._statements(items)
                fields_block += [f"oneof {oneof.name} {{", *_indent(_blocks(opts, lines)), "}"]
                continue
            if self._creates_message(field, inner, nested):
                flush()
                created += 1
            fields_block += self._field(field, inner, nested, in_oneof=False)
        flush()
        fields_block = self._squeeze(fields_block)
        messages = [self._message(m, inner) for m in pending]
        enums = [self._enum(e, inner) for e in message.enum_type]
        ranges = [self._extension_range(r, full) for r in message.extension_range]
        extends = self._extends(message.extension, inner, message.nested_type)
        reserved = self._reserved(message.reserved_range, message.reserved_name, exclusive=True)
        body = _blocks(body_options, fields_block, *messages, *enums, ranges, extends, reserved)
        return [f"message {message.name} {{", *_indent(body), "}"]

    @staticmethod
    def _squeeze(lines: list[str]) -> list[str]:
        """Drop blank lines at the ends and doubled blank lines inside."""
        out: list[str] = []
        for line in lines:
            if line or (out and out[-1]):
                out.append(line)
        while out and not out[-1]:
            out.pop()
        return out

    def _creates_message(self, field: Any, scope: str, nested: Mapping[str, Any]) -> bool:
        if field.type == _F.TYPE_GROUP:
            return True
        return self._map_entry(field, scope, nested) is not None

    @staticmethod
    def _map_entry(field: Any, scope: str, nested: Mapping[str, Any]) -> Any:
        """The synthetic entry message if ``field`` (declared in ``scope``) is a map."""
        if field.type != _F.TYPE_MESSAGE or field.label != _F.LABEL_REPEATED:
            return None
        parent, _, name = field.type_name.lstrip(".").rpartition(".")
        entry = nested.get(name)
        if entry is None or not entry.options.map_entry or f"{parent}." != scope:
            return None
        return entry

    def _real_oneofs(self, message: Any) -> set[int]:
        """Indexes of oneofs written as ``oneof`` (not the synthetic ones of proto3 optional)."""
        synthetic = {f.oneof_index for f in message.field if f.proto3_optional}
        return set(range(len(message.oneof_decl))) - synthetic

    def _ordered_fields(self, fields: Iterable[Any]) -> list[Any]:
        fields = list(fields)
        return sorted(fields, key=lambda f: f.number) if self.normalize else fields

    def _label(self, field: Any, in_oneof: bool) -> str:
        if field.label == _F.LABEL_REPEATED:
            return "repeated "
        if self.editions or in_oneof:
            return ""
        if field.proto3_optional:
            return "optional "
        if self.proto3:
            return ""
        return "required " if field.label == _F.LABEL_REQUIRED else "optional "

    def _field(self, field: Any, scope: str, nested: Mapping[str, Any], in_oneof: bool) -> list[str]:
        full = scope + field.name
        items: list[tuple[str, str]] = []
        if field.HasField("default_value"):
            items.append(("default", self._default(field)))
        if field.HasField("json_name") and field.json_name != default_json_name(field.name):
            items.append(("json_name", _quote(field.json_name)))
        items += self.options.items(field.options, full, self.symbols)
        options = self._brackets(items)
        entry = self._map_entry(field, scope, nested)
        if entry is not None:
            key, value = sorted(entry.field, key=lambda f: f.number)
            entry_scope = f"{scope}{entry.name}.value"
            kinds = f"{self._field_type(key, entry_scope)}, {self._field_type(value, entry_scope)}"
            return [f"map<{kinds}> {field.name} = {field.number}{options};"]
        label = self._label(field, in_oneof)
        if field.type == _F.TYPE_GROUP:
            body = nested[self._group_body_name(field)]
            inner = self._message(body, scope)[1:-1]
            head = f"{label}group {body.name} = {field.number}{options} {{"
            return [head, *inner, "}"]
        return [f"{label}{self._field_type(field, full)} {field.name} = {field.number}{options};"]

    def _field_type(self, field: Any, scope: str) -> str:
        scalar = _SCALARS.get(field.type)
        return scalar if scalar is not None else self._type_name(field.type_name, scope)

    def _default(self, field: Any) -> str:
        value = field.default_value
        if field.type == _F.TYPE_STRING:
            return _quote(value)
        if field.type == _F.TYPE_BYTES:
            # protoc stores a bytes default already C-escaped.
            return f'"{value}"'
        return str(value)

    def _extension_range(self, extension_range: Any, scope: str) -> str:
        span = self._span(extension_range.start, extension_range.end - 1, _MAX_FIELD_NUMBER)
        items = self.options.items(extension_range.options, scope, self.symbols)
        return f"extensions {span}{self._brackets(items)};"

    @staticmethod
    def _span(start: int, end: int, maximum: int) -> str:
        if start == end:
            return str(start)
        return f"{start} to {'max' if end >= maximum else end}"

    def _reserved(self, ranges: Any, names: Any, *, exclusive: bool) -> list[str]:
        maximum = _MAX_FIELD_NUMBER if exclusive else _MAX_ENUM_NUMBER
        spans = [(r.start, r.end - 1 if exclusive else r.end) for r in ranges]
        names = list(names)
        if self.normalize:
            spans.sort()
            names.sort()
        lines = []
        if spans:
            lines.append("reserved " + ", ".join(self._span(s, e, maximum) for s, e in spans) + ";")
        if names:
            bare = self.editions and self.file.edition >= descriptor_pb2.EDITION_2024
            shown = names if bare else [_quote(n) for n in names]
            lines.append("reserved " + ", ".join(shown) + ";")
        return lines

    def _extends(self, extensions: Any, scope: str, messages: Any) -> list[str]:
        """``extend`` blocks, one per run of extensions with the same extendee."""
        siblings = {m.name: m for m in messages}
        blocks: list[list[str]] = []
        current = None
        for extension in extensions:
            if extension.extendee != current:
                current = extension.extendee
                target = self._type_name(current, scope + extension.name)
                blocks.append([f"extend {target} {{"])
            blocks[-1] += _indent(self._field(extension, scope, siblings, in_oneof=False))
        return _blocks(*(block + ["}"] for block in blocks))

    def _enum(self, enum: Any, prefix: str) -> list[str]:
        full = prefix + enum.name
        options = self._statements(self.options.items(enum.options, full, self.symbols))
        values = list(enum.value)
        if self.normalize:
            values.sort(key=lambda v: (v.number, v.name))
        lines = []
        for value in values:
            items = self.options.items(value.options, prefix + value.name, self.symbols)
            lines.append(f"{value.name} = {value.number}{self._brackets(items)};")
        reserved = self._reserved(enum.reserved_range, enum.reserved_name, exclusive=False)
        return [f"enum {enum.name} {{", *_indent(_blocks(options, lines, reserved)), "}"]

    def _service(self, service: Any) -> list[str]:
        full = self.prefix + service.name
        options = self._statements(self.options.items(service.options, full, self.symbols))
        methods = list(service.method)
        rpcs = []
        for method in methods:
            scope = f"{full}.{method.name}"
            request = self._type_name(method.input_type, scope)
            response = self._type_name(method.output_type, scope)
            stream_in = "stream " if method.client_streaming else ""
            stream_out = "stream " if method.server_streaming else ""
            head = f"rpc {method.name} ({stream_in}{request}) returns ({stream_out}{response})"
            items = self.options.items(method.options, scope, self.symbols)
            if items:
                rpcs += [f"{head} {{", *_indent(self._statements(items)), "}"]
            else:
                rpcs.append(f"{head};")
        return [f"service {service.name} {{", *_indent(_blocks(options, rpcs)), "}"]
