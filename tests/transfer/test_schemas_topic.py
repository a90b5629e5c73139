"""Replaying a ``_schemas`` dump: both dump formats, Confluent's record semantics, bad lines."""

from __future__ import annotations

import pytest

from evcat.transfer.schemas_topic import read_schemas_topic
from evcat.transfer.snapshot import GLOBAL, VersionEntry
from tests.transfer.dumps import (
    Writer,
    clear_subject,
    config,
    console,
    delete_subject,
    dump,
    kcat,
    mode,
    noop,
    record_schema,
    schema,
    tombstone,
)

A1 = record_schema("A", "x")
A2 = record_schema("A", "x", "y")
B1 = record_schema("B", "z")


@pytest.mark.parametrize("writer", [kcat, console], ids=["kcat", "console-consumer"])
def test_both_dump_formats_replay_to_the_same_registry(writer: Writer) -> None:
    records = [
        schema("a-value", 1, 7, A1),
        schema("a-value", 2, 9, A2, schemaType="AVRO"),
        config(None, "FULL"),
        config("a-value", "NONE"),
        mode("a-value", "READONLY"),
        noop(),
    ]
    replayed = read_schemas_topic(dump(records, writer))
    assert not replayed.bad_lines
    snapshot = replayed.snapshot
    assert list(snapshot.versions.values()) == [
        VersionEntry("a-value", 1, 7, False),
        VersionEntry("a-value", 2, 9, False),
    ]
    assert snapshot.schemas[9].text == A2
    assert snapshot.configs == {
        GLOBAL: {"compatibilityLevel": "FULL"},
        "a-value": {"compatibilityLevel": "NONE"},
    }
    assert snapshot.modes == {"a-value": "READONLY"}


def test_a_schema_without_schema_type_is_avro_and_protobuf_keeps_its_type() -> None:
    proto = 'syntax = "proto3";\nmessage P { string a = 1; }\n'
    records = [schema("a", 1, 1, A1), schema("p", 1, 2, proto, schemaType="PROTOBUF")]
    snapshot = read_schemas_topic(dump(records)).snapshot
    assert (snapshot.schemas[1].schema_type, snapshot.schemas[2].schema_type) == (
        "AVRO",
        "PROTOBUF",
    )


def test_the_last_record_of_a_key_wins() -> None:
    records = [schema("a", 1, 1, A1), config("a", "FULL"), schema("a", 1, 1, A1, deleted=True)]
    records.append(config("a", "FORWARD"))
    snapshot = read_schemas_topic(dump(records)).snapshot
    assert snapshot.versions[("a", 1)].deleted
    assert snapshot.configs == {"a": {"compatibilityLevel": "FORWARD"}}


def test_a_tombstone_removes_the_version_and_a_schema_no_version_holds() -> None:
    records = [schema("a", 1, 1, A1), schema("a", 2, 2, A2), tombstone("a", 1)]
    snapshot = read_schemas_topic(dump(records, console)).snapshot
    assert list(snapshot.versions) == [("a", 2)]
    assert list(snapshot.schemas) == [2]


def test_a_config_tombstone_removes_the_config() -> None:
    records = [config("a", "FULL"), config(None, "NONE"), config("a", None)]
    assert read_schemas_topic(dump(records)).snapshot.configs == {
        GLOBAL: {"compatibilityLevel": "NONE"}
    }


def test_delete_subject_soft_deletes_the_versions_up_to_the_one_it_names() -> None:
    records = [schema("a", 1, 1, A1), schema("a", 2, 2, A2), schema("b", 1, 3, B1)]
    records += [delete_subject("a", 1)]
    versions = read_schemas_topic(dump(records)).snapshot.versions
    assert [(v.key, v.deleted) for v in versions.values()] == [
        (("a", 1), True),
        (("a", 2), False),
        (("b", 1), False),
    ]


def test_a_version_written_after_delete_subject_stays_live() -> None:
    records = [schema("a", 1, 1, A1), delete_subject("a", 1), schema("a", 2, 2, A2)]
    versions = read_schemas_topic(dump(records)).snapshot.versions
    assert [(v.key, v.deleted) for v in versions.values()] == [(("a", 1), True), (("a", 2), False)]


def test_clear_subject_drops_the_subjects_versions_and_a_null_subject_drops_all() -> None:
    base = [schema("a", 1, 1, A1), schema("b", 1, 2, B1)]
    one = read_schemas_topic(dump([*base, clear_subject("a")])).snapshot
    every = read_schemas_topic(dump([*base, clear_subject(None)])).snapshot
    assert list(one.versions) == [("b", 1)]
    assert every.versions == {}


def test_records_of_other_contexts_are_left_out_and_counted() -> None:
    records = [schema(":.staging:a", 1, 1, A1), schema(":.:b", 1, 2, B1)]
    replayed = read_schemas_topic(dump(records))
    assert list(replayed.snapshot.versions) == [("b", 1)]
    assert replayed.left_out == {"SCHEMA of another context": 1}


def test_unknown_key_types_are_left_out_and_counted() -> None:
    key = {"keytype": "ASSOCIATION", "subject": "a", "magic": 0}
    replayed = read_schemas_topic(dump([(key, {"anything": 1}), schema("a", 1, 1, A1)]))
    assert not replayed.bad_lines
    assert replayed.left_out == {"ASSOCIATION": 1}


def test_a_different_schema_under_a_taken_id_is_left_out_as_confluent_does() -> None:
    records = [schema("a", 1, 5, A1), schema("b", 1, 5, B1)]
    replayed = read_schemas_topic(dump(records))
    assert list(replayed.snapshot.versions) == [("a", 1)]
    assert replayed.notes == [
        "line 2: id 5 already holds a different schema; 'b' version 1 is left out, as "
        "Confluent's reader does"
    ]


def test_malformed_lines_are_reported_with_their_numbers() -> None:
    lines = [
        *dump([schema("a", 1, 1, A1)]),
        b"not json at all\n",
        b"\n",
        *dump([schema("b", 1, 0, B1)]),
        *dump([schema("c", 1, 3, B1, schemaType="XML")], console),
        *dump([({"keytype": "SCHEMA", "subject": "d", "version": 2}, {"version": 1, "id": 4})]),
        b'{"topic": "_schemas", "payload": null}\n',
    ]
    replayed = read_schemas_topic(lines)
    assert replayed.bad_lines[0].reason.startswith("the line is not JSON (")
    assert [(bad.number, bad.reason) for bad in replayed.bad_lines[1:]] == [
        (4, "'id' must be a positive integer, not 0"),
        (5, "unknown schemaType 'XML'; use AVRO, PROTOBUF, JSON"),
        (6, "the value's version 1 differs from the key's"),
        (
            7,
            "neither a kcat -J record (a JSON object with 'key' and 'payload') nor "
            "'key<TAB>value' as kafka-console-consumer prints with print.key=true",
        ),
    ]
    assert list(replayed.snapshot.versions) == [("a", 1)]


def test_a_line_that_is_not_utf8_is_a_bad_line() -> None:
    line = dump([schema("a", 1, 1, A1)], console)[0].replace(b'"a"', b'"\xff"')
    replayed = read_schemas_topic([line])
    assert [bad.number for bad in replayed.bad_lines] == [1]


def test_an_invalid_mode_is_a_bad_line() -> None:
    replayed = read_schemas_topic(dump([mode(None, "FORWARD")]))
    assert len(replayed.bad_lines) == 1
    assert "FORWARD" in replayed.bad_lines[0].reason
