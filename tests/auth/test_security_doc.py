"""docs/security.md stays true: its permission table is the code's, and every test its threat
model names exists."""

from __future__ import annotations

import re
from pathlib import Path

from evcat.auth.permissions import rules

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "security.md").read_text()


def test_the_documented_permission_table_is_the_codes() -> None:
    documented = re.findall(r"^\| (GET|POST|PUT|DELETE) \| `([^`]+)` \| (\w+)", DOC, re.M)
    in_code = [(rule.method, rule.template, rule.operation.value) for rule in rules()]
    assert documented == in_code


def _test_file(name: str) -> Path | None:
    """A test module by path or by bare file name (tests/ and its folders, not node_modules)."""
    tests = ROOT / "tests"
    folders = [tests, *(d for d in tests.iterdir() if d.is_dir())]
    found = [folder / Path(name).name for folder in folders if (folder / Path(name).name).is_file()]
    return found[0] if found else None


def test_every_test_the_threat_model_names_exists() -> None:
    model = DOC.split("## Threat model", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in model.splitlines() if line.startswith("| ") and "---" not in line]
    missing = []
    for row in rows[1:]:
        current: Path | None = None
        for item in re.findall(r"`([^`]+)`", row.rstrip(" |").rsplit(" | ", 1)[1]):
            file, _, name = item.partition("::")
            if file.endswith(".py"):
                current = _test_file(file)
                if current is None:
                    missing.append(file)
                    continue
            elif file or current is None:
                continue  # a bench name or a matrix case, not a test function
            name = name.split("[", 1)[0]
            if name and f"def {name}(" not in current.read_text():
                missing.append(f"{current.name}::{name}")
    assert missing == []
