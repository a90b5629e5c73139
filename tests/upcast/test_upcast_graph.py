"""The version graph: structured errors (AC-GRAPH-ERRORS), renames (AC-RENAME), emits (AC-EMIT)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from evcat.upcast import NAMESPACE, GraphError, StoredEvent, parse_spec, upcaster_for
from evcat.upcast.edges.implicit import implicit_finder
from evcat.upcast.graph.schemas import SchemaIndex
from evcat.upcast.graph.version_graph import Edge, VersionGraph
from tests.upcast.order_schemas import avro

T = "acme.Thing"
NAME = {"name": "name", "type": "string"}
V1 = avro([NAME], T)
V2 = avro([NAME, {"name": "size", "type": "int", "default": 0}], T)
V3 = avro([NAME, {"name": "size", "type": "string"}], T)  # int -> string: no resolution


def graph(edges: list[Edge], versions: int = 3) -> VersionGraph:
    index = SchemaIndex.from_schemas(
        {(T, 1): V1, (T, 2): V2, (T, 3): V3} if versions == 3 else {(T, 1): V1, (T, 2): V2}
    )
    return VersionGraph(index.versions, edges, implicit_finder(index))


def edge(source: int, target: int, kind: str = "declarative", tag: str = "") -> Edge:
    return Edge(kind, (T, source), ((T, target),), f"sha256:{tag or source}{target}")


def codes(g: VersionGraph) -> list[str]:
    return [problem.code for problem in g.problems()]


def test_ac_graph_errors_two_edges_between_the_same_versions_are_duplicate_edge() -> None:
    g = graph([edge(1, 2, tag="a"), edge(1, 2, tag="b"), edge(2, 3)])

    with pytest.raises(GraphError) as raised:
        g.validate()

    assert raised.value.code == "DUPLICATE_EDGE"
    assert T in raised.value.problems[0].message or raised.value.problems[0].event_type == T
    assert raised.value.problems[0].versions == (1, 2)


def test_ac_graph_errors_edges_one_to_two_and_back_are_a_cycle() -> None:
    g = graph([edge(1, 2), edge(2, 1)], versions=2)

    with pytest.raises(GraphError) as raised:
        g.validate()

    assert raised.value.code == "CYCLE"
    problem = raised.value.problems[0]
    assert problem.event_type == T
    assert f"{T} v1" in problem.message and f"{T} v2" in problem.message


def test_ac_graph_errors_an_unreachable_latest_is_a_gap() -> None:
    g = graph([edge(1, 2)])

    with pytest.raises(GraphError) as raised:
        g.validate()

    assert raised.value.code == "GAP"
    gap = raised.value.problems[0]
    assert (gap.event_type, gap.versions) == (T, (1, 3))
    assert f"{T} v1 cannot reach {T} v3" in gap.message
    assert [p.versions for p in raised.value.problems] == [(1, 3), (2, 3)]


def test_ac_graph_errors_an_edge_to_a_missing_version_is_unknown_version() -> None:
    g = graph([edge(1, 9), edge(2, 3)])

    with pytest.raises(GraphError) as raised:
        g.validate()

    assert raised.value.code == "UNKNOWN_VERSION"
    assert raised.value.problems[0].versions == (1, 9)
    assert f"{T} v9" in raised.value.problems[0].message


def test_a_duplicate_marked_override_wins_over_the_other() -> None:
    kept = Edge("code", (T, 1), ((T, 2),), "sha256:code", override=True)
    g = graph([edge(1, 2), kept, edge(2, 3)])

    assert codes(g) == []
    assert g.route((T, 1), (T, 3)) == [kept, edge(2, 3)]


def test_two_types_renamed_from_one_are_non_convergent() -> None:
    index = SchemaIndex.from_schemas(
        {
            ("a.A", 1): avro([NAME], "a.A"),
            ("b.B", 1): avro([NAME], "b.B"),
            ("c.C", 1): avro([NAME], "c.C"),
        }
    )
    edges = [Edge("rename", ("a.A", 1), (("b.B", 1),)), Edge("rename", ("a.A", 1), (("c.C", 1),))]

    g = VersionGraph(index.versions, edges, implicit_finder(index))

    assert [p.code for p in g.problems()] == ["NON_CONVERGENT"]


CREATED = avro([{"name": "order_id", "type": "string"}], "shop.OrderCreated")
CREATED_2 = avro(
    [{"name": "order_id", "type": "string"}, {"name": "note", "type": "string", "default": ""}],
    "shop.OrderCreated",
)
PLACED = avro(
    [{"name": "order_id", "type": "string"}, {"name": "note", "type": "string", "default": ""}],
    "shop.OrderPlaced",
)
PLACED_2 = avro(
    [
        {"name": "id", "type": "string", "aliases": ["order_id"]},
        {"name": "note", "type": "string", "default": ""},
    ],
    "shop.OrderPlaced",
)
RENAMES = {
    ("shop.OrderCreated", 1): CREATED,
    ("shop.OrderCreated", 2): CREATED_2,
    ("shop.OrderPlaced", 1): PLACED,
    ("shop.OrderPlaced", 2): PLACED_2,
}
RENAME = {
    "rename_type": {
        "from": "shop.OrderCreated",
        "from_version": 2,
        "to": "shop.OrderPlaced",
        "to_version": 1,
    }
}


def test_ac_rename_events_of_the_old_type_are_read_as_the_new_type_latest() -> None:
    up = upcaster_for(RENAMES, [parse_spec(RENAME)])

    [result] = up.upcast(StoredEvent("shop.OrderCreated", 1, {"order_id": "o-1"}))

    assert (result.event_type, result.version) == ("shop.OrderPlaced", 2)
    assert result.data == {"id": "o-1", "note": ""}


def test_ac_rename_ancestors_name_the_old_type_and_its_versions() -> None:
    up = upcaster_for(RENAMES, [parse_spec(RENAME)])

    ancestors = up.ancestors("shop.OrderPlaced")

    assert ("shop.OrderCreated", [1, 2]) in ancestors
    assert ancestors[0] == ("shop.OrderPlaced", [1, 2])


UPDATED = avro(
    [
        {"name": "customer_id", "type": "string"},
        {"name": "address", "type": ["null", "string"], "default": None},
        {"name": "email", "type": ["null", "string"], "default": None},
    ],
    "crm.CustomerUpdated",
)
ADDRESS = avro(
    [{"name": "customer_id", "type": "string"}, {"name": "address", "type": "string"}],
    "crm.AddressChanged",
)
EMAIL = avro(
    [{"name": "customer_id", "type": "string"}, {"name": "email", "type": "string"}],
    "crm.EmailChanged",
)
SPLIT: dict[str, Any] = {
    "event": "crm.CustomerUpdated",
    "from": 1,
    "emit": [
        {
            "type": "crm.AddressChanged",
            "version": 1,
            "when": "address is not None",
            "ops": [{"select": ["customer_id", "address"]}],
        },
        {
            "type": "crm.EmailChanged",
            "version": 1,
            "when": "email is not None",
            "ops": [{"select": ["customer_id", "email"]}],
        },
    ],
}
SPLIT_SCHEMAS = {
    ("crm.CustomerUpdated", 1): UPDATED,
    ("crm.AddressChanged", 1): ADDRESS,
    ("crm.EmailChanged", 1): EMAIL,
}


def test_ac_emit_one_stored_event_becomes_two_in_declared_order_with_derived_ids() -> None:
    up = upcaster_for(SPLIT_SCHEMAS, [parse_spec(SPLIT)])
    event = StoredEvent(
        "crm.CustomerUpdated",
        1,
        {"customer_id": "c-1", "address": "1 Main St", "email": "a@b.c"},
        id="parent-1",
    )

    first, second = up.upcast(event)

    assert (first.event_type, first.data) == (
        "crm.AddressChanged",
        {"customer_id": "c-1", "address": "1 Main St"},
    )
    assert (second.event_type, second.data) == (
        "crm.EmailChanged",
        {"customer_id": "c-1", "email": "a@b.c"},
    )
    assert first.id == str(uuid.uuid5(NAMESPACE, "parent-1/0"))
    assert second.id == str(uuid.uuid5(NAMESPACE, "parent-1/1"))
    assert first.parent_id == second.parent_id == "parent-1"


def test_ac_emit_upcasting_twice_gives_identical_ids() -> None:
    up = upcaster_for(SPLIT_SCHEMAS, [parse_spec(SPLIT)])
    event = StoredEvent(
        "crm.CustomerUpdated", 1, {"customer_id": "c-1", "address": "x", "email": "y"}, id="p"
    )

    assert [e.id for e in up.upcast(event)] == [e.id for e in up.upcast(event)]


def test_emit_children_whose_condition_fails_are_not_produced() -> None:
    up = upcaster_for(SPLIT_SCHEMAS, [parse_spec(SPLIT)])
    event = StoredEvent(
        "crm.CustomerUpdated", 1, {"customer_id": "c-1", "address": None, "email": "y"}, id="p"
    )

    assert [e.event_type for e in up.upcast(event)] == ["crm.EmailChanged"]


def test_an_emit_to_a_missing_version_is_emit_target_unreachable() -> None:
    broken = dict(SPLIT, emit=[dict(SPLIT["emit"][0], version=4)])
    index = SchemaIndex.from_schemas(SPLIT_SCHEMAS)
    g = VersionGraph(
        index.versions,
        [
            Edge(
                "emit",
                ("crm.CustomerUpdated", 1),
                (("crm.AddressChanged", 4),),
                "f",
                parse_spec(broken),
            )
        ],
        implicit_finder(index),
    )

    assert "EMIT_TARGET_UNREACHABLE" in [p.code for p in g.problems()]
