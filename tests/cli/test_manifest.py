"""``evcat.yaml`` and its published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from evcat.cli.manifest import SCHEMA_FILE, find_manifest, load_manifest

ROOT = Path(__file__).parents[2]


def test_published_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text()))


def test_example_repository_manifest_follows_the_published_schema() -> None:
    document = yaml.safe_load((ROOT / "examples/schemas-repo/evcat.yaml").read_text())
    Draft202012Validator(json.loads(SCHEMA_FILE.read_text())).validate(document)


def test_example_repository_manifest_loads_with_every_file_present() -> None:
    manifest = load_manifest(ROOT / "examples/schemas-repo/evcat.yaml")
    assert manifest.entries
    assert all(entry.file.is_file() for entry in manifest.entries)


def test_entry_type_comes_from_the_extension(tmp_path: Path) -> None:
    (tmp_path / "evcat.yaml").write_text(
        "schemas:\n  - {file: a.proto, subject: a}\n  - {file: b.json, subject: b}\n"
    )
    manifest = load_manifest(tmp_path / "evcat.yaml")
    assert [e.schema_type for e in manifest.entries] == ["PROTOBUF", "JSON"]


def test_reference_version_latest_means_none(tmp_path: Path) -> None:
    (tmp_path / "evcat.yaml").write_text(
        "schemas:\n  - file: a.avsc\n    subject: a\n    references:\n"
        "      - {name: acme.M, subject: m, version: latest}\n"
        "      - {name: acme.N, subject: n, version: 3}\n"
    )
    [entry] = load_manifest(tmp_path / "evcat.yaml").entries
    assert [r.version for r in entry.references] == [None, 3]


def test_catalog_data_is_accepted_and_ignored(tmp_path: Path) -> None:
    (tmp_path / "evcat.yaml").write_text(
        "catalog: {owner: payments}\n"
        "schemas:\n  - {file: a.avsc, subject: a, catalog: {producer: billing}}\n"
    )
    assert load_manifest(tmp_path / "evcat.yaml").entries[0].subject == "a"


def test_manifest_is_found_in_a_parent_directory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "evcat.yaml").write_text("schemas: []\n")
    (tmp_path / "schemas" / "deep").mkdir(parents=True)
    assert find_manifest(tmp_path / "schemas" / "deep") == tmp_path / "evcat.yaml"


def test_search_for_a_manifest_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "evcat.yaml").write_text("schemas: []\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find_manifest(tmp_path / "repo") is None
