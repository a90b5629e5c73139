"""``evcat diff OLD NEW``: fields added, removed and changed, and the verdict of every level."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.helpers import Invoke
from tests.cli.schemas import (
    CUSTOMER_NAME_AS_NUMBER,
    CUSTOMER_V1,
    ORDER_V1,
    ORDER_WITH_NOTE,
    ORDER_WITH_REQUIRED_NOTE,
    PAYMENT_AMOUNT_AS_STRING,
    PAYMENT_V1,
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _diff(evcat: Invoke, *args: str) -> dict[str, Any]:
    result = evcat("diff", *args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _verdicts(answer: dict[str, Any]) -> dict[str, bool]:
    return {level: verdict["compatible"] for level, verdict in answer["levels"].items()}


def test_added_field_without_default_breaks_backward_only(workdir: Path, evcat: Invoke) -> None:
    (workdir / "v1.avsc").write_text(ORDER_V1)
    (workdir / "v2.avsc").write_text(ORDER_WITH_REQUIRED_NOTE)
    answer = _diff(evcat, "v1.avsc", "v2.avsc")
    assert answer["fields"] == {
        "added": [{"field": "note", "type": "string"}],
        "removed": [],
        "changed": [],
    }
    assert _verdicts(answer) == {
        "BACKWARD": False,
        "BACKWARD_TRANSITIVE": False,
        "FORWARD": True,
        "FORWARD_TRANSITIVE": True,
        "FULL": False,
        "FULL_TRANSITIVE": False,
        "NONE": True,
    }
    [issue] = answer["levels"]["BACKWARD"]["incompatibilities"]
    assert issue["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"


def test_removed_field_is_listed(workdir: Path, evcat: Invoke) -> None:
    (workdir / "v1.avsc").write_text(ORDER_WITH_NOTE)
    (workdir / "v2.avsc").write_text(ORDER_V1)
    answer = _diff(evcat, "v1.avsc", "v2.avsc")
    assert answer["fields"]["removed"] == [{"field": "note", "type": "null | string, default null"}]
    assert all(_verdicts(answer).values())


def test_protobuf_fields_are_matched_by_tag(workdir: Path, evcat: Invoke) -> None:
    (workdir / "v1.proto").write_text(PAYMENT_V1)
    (workdir / "v2.proto").write_text(PAYMENT_AMOUNT_AS_STRING.replace("amount", "total"))
    answer = _diff(evcat, "v1.proto", "v2.proto")
    assert answer["fields"]["changed"] == [
        {
            "field": "Payment.total = 2",
            "old": "int64",
            "new": "string",
            "oldName": "Payment.amount = 2",
        }
    ]
    assert _verdicts(answer)["BACKWARD"] is False


def test_json_schema_property_type_change(workdir: Path, evcat: Invoke) -> None:
    (workdir / "v1.json").write_text(CUSTOMER_V1)
    (workdir / "v2.json").write_text(CUSTOMER_NAME_AS_NUMBER)
    answer = _diff(evcat, "v1.json", "v2.json")
    assert answer["fields"]["changed"] == [
        {"field": "name", "old": "string", "new": "number", "oldName": "name"}
    ]
    assert _verdicts(answer)["FULL"] is False


def test_text_diff_marks_each_change_and_level(workdir: Path, evcat: Invoke) -> None:
    (workdir / "v1.avsc").write_text(ORDER_V1)
    (workdir / "v2.avsc").write_text(ORDER_WITH_REQUIRED_NOTE)
    lines = evcat("diff", "v1.avsc", "v2.avsc").stdout.splitlines()
    assert lines[:2] == ["v1.avsc -> v2.avsc", "  + note: string"]
    assert "  BACKWARD             incompatible" in lines
    assert "  FORWARD              compatible" in lines


def test_diff_reads_registry_versions(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    httpx.post(f"{registry}/subjects/{subject}/versions", json={"schema": ORDER_V1})
    (workdir / "next.avsc").write_text(ORDER_WITH_NOTE)
    answer = _diff(evcat, f"{subject}@1", "next.avsc", "--registry", registry)
    assert answer["fields"]["added"] == [{"field": "note", "type": "null | string, default null"}]
    assert answer["old"] == f"{subject}@1"


def test_diff_of_two_registry_versions(registry: str, subject: str, evcat: Invoke) -> None:
    for schema in (ORDER_V1, ORDER_WITH_NOTE):
        httpx.post(f"{registry}/subjects/{subject}/versions", json={"schema": schema})
    answer = _diff(evcat, f"{subject}@1", f"{subject}@latest", "--registry", registry)
    assert [f["field"] for f in answer["fields"]["added"]] == ["note"]


def test_draft_without_manifest_entry_borrows_the_references_of_the_listed_file(
    workdir: Path, evcat: Invoke
) -> None:
    money = '{"type": "record", "name": "Money", "namespace": "acme", "fields": []}'
    invoice = (
        '{"type": "record", "name": "Invoice", "namespace": "acme",'
        ' "fields": [{"name": "total", "type": "acme.Money"}]}'
    )
    (workdir / "money.avsc").write_text(money)
    (workdir / "invoice.avsc").write_text(invoice)
    (workdir / "draft.avsc").write_text(
        invoice.replace('"fields": [', '"fields": [{"name": "n", "type": "int"}, ')
    )
    (workdir / "evcat.yaml").write_text(
        "schemas:\n  - {file: money.avsc, subject: money}\n"
        "  - file: invoice.avsc\n    subject: invoice\n"
        "    references: [{name: acme.Money, subject: money}]\n"
    )
    answer = _diff(evcat, "invoice.avsc", "draft.avsc")
    assert answer["fields"]["added"] == [{"field": "n", "type": "int"}]
