"""Reading catalog YAML with the line of every value, and writing it back deterministically.

Every problem ``evcat apply`` reports names the file, the line and the YAML path of the value
at fault (``services/billing.yaml:12: consumes[0].fields[1]``), so documents are composed
node by node and the line of each path is kept beside the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evcat import yamlsafe
from evcat.catalog.errors import CatalogProblems, Problem

Location = tuple[str | int, ...]
SUFFIXES = (".yaml", ".yml")


def format_path(location: Sequence[str | int]) -> str:
    """``("consumes", 0, "fields", 2)`` -> ``consumes[0].fields[2]``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(document)"


@dataclass(frozen=True)
class SourceDocument:
    """One YAML document of a catalog file (``index``: its position in the file).

    The line of each path is worked out only when a problem needs it: composing nodes with
    their marks costs more than loading the data, and a valid catalog never needs a line.
    """

    file: str
    index: int
    data: Any
    text: str | None = field(default=None, repr=False, compare=False)
    _lines: dict[Location, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def lines(self) -> dict[Location, int]:
        if not self._lines and self.text is not None:
            loader = yamlsafe.Loader(self.text)
            try:
                position = 0
                while loader.check_node():
                    node = loader.get_node()
                    if position == self.index and node is not None:
                        _record_lines(node, (), self._lines)
                        break
                    position += 1
            finally:
                loader.dispose()
        return self._lines

    def line(self, location: Sequence[str | int]) -> int:
        """The line of ``location``, or of its nearest enclosing value."""
        lines = self.lines
        path = tuple(location)
        while path and path not in lines:
            path = path[:-1]
        return lines.get(path, 1)

    def problem(self, location: Sequence[str | int], message: str) -> Problem:
        return Problem(self.file, self.line(location), format_path(location), message)


def _record_lines(
    node: yaml.Node, path: Location, lines: dict[Location, int], seen: set[int] | None = None
) -> None:
    # An alias shares its anchor's node: each node is walked once, so an alias of an
    # enclosing value (``a: &a [*a]``) cannot recurse forever, nor aliases multiply work.
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                child = (*path, key_node.value)
                lines[child] = key_node.start_mark.line + 1
                _record_lines(value_node, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, seen)


def load_text(text: str, file: str) -> list[SourceDocument]:
    """The documents of one YAML text; a syntax error is a problem naming file and line."""
    try:
        loaded = yamlsafe.load_all(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise CatalogProblems(
            [Problem(file, line, "(document)", f"invalid YAML: {exc.problem or exc}")]
        ) from None
    except yaml.YAMLError as exc:
        raise CatalogProblems([Problem(file, 1, "(document)", f"invalid YAML: {exc}")]) from None
    documents = [
        SourceDocument(file, index, data, text)
        for index, data in enumerate(loaded)
        if data is not None
    ]
    problems = [
        document.problem(location, "holds a NUL character (\\0); remove it")
        for document in documents
        for location in _nul_locations(document.data, ())
    ]
    if problems:
        raise CatalogProblems(problems)
    return documents


def _nul_locations(value: Any, path: Location, seen: set[int] | None = None) -> list[Location]:
    """Where a document holds a NUL character, which no database text column can store."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        items: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return []
    seen = set() if seen is None else seen
    if id(value) in seen:  # an alias of an enclosing value
        return []
    seen.add(id(value))
    found: list[Location] = []
    for key, item in items:
        child = (*path, key if isinstance(key, (str, int)) else str(key))
        if isinstance(key, str) and "\x00" in key:
            found.append(child)
        found.extend(_nul_locations(item, child, seen))
    return found


def catalog_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, directories searched recursively, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES))
        elif path.exists():
            found.append(path)
        else:
            raise CatalogProblems([Problem(str(path), 0, "(file)", "no such file or directory")])
    return found


def load_paths(paths: Iterable[Path]) -> list[SourceDocument]:
    """Every document of every catalog file under ``paths``."""
    documents: list[SourceDocument] = []
    problems: list[Problem] = []
    for path in catalog_files(paths):
        try:
            documents.extend(load_text(path.read_text(encoding="utf-8"), str(path)))
        except CatalogProblems as exc:
            problems.extend(exc.problems)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), 0, "(file)", f"cannot read: {exc}"))
    if problems:
        raise CatalogProblems(problems)
    return documents


class _Dumper(yaml.SafeDumper):
    """Never writes anchors and aliases: every value is spelled out where it is used."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_all(documents: Sequence[Any]) -> str:
    """Deterministic block-style YAML: key order kept, unicode as is, no line folding."""
    return yaml.dump_all(
        documents,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,
    )


def dump_yaml(data: Any) -> str:
    """One document, printed as ``dump_all`` prints it."""
    return dump_all([data])
