"""Fixtures for the data-map tests: the demo catalog (shared with the catalog tests)."""

from __future__ import annotations

from tests.catalog.conftest import (  # noqa: F401  (fixtures are found by name)
    Cli,
    api,
    catalog,
    cli,
    demo_template,
    demo_url,
    schemas_template,
)
