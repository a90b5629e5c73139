"""Every user mistake ends the same way: one line on stderr saying what to fix, and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import PASSWORD, READER, READER_PASSWORD, TOKEN, USER
from tests.cli.helpers import GitRepo, Invoke
from tests.cli.schemas import ORDER_V1


def _one_error(result: object) -> str:
    """The single stderr line of a failed command (exit 2, nothing on stdout)."""
    exit_code = getattr(result, "exit_code", None)
    stderr: str = getattr(result, "stderr")  # noqa: B009
    assert exit_code == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("evcat: error: ")
    return lines[0].removeprefix("evcat: error: ")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_missing_file(repo: GitRepo, evcat: Invoke) -> None:
    repo.commit("base")
    result = evcat("check", "--against", "main", "nowhere.avsc")
    assert _one_error(result) == "nowhere.avsc: no such file or directory"


def test_missing_file_to_register(registry: str, workdir: Path, evcat: Invoke) -> None:
    result = evcat("register", "nowhere.avsc", "--registry", registry)
    assert _one_error(result) == "nowhere.avsc: no such file or directory"


def test_unparsable_schema_in_the_gate(repo: GitRepo, evcat: Invoke) -> None:
    repo.commit("base")
    repo.write("orders.avsc", '{\n  "type": "record",\n  "name": "Order",\n  "fields": [\n}\n')
    result = evcat("check", "--against", "main", "orders.avsc")
    assert _one_error(result).startswith("orders.avsc:5: Invalid schema of type AVRO")


def test_file_that_is_not_utf8(repo: GitRepo, evcat: Invoke) -> None:
    repo.commit("base")
    (repo.root / "orders.avsc").write_bytes(b"\xff\xfe{}")
    result = evcat("check", "--against", "main", "orders.avsc")
    assert _one_error(result) == "orders.avsc:1: the file is not UTF-8 text"


def test_unknown_extension_without_type(repo: GitRepo, evcat: Invoke) -> None:
    repo.commit("base")
    repo.write("orders.txt", ORDER_V1)
    result = evcat("check", "--against", "main", "orders.txt")
    assert "cannot tell the schema type from '.txt'" in _one_error(result)


def test_unknown_git_ref(repo: GitRepo, evcat: Invoke) -> None:
    repo.commit("base")
    result = evcat("check", "--against", "origin/nope", ".")
    assert _one_error(result).startswith("unknown git ref 'origin/nope'")


def test_against_outside_a_git_repository(workdir: Path, evcat: Invoke) -> None:
    (workdir / "orders.avsc").write_text(ORDER_V1)
    result = evcat("check", "--against", "main", "orders.avsc")
    assert _one_error(result).endswith(
        "is not inside a git repository, and --against REF needs one"
    )


def test_check_with_nothing_to_compare_with(workdir: Path, evcat: Invoke) -> None:
    result = evcat("check", "orders.avsc")
    assert _one_error(result).startswith("nothing to compare with: pass --against REF")


def test_manifest_that_is_not_yaml(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("evcat.yaml", "schemas:\n  - file: a.avsc\n    subject: [unclosed\n")
    repo.commit("base")
    result = evcat("check", "--against", "main")
    message = _one_error(result)
    assert message.startswith(f"{repo.root / 'evcat.yaml'}:4: not valid YAML")


def test_manifest_that_breaks_its_schema_names_the_place(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("evcat.yaml", "schemas:\n  - file: a.avsc\n    sbject: a-value\n")
    repo.commit("base")
    result = evcat("check", "--against", "main")
    message = _one_error(result)
    assert message == (
        f"{repo.root / 'evcat.yaml'}:2: schemas[0]: 'subject' is a required property "
        "(and 1 more problems)"
    )


def test_manifest_with_an_unknown_level(repo: GitRepo, evcat: Invoke) -> None:
    repo.write("evcat.yaml", "schemas:\n  - {file: a.avsc, subject: a, compatibility: SIDEWAYS}\n")
    repo.commit("base")
    message = _one_error(evcat("check", "--against", "main"))
    assert message.startswith(f"{repo.root / 'evcat.yaml'}:2: schemas[0].compatibility: 'SIDEWAYS'")


def test_manifest_declaring_a_subject_twice(repo: GitRepo, evcat: Invoke) -> None:
    repo.write(
        "evcat.yaml",
        "schemas:\n  - {file: a.avsc, subject: s}\n  - {file: b.avsc, subject: s}\n",
    )
    repo.commit("base")
    message = _one_error(evcat("check", "--against", "main"))
    assert message.endswith("schemas[1]: subject 's' is already declared by schemas[0]")


def test_unreachable_registry(workdir: Path, evcat: Invoke) -> None:
    result = evcat("subjects", "--registry", "http://127.0.0.1:9")
    assert _one_error(result).startswith("cannot reach the registry at http://127.0.0.1:9")


def test_registry_url_without_scheme(evcat: Invoke) -> None:
    result = evcat("subjects", "--registry", "localhost:8081")
    assert _one_error(result) == (
        "invalid registry URL 'localhost:8081': it must start with http:// or https://"
    )


def test_no_registry_given(evcat: Invoke) -> None:
    result = evcat("subjects")
    assert _one_error(result) == "no registry given: pass --registry URL or set EVCAT_URL"


def test_missing_credentials(guarded_registry: str, evcat: Invoke) -> None:
    result = evcat("subjects", "--registry", guarded_registry)
    assert _one_error(result) == (
        f"the registry at {guarded_registry} refused the credentials (401 Unauthorized): "
        "check --user/--password or --token"
    )


def test_wrong_password(guarded_registry: str, evcat: Invoke) -> None:
    result = evcat(
        "subjects", "--registry", guarded_registry, "--user", USER, "--password", "wrong"
    )
    assert "(401 Unauthorized)" in _one_error(result)


def test_wrong_token(guarded_registry: str, evcat: Invoke) -> None:
    result = evcat("subjects", "--registry", guarded_registry, "--token", "stale")
    assert "(401 Unauthorized)" in _one_error(result)


def test_credentials_that_may_not_write(guarded_registry: str, evcat: Invoke) -> None:
    result = evcat(
        "config",
        "--set",
        "FULL",
        "--registry",
        guarded_registry,
        env={"EVCAT_USER": READER, "EVCAT_PASSWORD": READER_PASSWORD},
    )
    assert _one_error(result) == (
        f"the registry at {guarded_registry} answered 403 Forbidden: these credentials may "
        "not PUT /config"
    )


def test_basic_auth_and_token_both_work(guarded_registry: str, evcat: Invoke) -> None:
    basic = evcat(
        "subjects", "--registry", guarded_registry, "--user", USER, "--password", PASSWORD
    )
    bearer = evcat("subjects", "--registry", guarded_registry, env={"EVCAT_TOKEN": TOKEN})
    assert (basic.exit_code, bearer.exit_code) == (0, 0)


def test_unknown_subject_in_versions(registry: str, subject: str, evcat: Invoke) -> None:
    result = evcat("versions", subject, "--registry", registry)
    assert _one_error(result) == f"Subject '{subject}' not found."


def test_unknown_version_in_show(registry: str, subject: str, evcat: Invoke) -> None:
    import httpx

    httpx.post(f"{registry}/subjects/{subject}/versions", json={"schema": ORDER_V1})
    result = evcat("show", f"{subject}@7", "--registry", registry)
    assert _one_error(result) == "Version 7 not found."


def test_bad_version_after_at(registry: str, evcat: Invoke) -> None:
    result = evcat("show", "orders@seven", "--registry", registry)
    assert _one_error(result) == "'orders@seven': the version after @ must be a number or 'latest'"


def test_malformed_reference_flag(registry: str, workdir: Path, evcat: Invoke) -> None:
    (workdir / "a.avsc").write_text(ORDER_V1)
    result = evcat("register", "a.avsc", "-r", "acme.Money", "--registry", registry)
    assert _one_error(result).startswith(
        "--reference 'acme.Money': write it as name=subject:version"
    )


def test_subject_flag_with_several_files(registry: str, workdir: Path, evcat: Invoke) -> None:
    (workdir / "a.avsc").write_text(ORDER_V1)
    (workdir / "b.avsc").write_text(ORDER_V1)
    result = evcat("register", "a.avsc", "b.avsc", "-s", "x", "--registry", registry)
    assert _one_error(result) == (
        "--subject and --reference apply to one file; use evcat.yaml for many"
    )


def test_diff_of_a_missing_file(workdir: Path, evcat: Invoke) -> None:
    (workdir / "a.avsc").write_text(ORDER_V1)
    result = evcat("diff", "a.avsc", "b.avsc")
    assert _one_error(result) == "b.avsc: no such file (name a registry schema as subject@version)"
