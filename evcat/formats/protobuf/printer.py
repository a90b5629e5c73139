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
Without it, a type name is the shortest one protoc resolves to the same type
(``names``). Options, custom ones included, are read by ``options``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from google.protobuf import descriptor_pb2, text_encoding

from evcat.formats.protobuf.names import shorten
from evcat.formats.protobuf.options import OptionReader

_F = descriptor_pb2.FieldDescriptorProto
# The scalar field types by descriptor number, named as .proto text writes them; the field
# listings (catalog, CLI diff) name them the same way.
SCALARS: dict[int, str] = {
    number: name.removeprefix("TYPE_").lower()
    for name, number in _F.Type.items()
    if name not in ("TYPE_GROUP", "TYPE_MESSAGE", "TYPE_ENUM")
}
_MAX_FIELD, _MAX_ENUM = 536_870_911, 2_147_483_647


def default_json_name(name: str) -> str:
    """The JSON name protoc derives from a field name (``order_id`` -> ``orderId``)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


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
        return SCALARS.get(field.type) or self._type_name(field.type_name, scope)

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
