"""Print a ``FileDescriptorProto`` as ``.proto`` text: the canonical form of a Protobuf schema.

The layout is fixed, so a file prints the same way whether it arrived as text or as a
serialized descriptor: syntax (or edition), package, imports, file options, messages, enums,
top-level extensions, services. Inside a message: options, fields (a oneof where its first
member is, maps as ``map<K, V>``, groups inline), nested messages, nested enums, extension
ranges, nested extensions, reserved numbers and names. Comments are gone (a descriptor has
none). Messages keep their declaration order in every mode because Confluent's message indexes
count them; a nested message is printed before a map or group field when its place among the
synthetic map-entry and group messages requires it, so re-parsing gives the same indexes.

With ``normalize`` (Confluent's ``normalize=true``) imports and options are sorted, type names
are fully qualified with a leading dot, fields are printed by tag, enum values by number,
reserved ranges in order, and a proto2 file has no ``syntax`` line (proto2 is the default).
Without it, a type name is the shortest one protoc resolves to the same type.

Custom options are decoded with the extensions the file and its imports declare and printed by
name. Option bytes that no visible extension declares cannot be written in ``.proto`` syntax,
so they are dropped, as are unknown fields inside a standard option message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from google.protobuf import (
    descriptor_pb2,
    descriptor_pool,
    message_factory,
    text_encoding,
    text_format,
    unknown_fields,
)

_F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {
    number: name.removeprefix("TYPE_").lower()
    for name, number in _F.Type.items()
    if name not in ("TYPE_GROUP", "TYPE_MESSAGE", "TYPE_ENUM")
}
_AGGREGATES = frozenset({"package", "message", "enum", "service"})
_MAX_FIELD, _MAX_ENUM = 536_870_911, 2_147_483_647


def file_symbols(file: Any) -> dict[str, str]:
    """Every name ``file`` defines (full name, no leading dot) and its kind."""
    parts = file.package.split(".") if file.package else []
    symbols = {".".join(parts[:end]): "package" for end in range(1, len(parts) + 1)}
    prefix = f"{file.package}." if file.package else ""

    def scope(messages: Iterable[Any], enums: Iterable[Any], prefix: str) -> None:
        for enum in enums:
            symbols[prefix + enum.name] = "enum"
            # Enum values live in the scope enclosing their enum, as in C++.
            symbols.update((prefix + value.name, "value") for value in enum.value)
        for message in messages:
            inner = f"{prefix}{message.name}."
            symbols[prefix + message.name] = "message"
            symbols.update((inner + f.name, "field") for f in (*message.field, *message.extension))
            symbols.update((inner + oneof.name, "oneof") for oneof in message.oneof_decl)
            scope(message.nested_type, message.enum_type, inner)

    scope(file.message_type, file.enum_type, prefix)
    symbols.update((prefix + extension.name, "field") for extension in file.extension)
    for service in file.service:
        symbols[prefix + service.name] = "service"
        symbols.update((f"{prefix}{service.name}.{m.name}", "method") for m in service.method)
    return symbols


def _lookup(name: str, scope: str, symbols: Mapping[str, str], want_type: bool) -> str | None:
    """What protoc resolves ``name`` to when it is written inside the element ``scope``."""
    first = name.partition(".")[0]
    while "." in scope:
        scope = scope.rpartition(".")[0]
        kind = symbols.get(f"{scope}.{first}")
        if kind is None:
            continue
        if first != name:
            if kind in _AGGREGATES:  # protoc commits to the first aggregate it finds
                return f"{scope}.{name}" if f"{scope}.{name}" in symbols else None
        elif not want_type or kind in ("message", "enum"):
            return f"{scope}.{name}"
    return name if name in symbols else None


def shorten(
    full_name: str, scope: str, symbols: Mapping[str, str], package: str, *, want_type: bool
) -> str:
    """How to write ``full_name`` inside ``scope`` of a file in ``package``.

    A name from the file's own package gets its shortest suffix that protoc resolves back to
    it; a name from elsewhere is written in full, as people write them; a leading dot is used
    only where scoping would otherwise pick another symbol.
    """
    full = full_name.lstrip(".")
    parts = full.split(".")
    candidates = [full]
    if not package or full.startswith(package + "."):
        local = len(parts) - (len(package.split(".")) if package else 0)
        candidates = [".".join(parts[-size:]) for size in range(1, local + 1)] + candidates
    for candidate in candidates:
        if _lookup(candidate, scope, symbols, want_type) == full:
            return candidate
    return f".{full}"


def default_json_name(name: str) -> str:
    """The JSON name protoc derives from a field name (``order_id`` -> ``orderId``)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _declares_extensions(file: Any) -> bool:
    def inside(message: Any) -> bool:
        return bool(message.extension) or any(inside(m) for m in message.nested_type)

    return bool(file.extension) or any(inside(m) for m in file.message_type)


@lru_cache(maxsize=32)
def _options_pool(files: tuple[bytes, ...]) -> Any:
    """A pool of the files declaring extensions; shared, as most schemas use the same ones."""
    pool = descriptor_pool.DescriptorPool()
    for raw in files:
        pool.Add(descriptor_pb2.FileDescriptorProto.FromString(raw))
    return pool


class OptionReader:
    """Reads options messages, custom options included, as ``(name, value text)`` pairs."""

    def __init__(self, files: Sequence[Any]) -> None:
        """``files``: every file the schema can see, each after the files it imports."""
        self._files = files
        self._package: str = files[-1].package if files else ""
        self._pool: Any = None

    def _decoded(self, options: Any) -> Any:
        if self._pool is None:
            wanted: set[str] = set()
            by_name = {file.name: file for file in self._files}
            pending = [file.name for file in self._files if _declares_extensions(file)]
            while pending:
                name = pending.pop()
                if name in by_name and name not in wanted:
                    wanted.add(name)
                    pending += by_name[name].dependency
            needed = (f.SerializeToString(deterministic=True) for f in self._files)
            self._pool = _options_pool(
                tuple(raw for f, raw in zip(self._files, needed, strict=True) if f.name in wanted)
            )
        try:
            descriptor = self._pool.FindMessageTypeByName(options.DESCRIPTOR.full_name)
        except KeyError:  # no extension declared anywhere: nothing more can be named
            return options
        return message_factory.GetMessageClass(descriptor).FromString(options.SerializeToString())

    def items(self, owner: Any, scope: str, symbols: Mapping[str, str]) -> list[tuple[str, str]]:
        """The options set on ``owner.options``; custom names are resolved from ``scope``."""
        if not owner.HasField("options"):
            return []
        options = owner.options
        fields = options.ListFields()
        if any(f.is_extension for f, _ in fields) or len(unknown_fields.UnknownFieldSet(options)):
            fields = self._decoded(options).ListFields()
        pairs: list[tuple[str, str]] = []
        for field, value in fields:
            name = field.name
            if field.is_extension:
                short = shorten(field.full_name, scope, symbols, self._package, want_type=False)
                name = f"({short})"
            elif _is_flat(field, value):
                # "features.field_presence = EXPLICIT" reads better than "features = {...}"
                pairs += [(f"{name}.{f.name}", _value(f, v)) for f, v in value.ListFields()]
                continue
            pairs += [(name, _value(field, v)) for v in (value if _repeated(field) else [value])]
        return pairs


def _repeated(field: Any) -> bool:
    # protobuf 6 replaced FieldDescriptor.label by is_repeated; older runtimes have only label.
    return bool(getattr(field, "is_repeated", getattr(field, "label", 0) == 3))


def _is_flat(field: Any, value: Any) -> bool:
    """A singular message option whose set fields are all singular scalars."""
    if _repeated(field) or field.type != field.TYPE_MESSAGE:
        return False
    inner = value.ListFields()
    plain = all(not _repeated(f) and f.type != f.TYPE_MESSAGE for f, _ in inner)
    return bool(inner) and plain and not len(unknown_fields.UnknownFieldSet(value))


def _value(field: Any, value: Any) -> str:
    if field.type in (field.TYPE_MESSAGE, field.TYPE_GROUP):
        body = text_format.MessageToString(value, as_one_line=True, as_utf8=True)
        return f"{{ {body} }}" if body else "{}"
    if field.type == field.TYPE_ENUM:
        symbol = field.enum_type.values_by_number.get(value)
        return symbol.name if symbol is not None else str(value)
    if field.type == field.TYPE_BOOL:
        return "true" if value else "false"
    if field.type in (field.TYPE_STRING, field.TYPE_BYTES):
        return f'"{text_encoding.CEscape(value, field.type == field.TYPE_STRING)}"'
    return repr(value) if isinstance(value, float) else str(value)


def _quote(text: str) -> str:
    return f'"{text_encoding.CEscape(text, True)}"'


def _blocks(*groups: Iterable[str]) -> list[str]:
    """Concatenate groups of lines, one blank line between non-empty groups."""
    lines: list[str] = []
    for group in map(list, groups):
        lines += ([""] if lines and group else []) + group
    return lines


def _squeeze(lines: Iterable[str]) -> list[str]:
    """Drop blank lines at both ends and repeated blank lines inside."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return out[:-1] if out and not out[-1] else out


def _indent(lines: Iterable[str]) -> list[str]:
    return [f"  {line}" if line else line for line in lines]


def _span(start: int, end: int, maximum: int) -> str:
    """``start``, or ``start to end`` with ``max`` for the highest number (``end`` inclusive)."""
    return str(start) if start == end else f"{start} to {'max' if end >= maximum else end}"


class Printer:
    """Prints one file; ``symbols`` must cover the file and everything it imports."""

    def __init__(
        self, file: Any, symbols: Mapping[str, str], options: OptionReader, *, normalize: bool
    ) -> None:
        self.file, self.symbols, self.options, self.normalize = file, symbols, options, normalize
        self.prefix = f"{file.package}." if file.package else ""

    def print(self) -> str:
        """The whole file as text, ending with a newline."""
        file, prefix = self.file, self.prefix
        syntax = [f'syntax = "{file.syntax}";'] if file.syntax == "proto3" else []
        if file.syntax == "editions":
            edition = descriptor_pb2.Edition.Name(file.edition).removeprefix("EDITION_")
            syntax = [f'edition = "{edition}";']
        elif not file.syntax or file.syntax == "proto2":
            syntax = [] if self.normalize else ['syntax = "proto2";']
        public = {file.dependency[i] for i in file.public_dependency}
        weak = {file.dependency[i] for i in file.weak_dependency}
        imports = [
            f"import {'public ' if n in public else 'weak ' if n in weak else ''}{_quote(n)};"
            for n in file.dependency
        ] + [f"import option {_quote(name)};" for name in getattr(file, "option_dependency", ())]
        plain = self._plain(file.message_type, file.extension)
        return (
            "\n".join(
                _blocks(
                    syntax,
                    [f"package {file.package};"] if file.package else [],
                    sorted(set(imports)) if self.normalize else imports,
                    self._statements(file, f"{prefix}__file__"),  # protoc's scope for file options
                    _blocks(*(self._message(m, prefix) for m in plain)),
                    _blocks(*(self._enum(e, prefix) for e in file.enum_type)),
                    self._extends(file.extension, prefix, file.message_type),
                    _blocks(*(self._service(s) for s in file.service)),
                )
            )
            + "\n"
        )

    def _type_name(self, type_name: str, scope: str) -> str:
        if self.normalize:
            return "." + type_name.lstrip(".")
        return shorten(type_name, scope, self.symbols, self.file.package, want_type=True)

    @staticmethod
    def _plain(messages: Any, fields: Iterable[Any]) -> list[Any]:
        """``messages`` printed on their own: not map entries, not bodies of group fields."""
        owned = {f.type_name.rpartition(".")[2] for f in fields if f.type == _F.TYPE_GROUP}
        return [m for m in messages if m.name not in owned and not m.options.map_entry]

    def _sorted(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(items, key=lambda item: item[0]) if self.normalize else items

    def _statements(self, owner: Any, scope: str) -> list[str]:
        items = self._sorted(self.options.items(owner, scope, self.symbols))
        return [f"option {name} = {value};" for name, value in items]

    def _brackets(self, items: list[tuple[str, str]]) -> str:
        text = ", ".join(f"{name} = {value}" for name, value in self._sorted(items))
        return f" [{text}]" if text else ""

    def _message(self, message: Any, prefix: str) -> list[str]:
        full, nested = prefix + message.name, {m.name: m for m in message.nested_type}
        inner = full + "."
        pending = self._plain(message.nested_type, [*message.field, *message.extension])
        # How many map-entry or group messages come before each plain nested message: it has
        # to be printed before the field that creates the next one.
        before, synthetic = {}, 0
        plain_names = {m.name for m in pending}
        for each in message.nested_type:
            if each.name in plain_names:
                before[each.name] = synthetic
            else:
                synthetic += 1
        body: list[str] = []
        created = 0

        def place(field: Any) -> None:
            nonlocal created
            if field.type == _F.TYPE_GROUP or self._map_entry(field, inner, nested) is not None:
                while pending and before[pending[0].name] <= created:
                    body.extend(["", *self._message(pending.pop(0), inner), ""])
                created += 1

        synthetic_oneofs = {f.oneof_index for f in message.field if f.proto3_optional}
        done: set[int] = set()
        for field in self._ordered(message.field):
            index = field.oneof_index if field.HasField("oneof_index") else None
            if index is None or index in synthetic_oneofs:
                place(field)
                body += self._field(field, inner, nested, in_oneof=False)
            elif index not in done:
                done.add(index)
                members = self._ordered(
                    f for f in message.field if f.HasField("oneof_index") and f.oneof_index == index
                )
                lines = []
                for member in members:
                    place(member)
                    lines += self._field(member, inner, nested, in_oneof=True)
                oneof = message.oneof_decl[index]
                options = self._statements(oneof, inner + oneof.name)
                body += [f"oneof {oneof.name} {{", *_indent(_blocks(options, lines)), "}"]
        return [
            f"message {message.name} {{",
            *_indent(
                _blocks(
                    self._statements(message, full),
                    _squeeze(body),
                    *(self._message(m, inner) for m in pending),
                    *(self._enum(e, inner) for e in message.enum_type),
                    [self._extension_range(r, full) for r in message.extension_range],
                    self._extends(message.extension, inner, message.nested_type),
                    self._reserved(message.reserved_range, message.reserved_name, exclusive=True),
                )
            ),
            "}",
        ]

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

    def _ordered(self, fields: Iterable[Any]) -> list[Any]:
        return sorted(fields, key=lambda f: f.number) if self.normalize else list(fields)

    def _label(self, field: Any, in_oneof: bool) -> str:
        if field.label == _F.LABEL_REPEATED:
            return "repeated "
        if self.file.syntax == "editions" or in_oneof:
            return ""
        if field.proto3_optional:
            return "optional "
        if self.file.syntax == "proto3":
            return ""
        return "required " if field.label == _F.LABEL_REQUIRED else "optional "

    def _field(
        self, field: Any, scope: str, nested: Mapping[str, Any], in_oneof: bool
    ) -> list[str]:
        full = scope + field.name
        items = []
        if field.HasField("default_value"):
            value = field.default_value
            if field.type == _F.TYPE_STRING:
                value = _quote(value)
            elif field.type == _F.TYPE_BYTES:
                value = f'"{value}"'  # protoc stores a bytes default already escaped
            items.append(("default", value))
        if field.HasField("json_name") and field.json_name != default_json_name(field.name):
            items.append(("json_name", _quote(field.json_name)))
        options = self._brackets(items + self.options.items(field, full, self.symbols))
        entry = self._map_entry(field, scope, nested)
        if entry is not None:
            key, value = sorted(entry.field, key=lambda f: f.number)
            at = f"{scope}{entry.name}.value"
            kinds = f"{self._field_type(key, at)}, {self._field_type(value, at)}"
            return [f"map<{kinds}> {field.name} = {field.number}{options};"]
        label = self._label(field, in_oneof)
        if field.type == _F.TYPE_GROUP:
            body = nested[field.type_name.rpartition(".")[2]]
            head = f"{label}group {body.name} = {field.number}{options} {{"
            return [head, *self._message(body, scope)[1:-1], "}"]
        return [f"{label}{self._field_type(field, full)} {field.name} = {field.number}{options};"]

    def _field_type(self, field: Any, scope: str) -> str:
        return _SCALARS.get(field.type) or self._type_name(field.type_name, scope)

    def _extension_range(self, extension_range: Any, scope: str) -> str:
        span = _span(extension_range.start, extension_range.end - 1, _MAX_FIELD)
        items = self.options.items(extension_range, scope, self.symbols)
        return f"extensions {span}{self._brackets(items)};"

    def _reserved(self, ranges: Any, names: Any, *, exclusive: bool) -> list[str]:
        maximum = _MAX_FIELD if exclusive else _MAX_ENUM
        spans = [(r.start, r.end - 1 if exclusive else r.end) for r in ranges]
        names = sorted(names) if self.normalize else list(names)
        spans = sorted(spans) if self.normalize else spans
        # Edition 2024 writes reserved names as identifiers, earlier syntaxes as strings.
        bare = self.file.syntax == "editions" and self.file.edition >= descriptor_pb2.EDITION_2024
        lines = [f"reserved {', '.join(_span(s, e, maximum) for s, e in spans)};"] if spans else []
        if names:
            lines.append(f"reserved {', '.join(names if bare else map(_quote, names))};")
        return lines

    def _extends(self, extensions: Any, scope: str, messages: Any) -> list[str]:
        """``extend`` blocks, one per run of extensions with the same extendee."""
        siblings = {m.name: m for m in messages}
        blocks: list[list[str]] = []
        for i, extension in enumerate(extensions):
            if i == 0 or extension.extendee != extensions[i - 1].extendee:
                target = self._type_name(extension.extendee, scope + extension.name)
                blocks.append([f"extend {target} {{"])
            blocks[-1] += _indent(self._field(extension, scope, siblings, in_oneof=False))
        return _blocks(*([*block, "}"] for block in blocks))

    def _enum(self, enum: Any, prefix: str) -> list[str]:
        values = list(enum.value)
        if self.normalize:
            values.sort(key=lambda v: (v.number, v.name))
        lines = [
            f"{v.name} = {v.number}"
            f"{self._brackets(self.options.items(v, prefix + v.name, self.symbols))};"
            for v in values
        ]
        reserved = self._reserved(enum.reserved_range, enum.reserved_name, exclusive=False)
        options = self._statements(enum, prefix + enum.name)
        return [f"enum {enum.name} {{", *_indent(_blocks(options, lines, reserved)), "}"]

    def _service(self, service: Any) -> list[str]:
        full = self.prefix + service.name
        rpcs = []
        for method in service.method:
            scope = f"{full}.{method.name}"
            request = self._type_name(method.input_type, scope)
            response = self._type_name(method.output_type, scope)
            stream_in = "stream " if method.client_streaming else ""
            stream_out = "stream " if method.server_streaming else ""
            head = f"rpc {method.name} ({stream_in}{request}) returns ({stream_out}{response})"
            options = self._statements(method, scope)
            rpcs += [f"{head} {{", *_indent(options), "}"] if options else [f"{head};"]
        body = _blocks(self._statements(service, full), rpcs)
        return [f"service {service.name} {{", *_indent(body), "}"]
