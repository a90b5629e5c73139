"""The registry at the terminal: subjects, versions, show, config, delete against a live server."""

from __future__ import annotations

import json

import httpx

from tests.cli.helpers import Invoke
from tests.cli.schemas import ORDER_V1, ORDER_WITH_NOTE


def _register(registry: str, subject: str, schema: str) -> int:
    answer = httpx.post(f"{registry}/subjects/{subject}/versions", json={"schema": schema})
    answer.raise_for_status()
    return int(answer.json()["id"])


def test_subjects_lists_registered_subjects_with_latest_version(
    registry: str, subject: str, evcat: Invoke
) -> None:
    _register(registry, subject, ORDER_V1)
    _register(registry, subject, ORDER_WITH_NOTE)
    result = evcat("subjects", "--registry", registry, "--prefix", subject, "-o", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["subject"] == subject
    assert row["version"] == 2
    assert row["schemaType"] == "AVRO"


def test_subjects_prints_one_plain_line_per_subject_when_piped(
    registry: str, subject: str, evcat: Invoke
) -> None:
    schema_id = _register(registry, subject, ORDER_V1)
    result = evcat("subjects", "--prefix", subject, env={"EVCAT_URL": registry})
    assert result.stdout.split() == [subject, "1", str(schema_id), "AVRO"]


def test_versions_lists_each_version_with_its_id(
    registry: str, subject: str, evcat: Invoke
) -> None:
    first = _register(registry, subject, ORDER_V1)
    second = _register(registry, subject, ORDER_WITH_NOTE)
    result = evcat("versions", subject, "--registry", registry, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"version": 1, "id": first, "schemaType": "AVRO", "references": 0},
        {"version": 2, "id": second, "schemaType": "AVRO", "references": 0},
    ]


def test_show_prints_the_latest_version_pretty(registry: str, subject: str, evcat: Invoke) -> None:
    _register(registry, subject, ORDER_V1)
    result = evcat("show", subject, "--registry", registry)
    assert result.exit_code == 0, result.stderr
    header, *schema = result.stdout.splitlines()
    assert header.startswith(f"{subject} version 1 (id ")
    assert json.loads("\n".join(schema))["name"] == "Order"


def test_show_a_version_raw_prints_the_stored_text_only(
    registry: str, subject: str, evcat: Invoke
) -> None:
    _register(registry, subject, ORDER_V1)
    _register(registry, subject, ORDER_WITH_NOTE)
    result = evcat("show", f"{subject}@1", "--raw", "--registry", registry)
    stored = httpx.get(f"{registry}/subjects/{subject}/versions/1/schema").text
    assert json.loads(result.stdout) == json.loads(stored)


def test_show_as_json_is_the_registry_answer(registry: str, subject: str, evcat: Invoke) -> None:
    _register(registry, subject, ORDER_V1)
    result = evcat("show", f"{subject}@latest", "-o", "json", "--registry", registry)
    answer = json.loads(result.stdout)
    assert (answer["subject"], answer["version"], answer["schemaType"]) == (subject, 1, "AVRO")


def test_config_of_a_subject_without_its_own_says_it_is_inherited(
    registry: str, subject: str, evcat: Invoke
) -> None:
    _register(registry, subject, ORDER_V1)
    result = evcat("config", subject, "--registry", registry)
    assert result.stdout == f"{subject}: BACKWARD (from the global config)\n"


def test_config_set_changes_the_subject_level(registry: str, subject: str, evcat: Invoke) -> None:
    _register(registry, subject, ORDER_V1)
    result = evcat("config", subject, "--set", "full_transitive", "--registry", registry)
    assert result.stdout == f"{subject}: FULL_TRANSITIVE\n"
    after = evcat("config", subject, "-o", "json", "--registry", registry)
    assert json.loads(after.stdout) == {
        "subject": subject,
        "compatibilityLevel": "FULL_TRANSITIVE",
        "inherited": False,
    }


def test_config_without_subject_shows_the_global_level(registry: str, evcat: Invoke) -> None:
    result = evcat("config", "--registry", registry)
    assert result.stdout == "global: BACKWARD\n"


def test_delete_a_version_soft_deletes_it(registry: str, subject: str, evcat: Invoke) -> None:
    _register(registry, subject, ORDER_V1)
    _register(registry, subject, ORDER_WITH_NOTE)
    result = evcat("delete", f"{subject}@2", "--registry", registry)
    assert result.stdout == f"soft-deleted {subject} version 2\n"
    assert httpx.get(f"{registry}/subjects/{subject}/versions").json() == [1]


def test_delete_permanent_removes_a_subject_in_one_step(
    registry: str, subject: str, evcat: Invoke
) -> None:
    _register(registry, subject, ORDER_V1)
    result = evcat("delete", subject, "--permanent", "--registry", registry, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"subject": subject, "versions": [1], "permanent": True}
    listed = httpx.get(f"{registry}/subjects", params={"deleted": "true"}).json()
    assert subject not in listed


def test_unknown_subject_is_one_line_and_exit_2(registry: str, subject: str, evcat: Invoke) -> None:
    result = evcat("show", subject, "--registry", registry)
    assert result.exit_code == 2
    assert result.stderr == f"evcat: error: Subject '{subject}' not found.\n"
    assert result.stdout == ""
