"""``evcat check --against REF``: the offline gate on a real git repository, no server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.helpers import GitRepo, Invoke
from tests.cli.schemas import (
    CUSTOMER_NAME_AS_NUMBER,
    CUSTOMER_V1,
    CUSTOMER_WITH_EMAIL,
    ORDER_V1,
    ORDER_WITH_NOTE,
    ORDER_WITH_REQUIRED_NOTE,
    ORDER_WITHOUT_QTY,
    PAYMENT_AMOUNT_AS_STRING,
    PAYMENT_V1,
    PAYMENT_WITH_CURRENCY,
)


def _report(evcat: Invoke, *args: str) -> tuple[int, dict[str, Any]]:
    result = evcat("check", "--against", "main", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def _change(repo: GitRepo, path: str, before: str, after: str) -> None:
    repo.write(path, before)
    repo.commit("base")
    repo.write(path, after)


def test_compatible_avro_change_passes(repo: GitRepo, evcat: Invoke) -> None:
    _change(repo, "schemas/orders.avsc", ORDER_V1, ORDER_WITH_NOTE)
    code, report = _report(evcat, "schemas/orders.avsc")
    assert code == 0
    assert report["schemas"] == [
        {
            "subject": "orders",
            "file": "schemas/orders.avsc",
            "schemaType": "AVRO",
            "level": "BACKWARD",
            "status": "compatible",
        }
    ]
    assert report["findings"] == []


def test_incompatible_avro_change_fails_on_the_line_of_the_field(
    repo: GitRepo, evcat: Invoke
) -> None:
    _change(repo, "schemas/orders.avsc", ORDER_V1, ORDER_WITH_REQUIRED_NOTE)
    code, report = _report(evcat, "schemas/orders.avsc")
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert finding["line"] == 8
    assert finding["subject"] == "orders"
    assert "note" in finding["fix"]


def test_forward_finding_points_at_the_old_fields_place_in_the_new_file(
    repo: GitRepo, evcat: Invoke
) -> None:
    _change(repo, "schemas/orders.avsc", ORDER_V1, ORDER_WITHOUT_QTY)
    code, report = _report(evcat, "--level", "FORWARD", "schemas/orders.avsc")
    assert code == 1
    [finding] = report["findings"]
    assert finding["direction"] == "FORWARD"
    assert finding["rule"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
    # 'qty' is gone from the new file: the annotation lands on its record's fields.
    assert finding["line"] == 5


def test_compatible_protobuf_change_passes(repo: GitRepo, evcat: Invoke) -> None:
    _change(repo, "schemas/payment.proto", PAYMENT_V1, PAYMENT_WITH_CURRENCY)
    code, report = _report(evcat, "--level", "FULL", "schemas/payment.proto")
    assert code == 0
    assert report["summary"]["compatible"] == 1


def test_incompatible_protobuf_change_fails_on_the_line_of_the_tag(
    repo: GitRepo, evcat: Invoke
) -> None:
    _change(repo, "schemas/payment.proto", PAYMENT_V1, PAYMENT_AMOUNT_AS_STRING)
    code, report = _report(evcat, "schemas/payment.proto")
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule"] == "FIELD_SCALAR_KIND_CHANGED"
    assert finding["path"] == "#/Payment/2"
    assert finding["line"] == 6


def test_compatible_json_schema_change_passes(repo: GitRepo, evcat: Invoke) -> None:
    _change(repo, "schemas/customer.json", CUSTOMER_V1, CUSTOMER_WITH_EMAIL)
    code, _ = _report(evcat, "schemas/customer.json")
    assert code == 0


def test_incompatible_json_schema_change_fails_on_the_line_of_the_property(
    repo: GitRepo, evcat: Invoke
) -> None:
    _change(repo, "schemas/customer.json", CUSTOMER_V1, CUSTOMER_NAME_AS_NUMBER)
    code, report = _report(evcat, "schemas/customer.json")
    assert code == 1
    lines = {f["line"] for f in report["findings"]}
    assert lines == {4}


def test_level_flag_decides_without_a_manifest(repo: GitRepo, evcat: Invoke) -> None:
    _change(repo, "schemas/customer.json", CUSTOMER_V1, CUSTOMER_WITH_EMAIL)
    code, report = _report(evcat, "--level", "forward", "schemas/customer.json")
    assert code == 1
    assert report["schemas"][0]["level"] == "FORWARD"


def test_file_absent_at_the_ref_is_a_new_subject_and_passes(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("README.md", "schemas\n")
    repo.commit("base")
    repo.write("schemas/orders.avsc", ORDER_WITH_REQUIRED_NOTE)
    code, report = _report(evcat, "schemas/orders.avsc")
    assert code == 0
    assert report["schemas"][0]["status"] == "new"


def test_unchanged_file_is_not_judged(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.commit("base")
    code, report = _report(evcat, "schemas")
    assert code == 0
    assert report["summary"]["unchanged"] == 1


def test_directory_argument_checks_every_schema_file_under_it(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("schemas/orders.avsc", ORDER_V1)
    repo.write("schemas/payment.proto", PAYMENT_V1)
    repo.write("schemas/customer.json", CUSTOMER_V1)
    repo.commit("base")
    repo.write("schemas/payment.proto", PAYMENT_AMOUNT_AS_STRING)
    code, report = _report(evcat, "schemas")
    assert code == 1
    statuses = {s["subject"]: s["status"] for s in report["schemas"]}
    assert statuses == {"customer": "unchanged", "orders": "unchanged", "payment": "incompatible"}


def test_ref_can_be_any_commit(repo: GitRepo, evcat: Invoke) -> None:
    _change(repo, "schemas/orders.avsc", ORDER_V1, ORDER_WITH_REQUIRED_NOTE)
    repo.commit("head")
    result = evcat("check", "--against", "HEAD~1", "schemas/orders.avsc")
    assert result.exit_code == 1
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in result.stdout


def test_text_report_ends_with_a_summary_line(repo: GitRepo, evcat: Invoke) -> None:
    _change(repo, "schemas/orders.avsc", ORDER_V1, ORDER_WITH_REQUIRED_NOTE)
    result = evcat("check", "--against", "main", "schemas/orders.avsc")
    assert result.stdout.strip().splitlines()[-1] == (
        "evcat check failed: 1 schema against main: 1 incompatible"
    )
    assert "schemas/orders.avsc:8" in result.stdout
    assert "fix: give 'note' a default" in result.stdout


def test_check_runs_from_a_subdirectory_with_paths_relative_to_the_root(
    repo: GitRepo, evcat: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    _change(repo, "schemas/orders.avsc", ORDER_V1, ORDER_WITH_REQUIRED_NOTE)
    monkeypatch.chdir(repo.root / "schemas")
    code, report = _report(evcat, "orders.avsc")
    assert code == 1
    assert report["findings"][0]["file"] == "schemas/orders.avsc"
