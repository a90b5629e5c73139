"""The package keeps the shape docs/architecture.md describes."""

from __future__ import annotations

import os
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
