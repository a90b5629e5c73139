"""The error catalogue: one class per error, each code unique and documented."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import evcat
from evcat import errors
from evcat.errors import ABSTRACT, EvcatError, catalogue, markdown

DOCS = Path(__file__).parent.parent / "docs" / "errors.md"
# Confluent's codes below 20 in each band, as its registry uses them (docs/api.md).
CONFLUENT = {40401, 40402, 40403, 40404, 40405, 40406, 40407, 40408, 40409, 409}
CONFLUENT |= {42201, 42202, 42203, 42204, 42205, 42206, 42207, 42208, 42209}
# Confluent's security plugins and Confluent Cloud: unauthorized, forbidden, rate limited.
CONFLUENT |= {40101, 40301, 42901}


def _every_error_class() -> set[type[EvcatError]]:
    for module in pkgutil.walk_packages(evcat.__path__, "evcat."):
        # Alembic's environment and revisions run only inside Alembic.
        if not module.name.startswith(("evcat.migrations.env", "evcat.migrations.versions")):
            importlib.import_module(module.name)
    found: set[type[EvcatError]] = set()
    pending: list[type[EvcatError]] = [EvcatError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_class_anywhere_in_evcat_is_defined_in_the_catalogue() -> None:
    outside = {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _every_error_class()
        if cls.__module__ != errors.__name__
    }
    assert outside == set()


def test_error_codes_are_unique() -> None:
    by_code: dict[int, list[str]] = {}
    for cls in catalogue():
        by_code.setdefault(cls.error_code, []).append(cls.__name__)
    assert {code: names for code, names in by_code.items() if len(names) > 1} == {}


def test_codes_in_confluents_ranges_are_the_ones_confluent_uses() -> None:
    invented = [
        (cls.__name__, cls.error_code)
        for cls in catalogue()
        if errors.is_confluent_code(cls.error_code)
        and cls.error_code >= 1000
        and cls.error_code not in CONFLUENT
    ]
    assert invented == []


def test_each_code_starts_with_its_http_status() -> None:
    wrong = [
        (cls.__name__, cls.status, cls.error_code)
        for cls in catalogue()
        if cls.error_code != cls.status and cls.error_code // 100 != cls.status
    ]
    assert wrong == []


def test_each_error_has_a_title_and_says_when_it_is_raised() -> None:
    undocumented = [
        cls.__name__
        for cls in catalogue()
        if not cls.title or not cls.__doc__ or cls.__doc__ == EvcatError.__doc__
    ]
    assert undocumented == []


def test_abstract_bases_are_left_out_of_the_catalogue() -> None:
    assert not set(ABSTRACT) & set(catalogue())


def test_docs_errors_md_is_generated_from_the_catalogue() -> None:
    assert DOCS.read_text() == markdown(), (
        "docs/errors.md is stale: run python -m evcat.errors > docs/errors.md"
    )


def test_docs_list_every_error_code() -> None:
    text = DOCS.read_text()
    assert all(f"| {cls.error_code}" in text for cls in catalogue())
