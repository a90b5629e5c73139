"""Validate an edge on generated samples; the report is stored with the edge.

For each sample of the source version (seeded, plus boundary values) the edge runs and its
output must be valid for the target schema: Avro outputs must pass fastavro's validation and
encode; JSON outputs must validate against the target schema; Protobuf outputs must build and
serialize the target message. The edge must also be pure (its input unchanged afterwards) and
deterministic (the same output twice), and a lossless downcast must give the input back.

The report counts failures (with the failing sample, the error and any missing required
field paths) and gives per target field the share of outputs holding a value that is not the
field's default: a required field that is always defaulted hints at a forgotten mapping.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import fastavro
import fastavro.validation

from evcat.formats import AVRO, JSON, PROTOBUF, ParsedSchema
from evcat.formats.jsonschema import patterns as jsonschema_patterns
from evcat.upcast.codecs.jsonio import jsonable
from evcat.upcast.codecs.protobuf import fill_message, message_class
from evcat.upcast.edges.compile import CompiledEdge, compile_downcast, compile_edge, run_children
from evcat.upcast.edges.samples import samples
from evcat.upcast.errors import Problem, UpcastFailed
from evcat.upcast.graph.schemas import NodeKey, SchemaIndex
from evcat.upcast.graph.version_graph import Edge
from evcat.upcast.ops.catalogue import EventDropped
from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.shapes.model import Shape, record_of

MAX_FAILURES = 20
_CONTEXT = UpcastContext(event_id="sample", time="2024-01-01T00:00:00Z", source="/evcat/sample")


@dataclass
class ValidationReport:
    """What running an edge over generated samples showed."""

    edge: str
    fingerprint: str
    seed: int
    sample_count: int
    event_type: str = ""
    versions: list[int] = field(default_factory=list)
    passed: bool = True
    failures: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    coverage: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def output_checker(schema: ParsedSchema) -> Callable[[Any], str | None]:
    """A function giving why a payload is not valid for ``schema``, or None."""
    if schema.schema_type == AVRO:
        avro_schema = schema.model.fastavro_schema

        def avro_check(payload: Any) -> str | None:
            try:
                fastavro.validation.validate(payload, avro_schema, raise_errors=True)
                fastavro.schemaless_writer(io.BytesIO(), avro_schema, payload)
            except (fastavro.validation.ValidationError, ValueError, TypeError) as error:
                return str(error)[:500]
            return None

        return avro_check
    if schema.schema_type == JSON:
        validator = jsonschema_patterns.validator(schema.model)

        def json_check(payload: Any) -> str | None:
            error = jsonschema_patterns.first_error(validator, payload)
            return None if error is None else error[:500]

        return json_check
    if schema.schema_type == PROTOBUF:
        model = schema.model
        cls = message_class(model.message_descriptor(model.message_names[0]))

        def proto_check(payload: Any) -> str | None:
            try:
                fill_message(cls(), payload).SerializeToString()
            except (ValueError, TypeError, AttributeError, KeyError) as error:
                return f"{type(error).__name__}: {error}"[:500]
            return None

        return proto_check
    return lambda payload: None


def missing_fields(payload: Any, shape: Shape, prefix: str = "") -> list[str]:
    """Required fields without default that ``payload`` lacks (dotted paths)."""
    holder = record_of(shape)
    if holder is None or not isinstance(payload, dict):
        return []
    missing: list[str] = []
    for name, each in holder.fields.items():
        path = f"{prefix}{name}"
        if name not in payload:
            if each.required and not each.has_default:
                missing.append(path)
        elif isinstance(payload[name], dict):
            missing += missing_fields(payload[name], each.shape, f"{path}.")
    return missing


@dataclass
class _Coverage:
    """Per top-level field of one target: how many outputs held a value (not null, not the
    default). Counted as outputs arrive, so no output is kept: each may be large."""

    shape: Shape
    outputs: int = 0
    held: dict[str, int] = field(default_factory=dict)

    def add(self, out: Any) -> None:
        self.outputs += 1
        holder = record_of(self.shape)
        if holder is None:
            return
        for name, each in holder.fields.items():
            value = out.get(name) if isinstance(out, dict) else None
            if value is None or (each.has_default and value == each.default):
                continue
            self.held[name] = self.held.get(name, 0) + 1

    def shares(self) -> dict[str, float]:
        holder = record_of(self.shape)
        if holder is None or not self.outputs:
            return {}
        return {name: round(self.held.get(name, 0) / self.outputs, 4) for name in holder.fields}


def _run(compiled: CompiledEdge, payload: Any) -> list[tuple[NodeKey, Any]]:
    """The outputs of one edge on one payload, as (node, payload) pairs."""
    if compiled.edge.kind == "emit":
        return run_children(compiled, payload, _CONTEXT)
    assert compiled.stage is not None or compiled.edge.kind != "code"
    try:
        out = compiled.stage(dict(payload), _CONTEXT) if compiled.stage else dict(payload)
    except EventDropped:
        return []
    return [(compiled.edge.target, out)]


def validate_edge(
    edge: Edge, index: SchemaIndex, *, count: int = 200, seed: int = 0
) -> ValidationReport:
    """Run ``edge`` over samples of its source version and check every output."""
    versions = [edge.source[1], *(version for _, version in edge.targets)]
    report = ValidationReport(edge.label(), edge.fingerprint, seed, 0, edge.source[0], versions)
    compiled = compile_edge(edge, index)
    downcast = compile_downcast(_down(edge), index) if _lossless(edge) else None
    checkers = {node: output_checker(index.parsed(node)) for node in edge.targets}
    inputs = samples(index.parsed(edge.source), count, seed)
    report.sample_count = len(inputs)
    outputs = {node: _Coverage(index.shape(node).shape) for node in edge.targets}

    def fail(sample: Any, error: str, **extra: Any) -> None:
        report.passed = False
        if len(report.failures) < MAX_FAILURES:
            report.failures.append({"sample": jsonable(sample), "error": error, **extra})

    for sample in inputs:
        before = copy.deepcopy(sample)
        try:
            results = _run(compiled, sample)
            again = _run(compiled, sample)
            if compiled.code is not None:
                # Chains hand code a copy, but the function must not rely on that.
                compiled.code.function(sample, _CONTEXT)
        except UpcastFailed as failed:
            fail(sample, failed.message)
            continue
        except EventDropped:
            pass
        if sample != before:
            fail(before, "the upcaster changed its input", code="IMPURE")
            continue
        if results != again:
            fail(sample, "two runs gave different outputs", code="NONDETERMINISTIC")
            continue
        for node, out in results:
            outputs[node].add(out)
            error = checkers[node](out)
            if error is not None:
                missing = missing_fields(out, index.shape(node).shape)
                fail(sample, error, output=jsonable(out), missing=missing)
        if downcast is not None and results and downcast.stage is not None:
            back = downcast.stage(dict(results[0][1]), _CONTEXT)
            if back != sample:
                fail(
                    sample,
                    "downcast(upcast(x)) differs from x",
                    code="LOSSY_DOWNCAST",
                    output=jsonable(back),
                )
    for node in edge.targets:
        report.coverage |= {
            f"{node[0]}@{node[1]}:{k}" if len(edge.targets) > 1 else k: v
            for k, v in outputs[node].shares().items()
        }
    return report


def _lossless(edge: Edge) -> bool:
    spec = edge.payload
    return bool(getattr(spec, "lossless", False) and getattr(spec, "downcast", None) is not None)


def _down(edge: Edge) -> Edge:
    return Edge("downcast", edge.target, (edge.source,), edge.fingerprint, edge.payload)


def report_problems(report: ValidationReport) -> list[Problem]:
    """The failures of a report as problems (for a refused registration)."""
    problems = []
    for failure in report.failures:
        missing = failure.get("missing")
        suffix = f" (missing: {', '.join(missing)})" if missing else ""
        problems.append(
            Problem(
                failure.get("code", "INVALID_OUTPUT"),
                failure["error"] + suffix,
                report.event_type,
                tuple(report.versions),
            )
        )
    return problems
