"""The catalog's errors, re-exported from the one catalogue in ``evcat.errors``."""

from __future__ import annotations

from evcat.errors import CatalogInputError, CatalogNotFoundError, CatalogProblems
from evcat.errors import CatalogProblem as Problem

__all__ = ["CatalogInputError", "CatalogNotFoundError", "CatalogProblems", "Problem"]
