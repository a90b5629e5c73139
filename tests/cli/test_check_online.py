"""``evcat check --registry URL``: the registry judges each file by its level and versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.helpers import Invoke
from tests.cli.schemas import ORDER_V1, ORDER_WITH_NOTE, ORDER_WITH_REQUIRED_NOTE, ORDER_WITHOUT_QTY


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _registered(registry: str, subject: str, workdir: Path) -> Path:
    httpx.post(f"{registry}/subjects/{subject}/versions", json={"schema": ORDER_V1})
    return workdir / f"{subject}.avsc"


def _check(evcat: Invoke, registry: str, *args: str) -> tuple[int, dict[str, Any]]:
    result = evcat("check", "--registry", registry, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_compatible_file_passes_online(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    file = _registered(registry, subject, workdir)
    file.write_text(ORDER_WITH_NOTE)
    code, report = _check(evcat, registry, file.name)
    assert code == 0
    assert report["mode"] == "online"
    assert report["schemas"][0]["status"] == "compatible"


def test_incompatible_file_fails_online_with_line_and_version(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    file = _registered(registry, subject, workdir)
    file.write_text(ORDER_WITH_REQUIRED_NOTE)
    code, report = _check(evcat, registry, file.name)
    assert code == 1
    [finding] = report["findings"]
    assert (finding["rule"], finding["line"], finding["version"]) == (
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        8,
        1,
    )


def test_online_check_uses_the_level_configured_in_the_registry(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    file = _registered(registry, subject, workdir)
    httpx.put(f"{registry}/config/{subject}", json={"compatibility": "FORWARD"})
    file.write_text(ORDER_WITHOUT_QTY)
    code, report = _check(evcat, registry, file.name)
    assert code == 1
    assert report["schemas"][0]["level"] == "FORWARD"
    # The path indexes the old schema; the line is found through it in the new file.
    assert report["findings"][0]["line"] == 5


def test_unregistered_subject_is_new_and_passes(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    file = workdir / f"{subject}.avsc"
    file.write_text(ORDER_V1)
    code, report = _check(evcat, registry, file.name)
    assert code == 0
    assert report["schemas"][0]["status"] == "new"


def test_schema_the_registry_cannot_parse_is_invalid(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    file = workdir / f"{subject}.avsc"
    file.write_text('{"type": "record",\n "name": "O", "fields": [{"name": "x"}]}\n')
    result = evcat("check", "--registry", registry, file.name)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"evcat: error: {file.name}:1: Invalid schema of type AVRO")


def test_manifest_reference_is_sent_with_the_latest_registered_version(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    money = '{"type": "record", "name": "Money", "namespace": "acme", "fields": []}'
    invoice = (
        '{"type": "record", "name": "Invoice", "namespace": "acme",'
        ' "fields": [{"name": "total", "type": "acme.Money"}]}'
    )
    httpx.post(f"{registry}/subjects/{subject}-money/versions", json={"schema": money})
    (workdir / "invoice.avsc").write_text(invoice)
    (workdir / "evcat.yaml").write_text(
        f"schemas:\n  - file: invoice.avsc\n    subject: {subject}\n"
        f"    references: [{{name: acme.Money, subject: {subject}-money}}]\n"
    )
    code, report = _check(evcat, registry)
    assert code == 0
    assert report["schemas"][0]["status"] == "new"


def test_reference_to_an_unregistered_subject_is_unresolved_online(
    registry: str, subject: str, workdir: Path, evcat: Invoke
) -> None:
    (workdir / "invoice.avsc").write_text(
        '{"type": "record", "name": "Invoice", "fields": [{"name": "t", "type": "acme.Money"}]}'
    )
    (workdir / "evcat.yaml").write_text(
        f"schemas:\n  - file: invoice.avsc\n    subject: {subject}\n"
        f"    references: [{{name: acme.Money, subject: {subject}-nowhere}}]\n"
    )
    code, report = _check(evcat, registry)
    assert code == 2
    assert report["findings"][0]["rule"] == "UNRESOLVED_REFERENCE"
