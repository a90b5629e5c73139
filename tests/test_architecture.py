"""The package keeps the shape docs/architecture.md describes."""

from __future__ import annotations

import ast
import importlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold_layers_and_no_cycles() -> None:
    """The import-linter contracts in pyproject.toml: layers, forbidden imports, no cycles
    (imports inside functions and under TYPE_CHECKING count)."""
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        assert lint_imports(no_cache=True, no_logo=True) == 0
    finally:
        os.chdir(here)


def packages() -> list[str]:
    """Every package under evcat/, by dotted name."""
    return sorted(
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "evcat").rglob("__init__.py")
        if "migrations/versions" not in init.as_posix()
    )


def documented_faces() -> dict[str, set[str]]:
    """The "Public faces" table of docs/architecture.md: package -> names."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("\n## Public faces\n", 1)[1].split("\n## ", 1)[0]
    faces: dict[str, set[str]] = {}
    for line in section.splitlines():
        row = re.match(r"^\| `(evcat[\w.]*)` \| (.*) \|$", line)
        if row:
            faces[row[1]] = set(re.findall(r"`([^`]+)`", row[2]))
    return faces


def test_every_package_names_its_public_face_as_the_architecture_doc_says() -> None:
    faces = documented_faces()
    assert sorted(faces) == packages()
    for name in packages():
        module = importlib.import_module(name)
        assert set(module.__all__) == faces[name], name


def test_every_package_says_what_it_owns_and_may_import() -> None:
    for name in packages():
        doc = importlib.import_module(name).__doc__ or ""
        assert "import" in doc.lower(), f"{name}'s docstring does not say what it may import"


def imports(path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """``(module, names)`` of every import in a file, inside functions too."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            yield node.module, tuple(alias.name for alias in node.names)


def test_other_packages_import_only_a_packages_public_face() -> None:
    faces = {name: set(importlib.import_module(name).__all__) for name in packages()}
    outside: list[str] = []
    for path in (ROOT / "evcat").rglob("*.py"):
        importer = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for module, names in imports(path):
            for package, face in faces.items():
                if importer == package or importer.startswith(package + "."):
                    continue  # a package's own modules use all of it
                if module == package:
                    wanted = set(names)
                elif module.startswith(package + "."):
                    wanted = {module[len(package) + 1 :].split(".")[0]}
                else:
                    continue
                outside += [f"{importer} imports {package}.{n}" for n in sorted(wanted - face)]
    assert outside == []
