"""The Protobuf difference rules evcat reports: each rule's id, message and fix.

``check`` decides which differences break compatibility; :class:`Findings` words
them, naming the two schemas by their roles, and keeps one incompatibility per rule and path.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2

from evcat.compat.base import Incompatibility

_F = descriptor_pb2.FieldDescriptorProto
# Scalar types that share a wire encoding: a field may change type within its group.
SCALAR_GROUPS = {
    _F.TYPE_INT32: "varint",
    _F.TYPE_INT64: "varint",
    _F.TYPE_UINT32: "varint",
    _F.TYPE_UINT64: "varint",
    _F.TYPE_BOOL: "varint",
    _F.TYPE_ENUM: "varint",
    _F.TYPE_SINT32: "zigzag",
    _F.TYPE_SINT64: "zigzag",
    _F.TYPE_STRING: "length",
    _F.TYPE_BYTES: "length",
    _F.TYPE_FIXED32: "fixed32",
    _F.TYPE_SFIXED32: "fixed32",
    _F.TYPE_FIXED64: "fixed64",
    _F.TYPE_SFIXED64: "fixed64",
    _F.TYPE_FLOAT: "float",
    _F.TYPE_DOUBLE: "double",
}
_GROUP_MEMBERS = {
    "varint": "int32, int64, uint32, uint64, bool or an enum",
    "zigzag": "sint32 or sint64",
    "length": "string or bytes",
    "fixed32": "fixed32 or sfixed32",
    "fixed64": "fixed64 or sfixed64",
    "float": "float",
    "double": "double",
}


def _type_text(field: Any) -> str:
    if field.type == _F.TYPE_ENUM:
        return f"enum {field.type_name.lstrip('.')}"
    return str(_F.Type.Name(field.type).removeprefix("TYPE_").lower())


class Findings:
    """The incompatible differences of one writer -> reader comparison."""

    def __init__(self, roles: tuple[str, str]) -> None:
        self.writer_role, self.reader_role = roles
        self.found: dict[tuple[str, str], Incompatibility] = {}
        self.count = 0  # every report, repeats included: tells whether a sub-diff failed

    def _report(self, rule: str, path: list[str], message: str, fix: str) -> None:
        self.count += 1
        where = "#/" + "/".join(path)
        key = (rule, where)
        if key not in self.found:
            text = f"{message} (at '{where}')"
            self.found[key] = Incompatibility(rule=rule, path=where, message=text, fix=fix)

    def package_changed(self, old: str, new: str) -> None:
        self._report(
            "PACKAGE_CHANGED",
            [],
            f"The package is '{new}' in the {self.reader_role} schema but "
            f"'{old}' in the {self.writer_role} schema",
            f"keep package '{old}', or register the new package under a new subject",
        )

    def message_removed(self, name: str, path: list[str]) -> None:
        self._report(
            "MESSAGE_REMOVED",
            path,
            f"Message '{name}' of the {self.writer_role} schema is missing "
            f"from the {self.reader_role} schema",
            f"keep message '{name}' (it may be deprecated), or register the "
            "change under a new subject",
        )

    def field_kind_changed(self, shown: str, old_kind: str, new_kind: str, path: list[str]) -> None:
        self._report(
            "FIELD_KIND_CHANGED",
            path,
            f"Field {shown} is a {new_kind} in the {self.reader_role} schema but a "
            f"{old_kind} in the {self.writer_role} schema",
            f"reserve tag {path[-1]} and add the {new_kind} under an unused tag instead of "
            "reusing the tag with another kind of type",
        )

    def scalar_kind_changed(self, shown: str, old: Any, new: Any, path: list[str]) -> None:
        old_type, new_type = _type_text(old), _type_text(new)
        self._report(
            "FIELD_SCALAR_KIND_CHANGED",
            path,
            f"Field {shown} is {new_type} in the {self.reader_role} schema but "
            f"{old_type} in the {self.writer_role} schema, which has another wire encoding",
            f"use {_GROUP_MEMBERS[SCALAR_GROUPS[old.type]]} (the types wire-compatible with "
            f"{old_type}), or reserve tag {path[-1]} instead of reusing it with another type",
        )

    def numeric_label_changed(
        self, shown: str, old_label: str, new_label: str, path: list[str]
    ) -> None:
        self._report(
            "FIELD_NUMERIC_LABEL_CHANGED",
            path,
            f"Numeric field {shown} is {new_label} in the {self.reader_role} schema but "
            f"{old_label} in the {self.writer_role} schema; the label changes its encoding",
            f"keep field {shown} {old_label}, or reserve tag {path[-1]} and add the "
            f"{new_label} field under a new tag",
        )

    def named_type_changed(
        self, shown: str, old_name: str, new_name: str, old_local: str, path: list[str]
    ) -> None:
        self._report(
            "FIELD_NAMED_TYPE_CHANGED",
            path,
            f"Field {shown} has type '{new_name}' in the {self.reader_role} schema "
            f"but '{old_name}' in the {self.writer_role} schema",
            f"keep type '{old_local}' for tag {path[-1]}, or reserve the tag and add "
            "a field of the new type under an unused tag",
        )

    def named_type_too_deep(self, shown: str, limit: int, path: list[str]) -> None:
        # Refusing is the safe answer when evcat cannot look all the way down.
        self._report(
            "FIELD_NAMED_TYPE_CHANGED",
            path,
            f"Field {shown} leads through more than {limit} message types, "
            "deeper than evcat compares",
            "shorten the chain of messages that contain each other, or register the "
            "change under a new subject",
        )

    def named_type_incompatible(
        self, shown: str, old_name: str, new_name: str, path: list[str]
    ) -> None:
        self._report(
            "FIELD_NAMED_TYPE_CHANGED",
            path,
            f"Field {shown} has type '{new_name}', whose definition in the "
            f"{self.reader_role} schema cannot read the one in the {self.writer_role} schema",
            f"make the changes to message '{old_name}' compatible (see the other "
            "differences), or reference a compatible version of its file",
        )

    def oneof_merge(self, oneof: str, path: list[str], moved_in: int, members: list[int]) -> None:
        if moved_in > 1:
            rule = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
            text = "joins fields that were independent"
        else:
            rule = "FIELD_MOVED_TO_EXISTING_ONEOF"
            text = "joins fields that were in different oneofs or outside any oneof"
        self._report(
            rule,
            [*path, oneof],
            f"Oneof '{oneof}' (tags {', '.join(map(str, members))}) in the {self.reader_role} "
            f"schema {text} in the {self.writer_role} schema; data setting several of them "
            "would be lost",
            "move at most one existing field into a new oneof and give any other member a new tag",
        )

    def oneof_member_removed(self, field: Any, oneof: str, path: list[str]) -> None:
        self._report(
            "ONEOF_FIELD_REMOVED",
            path,
            f"Field '{field.name}' of oneof '{oneof}' in the {self.writer_role} schema is "
            f"missing from the {self.reader_role} schema",
            f"keep field '{field.name}' in oneof '{oneof}' (it may be deprecated)",
        )

    def required_removed(self, field: Any, path: list[str]) -> None:
        self._report(
            "REQUIRED_FIELD_REMOVED",
            path,
            f"Required field '{field.name}' of the {self.writer_role} schema is missing from "
            f"the {self.reader_role} schema",
            f"keep field '{field.name}' and make it optional in both schemas before removing it",
        )

    def required_added(self, field: Any, path: list[str]) -> None:
        self._report(
            "REQUIRED_FIELD_ADDED",
            path,
            f"Required field '{field.name}' of the {self.reader_role} schema is missing from "
            f"the {self.writer_role} schema",
            f"declare field '{field.name}' optional instead of required",
        )
