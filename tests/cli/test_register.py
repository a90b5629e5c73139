"""``evcat register``: versions and ids on success, every incompatibility explained on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.cli.helpers import Invoke
from tests.cli.schemas import (
    ORDER_V1,
    ORDER_WITH_NOTE,
    ORDER_WITH_REQUIRED_NOTE,
    PAYMENT_V1,
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_register_prints_subject_version_and_id(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / "order.avsc").write_text(ORDER_V1)
    result = evcat("register", "order.avsc", "--subject", subject, "--registry", registry)
    assert result.exit_code == 0, result.stderr
    schema_id = httpx.get(f"{registry}/subjects/{subject}/versions/1").json()["id"]
    assert result.stdout == f"{subject}  version 1  id {schema_id}  (order.avsc)\n"


def test_register_without_subject_uses_the_file_name(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / f"{subject}.proto").write_text(PAYMENT_V1)
    result = evcat("register", f"{subject}.proto", "--registry", registry, "-o", "json")
    [registered] = json.loads(result.stdout)
    assert (registered["subject"], registered["version"]) == (subject, 1)
    stored = httpx.get(f"{registry}/subjects/{subject}/versions/1").json()
    assert stored["schemaType"] == "PROTOBUF"


def test_register_takes_subject_and_references_from_the_manifest(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    money = '{"type": "record", "name": "Money", "namespace": "acme", "fields": []}'
    invoice = (
        '{"type": "record", "name": "Invoice", "namespace": "acme",'
        ' "fields": [{"name": "total", "type": "acme.Money"}]}'
    )
    (workdir / "money.avsc").write_text(money)
    (workdir / "invoice.avsc").write_text(invoice)
    (workdir / "evcat.yaml").write_text(
        "schemas:\n"
        f"  - {{file: money.avsc, subject: {subject}-money}}\n"
        f"  - file: invoice.avsc\n    subject: {subject}\n"
        f"    references: [{{name: acme.Money, subject: {subject}-money}}]\n"
    )
    # Listed dependent first: the referenced file is registered before it all the same.
    result = evcat("register", "invoice.avsc", "money.avsc", "--registry", registry, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["subject"] for r in json.loads(result.stdout)] == [f"{subject}-money", subject]
    stored = httpx.get(f"{registry}/subjects/{subject}/versions/1").json()
    assert stored["references"] == [
        {"name": "acme.Money", "subject": f"{subject}-money", "version": 1}
    ]


def test_reference_flag_adds_a_reference(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / "address.proto").write_text(
        'syntax = "proto3";\npackage acme;\nmessage Address { string city = 1; }\n'
    )
    (workdir / "customer.proto").write_text(
        'syntax = "proto3";\npackage acme;\nimport "acme/address.proto";\n'
        "message Customer { Address address = 1; }\n"
    )
    evcat("register", "address.proto", "-s", f"{subject}-address", "--registry", registry)
    result = evcat(
        "register",
        "customer.proto",
        "-s",
        subject,
        "-r",
        f"acme/address.proto={subject}-address:1",
        "--registry",
        registry,
    )
    assert result.exit_code == 0, result.stderr
    stored = httpx.get(f"{registry}/subjects/{subject}/versions/1").json()
    assert stored["references"][0]["name"] == "acme/address.proto"


def test_refused_schema_lists_each_incompatibility_with_rule_path_line_and_fix(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / "order.avsc").write_text(ORDER_V1)
    evcat("register", "order.avsc", "-s", subject, "--registry", registry)
    (workdir / "order.avsc").write_text(ORDER_WITH_REQUIRED_NOTE)
    result = evcat("register", "order.avsc", "-s", subject, "--registry", registry)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"{subject}: order.avsc is incompatible: the registry refused it at level BACKWARD"
    )
    assert lines[1] == (
        "  order.avsc:8: READER_FIELD_MISSING_DEFAULT_VALUE at /fields/2 "
        "(BACKWARD, against version 1)"
    )
    assert lines[3] == "    fix: give 'note' a default"


def test_refused_schema_as_json_carries_the_structured_incompatibilities(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / "order.avsc").write_text(ORDER_V1)
    evcat("register", "order.avsc", "-s", subject, "--registry", registry)
    (workdir / "order.avsc").write_text(ORDER_WITH_REQUIRED_NOTE)
    result = evcat("register", "order.avsc", "-s", subject, "--registry", registry, "-o", "json")
    [refused] = json.loads(result.stdout)
    assert refused["status"] == "incompatible"
    [issue] = refused["incompatibilities"]
    assert issue["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert (issue["line"], issue["version"], issue["direction"]) == (8, 1, "BACKWARD")


def test_compatible_new_version_is_registered(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / "order.avsc").write_text(ORDER_V1)
    evcat("register", "order.avsc", "-s", subject, "--registry", registry)
    (workdir / "order.avsc").write_text(ORDER_WITH_NOTE)
    result = evcat("register", "order.avsc", "-s", subject, "--registry", registry, "-o", "json")
    assert json.loads(result.stdout)[0]["version"] == 2


def test_invalid_schema_is_one_line_and_exit_2(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / "order.avsc").write_text(
        '{"type": "record", "name": "O", "fields": [{"name": "x"}]}'
    )
    result = evcat("register", "order.avsc", "-s", subject, "--registry", registry)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("evcat: error: order.avsc: Invalid schema of type AVRO")
