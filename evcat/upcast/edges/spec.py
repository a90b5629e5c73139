"""Declarative upcaster documents: parse, validate the form, print canonically, fingerprint.

Three forms, in YAML or JSON::

    # an ordinary step, N -> N+1 or a declared shortcut
    event: shop.OrderPlaced
    from: 2
    to: 3
    ops: [...]
    downcast: [...]          # optional: ops from 3 back to 2
    lossless: true           # optional: downcast(upcast(x)) == x is checked on samples

    # a type rename (payload unchanged unless ops are given)
    rename_type: {from: shop.OrderCreated, from_version: 2, to: shop.OrderPlaced, to_version: 1}

    # one stored event becomes several
    event: crm.CustomerUpdated
    from: 1
    emit:
      - {type: crm.AddressChanged, version: 1, when: "address is not None",
         ops: [{select: [customer_id, address]}]}

The fingerprint is the SHA-256 of the canonical JSON (sorted keys, no whitespace), so the same
upcaster gives the same fingerprint wherever it is registered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import yaml

from evcat import yamlsafe
from evcat.upcast.errors import Problem, SpecError
from evcat.upcast.ops.base import Op
from evcat.upcast.ops.catalogue import parse_ops
from evcat.upcast.ops.expr.expression import Expression, compile_expression
from evcat.upcast.ops.expr.parse import ExprError

API_VERSION = "evcat.upcaster/v1"
DECLARATIVE, RENAME, EMIT, CODE, RESOLUTION = "declarative", "rename", "emit", "code", "resolution"
_TOP_KEYS = {
    "apiVersion",
    "event",
    "from",
    "to",
    "to_event",
    "ops",
    "downcast",
    "lossless",
    "emit",
    "rename_type",
    "description",
}


@dataclass(frozen=True)
class EmitSpec:
    """One child of a 1:N edge: its type and version, a condition, and the ops that shape it."""

    event_type: str
    version: int
    when: Expression | None
    ops: tuple[Op, ...]

    def canonical(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.event_type,
            "version": self.version,
            "ops": [op.spec() for op in self.ops],
        }
        if self.when is not None:
            out["when"] = self.when.text
        return out


@dataclass(frozen=True)
class UpcasterSpec:
    """A parsed declarative upcaster: one edge of an event type's version graph."""

    event_type: str
    from_version: int
    to_type: str
    to_version: int | None
    ops: tuple[Op, ...] = ()
    emit: tuple[EmitSpec, ...] = ()
    downcast: tuple[Op, ...] | None = None
    lossless: bool = False
    description: str = ""
    kind: str = DECLARATIVE

    def canonical(self) -> dict[str, Any]:
        """The document in its one canonical form (what is stored and fingerprinted)."""
        out: dict[str, Any] = {
            "apiVersion": API_VERSION,
            "event": self.event_type,
            "from": self.from_version,
        }
        if self.kind == EMIT:
            out["emit"] = [child.canonical() for child in self.emit]
        else:
            out["to"] = self.to_version
            if self.to_type != self.event_type:
                out["to_event"] = self.to_type
            out["ops"] = [op.spec() for op in self.ops]
        if self.downcast is not None:
            out["downcast"] = [op.spec() for op in self.downcast]
            out["lossless"] = self.lossless
        if self.description:
            out["description"] = self.description
        return out

    def canonical_json(self) -> str:
        return orjson.dumps(self.canonical(), option=orjson.OPT_SORT_KEYS).decode()

    @property
    def fingerprint(self) -> str:
        return "sha256:" + hashlib.sha256(self.canonical_json().encode()).hexdigest()

    @property
    def targets(self) -> list[tuple[str, int]]:
        """The nodes this edge leads to (several for an emit)."""
        if self.kind == EMIT:
            return [(child.event_type, child.version) for child in self.emit]
        assert self.to_version is not None
        return [(self.to_type, self.to_version)]


def load_document(text: str | bytes) -> Any:
    """A YAML or JSON document (JSON is YAML); raises ``SpecError`` when it does not parse."""
    try:
        return yamlsafe.load(text)
    except yaml.YAMLError as error:
        raise SpecError([Problem("INVALID_DOCUMENT", f"not YAML or JSON: {error}")]) from None


def _version(value: Any, what: str, problems: list[Problem]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(Problem("INVALID_DOCUMENT", f"{what} must be a version number >= 1"))
        return 0
    return value


def _name(value: Any, what: str, problems: list[Problem]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem("INVALID_DOCUMENT", f"{what} must name an event type"))
        return ""
    return value


def _emits(value: Any, event: str, version: int, problems: list[Problem]) -> list[EmitSpec]:
    if not isinstance(value, list) or not value:
        problems.append(Problem("INVALID_DOCUMENT", "emit takes a non-empty list of children"))
        return []
    children: list[EmitSpec] = []
    for index, child in enumerate(value):
        if not isinstance(child, Mapping) or not {"type", "version"} <= set(child):
            problems.append(Problem("INVALID_DOCUMENT", f"emit #{index} needs type and version"))
            continue
        when = None
        if child.get("when") is not None:
            try:
                when = compile_expression(child["when"])
            except ExprError as error:
                problems.append(Problem(error.code, f"emit #{index} when: {error.message}", event))
        ops, found = parse_ops(child.get("ops") or [], event_type=event, versions=(version,))
        problems.extend(found)
        children.append(
            EmitSpec(
                _name(child["type"], f"emit #{index} type", problems),
                _version(child["version"], f"emit #{index} version", problems),
                when,
                tuple(ops),
            )
        )
    return children


def parse_spec(document: Any, **defaults: Any) -> UpcasterSpec:
    """Validate the form of an upcaster document (not yet against schemas).

    ``defaults`` fill ``event``, ``from`` and ``to`` when the document leaves them out (the
    REST API takes them from the URL). Raises ``SpecError`` listing every problem found.
    """
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        raise SpecError([Problem("INVALID_DOCUMENT", "an upcaster is a mapping")])
    try:  # it is fingerprinted and stored as JSON, by orjson
        orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)
    except TypeError as exc:  # "Integer exceeds 64-bit range", a YAML !!set...
        raise SpecError(
            [Problem("INVALID_DOCUMENT", f"the document cannot be stored as JSON: {exc}")]
        ) from None
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        problems.append(Problem("INVALID_DOCUMENT", f"unknown keys {unknown}"))
    if document.get("apiVersion", API_VERSION) != API_VERSION:
        problems.append(Problem("INVALID_DOCUMENT", f"apiVersion must be {API_VERSION}"))
    merged = {**{k: v for k, v in defaults.items() if v is not None}, **document}
    rename = merged.get("rename_type")
    if rename is not None:
        if not isinstance(rename, Mapping):
            raise SpecError([Problem("INVALID_DOCUMENT", "rename_type is a mapping")])
        merged = {
            **merged,
            "event": rename.get("from"),
            "from": rename.get("from_version"),
            "to_event": rename.get("to"),
            "to": rename.get("to_version"),
        }
    event = _name(merged.get("event"), "event", problems)
    source = _version(merged.get("from"), "from", problems)
    description = str(document.get("description", ""))
    if "emit" in merged:
        children = _emits(merged["emit"], event, source, problems)
        if problems:
            raise SpecError(problems)
        return UpcasterSpec(
            event, source, event, None, emit=tuple(children), kind=EMIT, description=description
        )
    target = _version(merged.get("to"), "to", problems)
    to_type = _name(merged.get("to_event", event), "to_event", problems)
    versions = (source, target)
    ops, found = parse_ops(merged.get("ops") or [], event_type=event, versions=versions)
    problems.extend(found)
    downcast = None
    if merged.get("downcast") is not None:
        parsed, found = parse_ops(merged["downcast"], event_type=event, versions=versions[::-1])
        problems.extend(found)
        downcast = tuple(parsed)
    if to_type == event and target and source and target <= source:
        problems.append(
            Problem(
                "INVALID_DOCUMENT",
                "an upcaster goes to a later version (use downcast for the way back)",
                event,
                versions,
            )
        )
    if problems:
        raise SpecError(problems)
    kind = RENAME if to_type != event else DECLARATIVE
    return UpcasterSpec(
        event,
        source,
        to_type,
        target,
        tuple(ops),
        (),
        downcast,
        bool(merged.get("lossless", False)),
        description,
        kind,
    )
