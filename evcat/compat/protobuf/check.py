"""Protobuf compatibility: Confluent's difference rules, applied to two compiled descriptors.

Confluent diffs the writer's file (``original``) against the reader's (``update``) and fails on
every difference outside its compatible set. Only the incompatible differences are reported
here; the compatible ones (messages, enums, enum values, fields and oneofs added or removed,
renames, moves, string/bytes label changes) produce nothing. Fields are matched by tag.
Top-level and nested messages are matched by name; a message-typed field is followed into the
message it names, in the same file or in an imported one, unless both sides name the very same
file (the schema itself, or one subject version). A message already being compared higher up
is not entered again, which keeps recursive types finite; a chain of more than 64 messages
followed through fields is refused instead of compared. Each rule's id, message and fix are in
``rules``.

Labels follow Confluent, which reads them from the text: a proto3 field without ``optional``
and a oneof member have no label, so only an explicit label change (``optional``,
``required``, ``repeated``) of a numeric field counts. Group and message fields encode
differently on the wire, so evcat also reports a group turned into a message field (or back) as
``FIELD_KIND_CHANGED``; Confluent's text parser does not see groups at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2

from evcat.compat.base import Incompatibility
from evcat.compat.protobuf.rules import SCALAR_GROUPS, Findings
from evcat.formats.base import ParsedSchema
from evcat.formats.protobuf.format import ProtobufModel

_F = descriptor_pb2.FieldDescriptorProto
_LOCAL = ("", -1)  # origin of the schema's own types, as in Confluent's diff context
_MAX_DEPTH = 64  # message types followed through fields, one inside the other


@dataclass(frozen=True, slots=True)
class _Type:
    name: str  # full name, no leading dot
    package: str
    syntax: str
    proto: Any  # DescriptorProto or EnumDescriptorProto
    origin: tuple[str, int] | None  # subject version it came from; None for built-ins

    @property
    def local_name(self) -> str:
        prefix = f"{self.package}." if self.package else ""
        return self.name.removeprefix(prefix)


def _index(model: ProtobufModel) -> dict[str, _Type]:
    types: dict[str, _Type] = {}

    def walk(file: Any, origin: tuple[str, int] | None) -> None:
        def add(messages: Iterable[Any], enums: Iterable[Any], prefix: str) -> None:
            for enum in enums:
                name = prefix + enum.name
                types[name] = _Type(name, file.package, file.syntax, enum, origin)
            for message in messages:
                name = prefix + message.name
                types[name] = _Type(name, file.package, file.syntax, message, origin)
                add(message.nested_type, message.enum_type, name + ".")

        add(file.message_type, file.enum_type, f"{file.package}." if file.package else "")

    for file in model.dependencies:
        walk(file, model.reference_versions.get(file.name))
    walk(model.file, _LOCAL)
    return types


def _real_oneofs(message: Any) -> dict[int, str]:
    """Tag -> oneof name for members of written oneofs (not proto3 ``optional`` ones)."""
    return {
        f.number: message.oneof_decl[f.oneof_index].name
        for f in message.field
        if f.HasField("oneof_index") and not f.proto3_optional
    }


class _Diff:
    """One writer -> reader comparison: finds the incompatible differences."""

    def __init__(self, writer: ProtobufModel, reader: ProtobufModel, roles: tuple[str, str]):
        self.old_types = _index(writer)
        self.new_types = _index(reader)
        self.findings = Findings(roles)
        self.entered: set[str] = set()
        self.depth = 0

    def files(self, old: Any, new: Any) -> None:
        if old.package != new.package:
            self.findings.package_changed(old.package, new.package)
        prefix_old = f"{old.package}." if old.package else ""
        prefix_new = f"{new.package}." if new.package else ""
        self.messages(old.message_type, new.message_type, [], prefix_old, prefix_new)

    def messages(
        self, old: Iterable[Any], new: Iterable[Any], path: list[str], old_in: str, new_in: str
    ) -> None:
        # Map entries are compared through their map fields, as Confluent sees no such messages.
        new_by_name = {m.name: m for m in new if not m.options.map_entry}
        for message in old:
            if message.options.map_entry:
                continue
            match = new_by_name.get(message.name)
            if match is not None:
                self.message(message, match, [*path, message.name], old_in, new_in)
            else:
                self.findings.message_removed(message.name, [*path, message.name])

    def message(self, old: Any, new: Any, path: list[str], old_in: str, new_in: str) -> None:
        old_name, new_name = old_in + old.name, new_in + new.name
        if old_name not in self.entered:
            self.entered.add(old_name)
            try:
                self.fields(old, new, path, old_name, new_name)
            finally:
                self.entered.discard(old_name)
        self.messages(old.nested_type, new.nested_type, path, old_name + ".", new_name + ".")

    def fields(self, old: Any, new: Any, path: list[str], old_name: str, new_name: str) -> None:
        old_oneof, new_oneof = _real_oneofs(old), _real_oneofs(new)
        old_all = {f.number: f for f in old.field}
        new_all = {f.number: f for f in new.field}
        old_top = {n: f for n, f in old_all.items() if n not in old_oneof}
        new_top = {n: f for n, f in new_all.items() if n not in new_oneof}
        context = (old_name, new_name)
        for oneof in new.oneof_decl:
            members = sorted(n for n, name in new_oneof.items() if name == oneof.name)
            # As Confluent counts: members that were top-level fields, and members that were
            # in some oneof. Members coming only from other oneofs are not a merge to it.
            moved_in = [n for n in members if n in old_top]
            from_oneofs = [n for n in members if n in old_oneof]
            for number in moved_in:
                del old_top[number]  # moved into the oneof: not a removal
            if len(moved_in) > 1 or (moved_in and from_oneofs):
                self.findings.oneof_merge(oneof.name, path, len(moved_in), members)
        for name in sorted({*old_oneof.values()} & {*new_oneof.values()}):
            for number in sorted(n for n, owner in old_oneof.items() if owner == name):
                where = [*path, name, str(number)]
                if new_oneof.get(number) == name:
                    self.field(old_all[number], new_all[number], where, context)
                elif number not in new_all:
                    self.findings.oneof_member_removed(old_all[number], name, where)
        for number in sorted(old_top.keys() | new_top.keys()):
            before, after = old_top.get(number), new_top.get(number)
            if before is not None and after is not None:
                self.field(before, after, [*path, str(number)], context)
            elif before is not None and before.label == _F.LABEL_REQUIRED:
                self.findings.required_removed(before, [*path, str(number)])
            elif after is not None and after.label == _F.LABEL_REQUIRED:
                self.findings.required_added(after, [*path, str(number)])
        # A field that entered, left or switched a oneof keeps its tag: compare its type too.
        for number in sorted(old_all.keys() & new_all.keys()):
            before_in, after_in = old_oneof.get(number), new_oneof.get(number)
            if before_in != after_in:
                self.field(old_all[number], new_all[number], [*path, str(number)], context)

    def field(self, old: Any, new: Any, path: list[str], context: tuple[str, str]) -> None:
        old_label = self.label(old, context[0], self.old_types)
        new_label = self.label(new, context[1], self.new_types)
        self.types(old, new, old_label, new_label, path, f"'{new.name}'")

    def label(self, field: Any, owner: str, types: dict[str, _Type]) -> str | None:
        """The label as Confluent's text model has it (``None`` where the text shows none)."""
        syntax = types[owner].syntax
        if field.label == _F.LABEL_REPEATED:
            return "repeated"
        if field.HasField("oneof_index") and not field.proto3_optional:
            return None
        if field.label == _F.LABEL_REQUIRED:
            return "required"
        if syntax == "proto3":
            return "optional" if field.proto3_optional else None
        return "optional" if syntax in ("", "proto2") else None

    def kind(self, field: Any, types: dict[str, _Type]) -> tuple[str, Any]:
        if field.type in SCALAR_GROUPS:
            return "scalar", field
        target = types[field.type_name.lstrip(".")]
        if target.proto.options.map_entry:
            return "map", target
        return ("group" if field.type == _F.TYPE_GROUP else "message"), target

    def types(
        self,
        old: Any,
        new: Any,
        old_label: str | None,
        new_label: str | None,
        path: list[str],
        shown: str,
    ) -> None:
        """Compare the types of two fields; ``shown`` names the field in messages."""
        old_kind, old_of = self.kind(old, self.old_types)
        new_kind, new_of = self.kind(new, self.new_types)
        if old_kind != new_kind:
            self.findings.field_kind_changed(shown, old_kind, new_kind, path)
        elif old_kind == "scalar":
            self.scalars(old, new, old_label, new_label, path, shown)
        elif old_kind == "map":
            old_key, old_value = sorted(old_of.proto.field, key=lambda f: f.number)
            new_key, new_value = sorted(new_of.proto.field, key=lambda f: f.number)
            self.types(old_key, new_key, None, None, path, f"{shown} (its map keys)")
            self.types(old_value, new_value, None, None, path, f"{shown} (its map values)")
        else:
            self.named(old_of, new_of, shown, path)

    def scalars(
        self,
        old: Any,
        new: Any,
        old_label: str | None,
        new_label: str | None,
        path: list[str],
        shown: str,
    ) -> None:
        group = SCALAR_GROUPS[old.type]
        if group != SCALAR_GROUPS[new.type]:
            self.findings.scalar_kind_changed(shown, old, new, path)
        elif old_label and new_label and old_label != new_label and group != "length":
            self.findings.numeric_label_changed(shown, old_label, new_label, path)

    def named(self, old: _Type, new: _Type, shown: str, path: list[str]) -> None:
        if old.local_name != new.local_name:
            self.findings.named_type_changed(shown, old.name, new.name, old.local_name, path)
            return
        if old.origin is not None and old.origin == new.origin:
            return  # the same file on both sides: nothing to compare
        if self.depth >= _MAX_DEPTH:
            self.findings.named_type_too_deep(shown, _MAX_DEPTH, path)
            return
        before = self.findings.count
        parts = old.local_name.split(".")
        old_in = old.name.removesuffix(parts[-1])
        new_in = new.name.removesuffix(parts[-1])
        self.depth += 1
        try:
            self.message(old.proto, new.proto, parts, old_in, new_in)
        finally:
            self.depth -= 1
        if self.findings.count > before:
            self.findings.named_type_incompatible(shown, old.local_name, new.local_name, path)


def check_protobuf(
    reader: ParsedSchema, writer: ParsedSchema, *, reader_role: str, writer_role: str, policy: str
) -> list[Incompatibility]:
    """Why ``reader`` cannot read data written with ``writer`` (empty when it can).

    ``policy`` does not change Protobuf verdicts; Confluent has one rule set for this format.
    """
    if not isinstance(reader.model, ProtobufModel) or not isinstance(writer.model, ProtobufModel):
        raise TypeError("check_protobuf needs two parsed PROTOBUF schemas")
    diff = _Diff(writer.model, reader.model, (writer_role, reader_role))
    diff.files(writer.model.file, reader.model.file)
    return list(diff.findings.found.values())
