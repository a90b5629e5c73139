"""Implicit edges: consecutive versions whose change the format resolves without an upcaster.

- Avro: reader/writer resolution (defaults, aliases, promotions), compiled by
  ``codecs.resolution``; unsafe changes (renames without alias, data-dependent unions and enum
  symbols) are ``UNSAFE_RESOLUTION``.
- JSON Schema: every source payload fits the target once the generated ops have run (dropping
  properties a closed target refuses, filling declared defaults); no declared op is needed.
- Protobuf: a change Confluent's BACKWARD rules accept; fields are matched by number, so a
  renamed field becomes a generated rename, a removed one a drop, a new one its zero value.

Each edge's fingerprint hashes the two canonical schemas, so it is the same in every registry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evcat import compat
from evcat.compat import CompatibilityLevel
from evcat.formats import AVRO, JSON, PROTOBUF, ParsedSchema
from evcat.upcast.codecs.protobuf import zero_value
from evcat.upcast.codecs.resolution import Conv, resolve_avro
from evcat.upcast.edges.checking import check_ops_between
from evcat.upcast.errors import Problem
from evcat.upcast.graph.schemas import SchemaIndex
from evcat.upcast.graph.version_graph import Edge, Implicit, ImplicitFinder
from evcat.upcast.ops.base import Op, OpArgumentError, OpFn
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.fields import Drop, Rename
from evcat.upcast.ops.static import CheckContext
from evcat.upcast.ops.values import SetDefault

RESOLUTION = "resolution"


@dataclass(frozen=True)
class ImplicitStep:
    """What an implicit edge does: a converter (Avro) or generated operations."""

    steps: tuple[str, ...]
    convert: Conv | None = None
    ops: tuple[Op, ...] = field(default=())
    fallback: bool = False


@dataclass(frozen=True)
class Resolve(Op):
    """Avro resolution of the top-level record, in place: the generated form of an implicit
    edge. It is never written in documents, so it cannot be parsed."""

    mutate: Callable[[dict[str, Any]], None]
    steps: tuple[str, ...]
    name = "resolution"

    @classmethod
    def parse(cls, args: Any) -> Op:
        raise OpArgumentError("resolution is generated from the schemas, not written")

    def check(self, ctx: CheckContext[Op]) -> None:
        """Nothing to check: the resolver proved the step against both schemas."""

    def compile(self) -> OpFn:
        mutate = self.mutate

        def resolve(data: dict[str, Any], ctx: UpcastContext) -> None:
            mutate(data)

        return resolve

    def arguments(self) -> Any:
        return list(self.steps)


def _fingerprint(older: ParsedSchema, newer: ParsedSchema) -> str:
    digest = hashlib.sha256(f"{older.canonical}\0{newer.canonical}".encode()).hexdigest()
    return f"sha256:{digest}"


def _edge(event: str, older: int, newer: int, fingerprint: str, step: ImplicitStep) -> Implicit:
    return Implicit(Edge(RESOLUTION, (event, older), ((event, newer),), fingerprint, step))


def _avro(event: str, older: int, newer: int, w: ParsedSchema, r: ParsedSchema) -> Implicit:
    resolution = resolve_avro(w, r)
    if not resolution.compatible:
        return Implicit(reason=resolution.reason)
    if resolution.unsafe:
        message = "resolution would lose or refuse data: " + "; ".join(resolution.unsafe)
        return Implicit(
            problem=Problem("UNSAFE_RESOLUTION", message, event, (older, newer)), reason=message
        )
    steps = tuple(resolution.steps)
    if resolution.mutate is not None:
        # Faster in place, and it merges with the neighbouring edges' operations.
        step = ImplicitStep(steps, ops=(Resolve(resolution.mutate, steps),))
    else:
        step = ImplicitStep(steps, resolution.convert, fallback=resolution.fallback)
    return _edge(event, older, newer, _fingerprint(w, r), step)


def _generated(
    event: str,
    older: int,
    newer: int,
    index: SchemaIndex,
    ops: Sequence[Op],
    w: ParsedSchema,
    r: ParsedSchema,
) -> Implicit:
    problems: list[Problem] = []
    all_ops = tuple(check_ops_between(ops, index, (event, older), (event, newer), problems))
    if problems:
        return Implicit(reason="; ".join(str(p) for p in problems[:3]))
    step = ImplicitStep(tuple(op.describe() for op in all_ops), ops=all_ops)
    return _edge(event, older, newer, _fingerprint(w, r), step)


def _protobuf_ops(w: ParsedSchema, r: ParsedSchema) -> list[Op]:
    old = w.model.message_descriptor(w.model.message_names[0])
    new = r.model.message_descriptor(r.model.message_names[0])
    old_by_number = {f.number: f for f in old.fields}
    new_by_number = {f.number: f for f in new.fields}
    renames: list[Op] = []
    drops: list[tuple[str, ...]] = []
    for number, old_field in old_by_number.items():
        new_field = new_by_number.get(number)
        if new_field is None:
            drops.append((old_field.name,))
        elif new_field.name != old_field.name:
            renames.append(Rename((old_field.name,), (new_field.name,)))
    ops: list[Op] = [Drop(tuple(drops))] if drops else []
    ops.extend(renames)
    ops.extend(
        SetDefault((f.name,), zero_value(f))
        for n, f in new_by_number.items()
        if n not in old_by_number
    )
    return ops


def implicit_finder(index: SchemaIndex) -> ImplicitFinder:
    """The implicit-edge verdicts over ``index``, computed once per pair."""
    cache: dict[tuple[str, int, int], Implicit] = {}

    def find(event: str, older: int, newer: int) -> Implicit:
        key = (event, older, newer)
        if key not in cache:
            cache[key] = _find(index, event, older, newer)
        return cache[key]

    return find


def _find(index: SchemaIndex, event: str, older: int, newer: int) -> Implicit:
    w, r = index.parsed((event, older)), index.parsed((event, newer))
    if w.schema_type != r.schema_type:
        return Implicit(reason=f"the format changes from {w.schema_type} to {r.schema_type}")
    if w.schema_type == AVRO:
        return _avro(event, older, newer, w, r)
    if w.schema_type == JSON:
        return _generated(event, older, newer, index, [], w, r)
    if w.schema_type == PROTOBUF:
        issues = compat.check(r, [(older, w)], CompatibilityLevel.BACKWARD)
        if issues:
            return Implicit(reason="; ".join(issue.message for issue in issues[:3]))
        return _generated(event, older, newer, index, _protobuf_ops(w, r), w, r)
    return Implicit(reason=f"no implicit edges for {w.schema_type}")
