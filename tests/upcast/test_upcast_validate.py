"""Edges run over generated samples: AC-VALIDATE, AC-DOWNCAST and the code purity check."""

from __future__ import annotations

from typing import Any

import pytest

from evcat.upcast import parse_spec
from evcat.upcast.edges.assemble import build_graph, code_edge, spec_edge
from evcat.upcast.edges.code import CodeUpcaster, registered
from evcat.upcast.edges.validation import validate_edge
from evcat.upcast.graph.schemas import SchemaIndex
from tests.upcast.order_schemas import ORDER, SCHEMAS, avro, code, specs

INDEX = SchemaIndex.from_schemas(SCHEMAS)


def faulty(name: str) -> CodeUpcaster:
    module = "tests.upcast.faulty_upcasters"
    return next(c for c in registered([module]) if c.module == module and c.qualname == name)


def test_ac_validate_every_edge_of_the_lineage_passes_200_samples_and_boundaries() -> None:
    graph = build_graph(INDEX, specs(), code())
    edges = sorted(
        (edge for edges in graph.lineage(ORDER).out.values() for edge in edges),
        key=lambda edge: edge.source,
    )

    reports = [validate_edge(edge, INDEX, count=200, seed=7) for edge in edges]

    assert [edge.kind for edge in edges] == ["declarative", "resolution", "code", "declarative"]
    assert all(report.sample_count >= 200 for report in reports)
    assert [(r.edge, r.failures[:1]) for r in reports if not r.passed] == []


def test_ac_validate_an_upcaster_omitting_a_required_field_is_rejected_with_the_path() -> None:
    report = validate_edge(code_edge(faulty("forgets_placed_at")), INDEX, count=20, seed=1)

    assert not report.passed
    failure = report.failures[0]
    assert failure["missing"] == ["placed_at"]
    assert failure["sample"]["items"] is not None  # the failing sample is in the report


def test_validation_reports_coverage_per_target_field() -> None:
    spec = parse_spec(
        {
            "event": ORDER,
            "from": 2,
            "to": 3,
            "ops": [{"rename": {"from": "currency", "to": "currency_code"}}],
        }
    )

    report = validate_edge(spec_edge(spec), INDEX, count=50, seed=3)

    assert report.passed
    assert report.coverage["currency_code"] == 1.0
    assert report.coverage["channel"] == 0.0  # always the default: a hint, not a failure


def test_ac_code_an_upcaster_mutating_its_input_fails_the_purity_check() -> None:
    report = validate_edge(code_edge(faulty("mutates_its_input")), INDEX, count=10, seed=1)

    assert not report.passed
    assert report.failures[0]["code"] == "IMPURE"


T = "acme.Box"
BOX_1 = avro([{"name": "width_cm", "type": "int"}], T)
BOX_2 = avro([{"name": "width_mm", "type": "long"}], T)
BOXES = SchemaIndex.from_schemas({(T, 1): BOX_1, (T, 2): BOX_2})


def box_spec(downcast_expr: str) -> dict[str, Any]:
    return {
        "event": T,
        "from": 1,
        "to": 2,
        "lossless": True,
        "ops": [{"derive": {"path": "width_mm", "expr": "width_cm * 10"}}, {"drop": ["width_cm"]}],
        "downcast": [
            {"derive": {"path": "width_cm", "expr": downcast_expr}},
            {"drop": ["width_mm"]},
        ],
    }


def test_ac_downcast_a_lossless_downcast_round_trips_every_sample() -> None:
    edge = spec_edge(parse_spec(box_spec("int(width_mm // 10)")))

    report = validate_edge(edge, BOXES, count=200, seed=5)

    assert report.passed, report.failures[:1]


def test_ac_downcast_a_downcast_that_loses_data_is_reported() -> None:
    edge = spec_edge(parse_spec(box_spec("int(width_mm // 100)")))

    report = validate_edge(edge, BOXES, count=50, seed=5)

    assert not report.passed
    assert report.failures[0]["code"] == "LOSSY_DOWNCAST"


def test_a_downcast_edge_serves_readers_pinned_to_an_older_version() -> None:
    from evcat.upcast import upcaster_for

    up = upcaster_for(BOXES, [parse_spec(box_spec("int(width_mm // 10)"))], target=1)

    assert up.upcast_data(T, 2, {"width_mm": 420}) == {"width_cm": 42}


@pytest.mark.parametrize("seed", [1, 2])
def test_validation_is_reproducible_for_a_seed(seed: int) -> None:
    edge = spec_edge(specs()[0])

    first = validate_edge(edge, INDEX, count=30, seed=seed)
    second = validate_edge(edge, INDEX, count=30, seed=seed)

    assert first.as_dict() == second.as_dict()


def test_json_schema_edges_are_validated_on_generated_documents() -> None:
    import json

    from evcat.formats import get_format

    parse = get_format("JSON").parse
    v1 = parse(
        json.dumps(
            {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "age": {"type": "integer", "minimum": 0},
                },
                "required": ["name"],
            }
        )
    )
    v2 = parse(
        json.dumps(
            {
                "type": "object",
                "properties": {
                    "full_name": {"type": "string", "minLength": 1},
                    "age": {"type": "integer"},
                },
                "required": ["full_name"],
                "additionalProperties": False,
            }
        )
    )
    index = SchemaIndex.from_schemas({("j.P", 1): v1, ("j.P", 2): v2})
    spec = parse_spec(
        {
            "event": "j.P",
            "from": 1,
            "to": 2,
            "ops": [{"rename": {"from": "name", "to": "full_name"}}],
        }
    )

    report = validate_edge(spec_edge(spec), index, count=50, seed=2)

    assert report.passed, report.failures[:1]
    assert report.sample_count >= 20
    assert report.coverage["full_name"] == 1.0


def test_protobuf_implicit_edges_are_validated_on_descriptor_samples() -> None:
    from evcat.formats import get_format

    parse = get_format("PROTOBUF").parse
    v1 = parse('syntax = "proto3"; package p; message M { string id = 1; uint64 n = 2; }')
    v2 = parse(
        'syntax = "proto3"; package p; message M { string key = 1; uint64 n = 2; '
        "repeated string tags = 3; }"
    )
    index = SchemaIndex.from_schemas({("p.M", 1): v1, ("p.M", 2): v2})
    [edge] = build_graph(index, []).lineage("p.M").out[("p.M", 1)]

    report = validate_edge(edge, index, count=50, seed=2)

    assert edge.kind == "resolution"
    assert report.passed, report.failures[:1]
    assert report.coverage["key"] > 0.5  # renamed by field number: the data arrives
    assert report.coverage["tags"] == 0.0  # new: always empty, a hint to check
