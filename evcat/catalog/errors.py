"""Catalog errors: problems that point at a file, a line and a YAML path, and missing resources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evcat.errors import NotFoundError, UnprocessableError


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a catalog document. ``line`` 0 means the file as a whole."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}"


class CatalogProblems(UnprocessableError):
    """Catalog documents that cannot be applied; nothing was written."""

    error_code = 42230

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the catalog, nothing written: "
            + "; ".join(str(p) for p in self.problems)
        )


class CatalogNotFoundError(NotFoundError):
    error_code = 40430

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind} '{name}' not found in the catalog")
        self.kind = kind
        self.name = name


class CatalogInputError(UnprocessableError):
    """A request to the catalog that names something impossible (a bad version, a bad range)."""

    error_code = 42231
