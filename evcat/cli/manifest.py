"""``evcat.yaml``: which schema file is which subject, with its type, references and level.

The format is published as a JSON Schema beside this module (``manifest.schema.json``) and
documented in docs/manifest.md. Every problem is reported as one line with the file, the line
and the place in the document (``schemas[2].subject``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from evcat import yamlsafe
from evcat.cli.errors import UserError
from evcat.cli.sources import read_text, type_of

MANIFEST_NAMES = ("evcat.yaml", "evcat.yml")
SCHEMA_FILE = Path(__file__).with_name("manifest.schema.json")


@dataclass(frozen=True, slots=True)
class Reference:
    """A schema's use of another subject; ``version`` None means the latest registered one."""

    name: str
    subject: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One schema file of the manifest."""

    file: Path
    subject: str
    schema_type: str
    compatibility: str | None = None
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Manifest:
    path: Path
    entries: tuple[Entry, ...]
    default_level: str | None = None
    include: tuple[str, ...] = ()

    @property
    def root(self) -> Path:
        return self.path.parent

    def included_files(self) -> list[Path]:
        """Every file matching the ``include`` patterns, resolved and sorted."""
        matches = {
            path.resolve()
            for pattern in self.include
            for path in self.root.glob(pattern)
            if path.is_file()
        }
        return sorted(matches)


def find_manifest(start: Path) -> Path | None:
    """``evcat.yaml`` in ``start`` or the nearest parent, stopping at the repository root."""
    start = start.resolve()
    for directory in (start, *start.parents):
        for name in MANIFEST_NAMES:
            if (directory / name).is_file():
                return directory / name
        if (directory / ".git").exists():
            return None
    return None


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _where(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text or "the top level"


def _line_of(node: yaml.Node | None, parts: list[str | int]) -> int:
    """The line of the YAML node at ``parts``, or of the deepest one that exists."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in parts:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _parse_yaml(path: Path, text: str) -> tuple[Any, yaml.Node | None]:
    try:
        return yamlsafe.load_with_node(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise UserError(f"{where}: not valid YAML: {problem}") from None


def _validate(path: Path, data: Any, node: yaml.Node | None) -> None:
    if data is None:
        raise UserError(f"{path}: the manifest is empty; it needs a 'schemas' list")
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if errors:
        first = errors[0]
        parts = list(first.absolute_path)
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise UserError(f"{path}:{_line_of(node, parts)}: {_where(parts)}: {first.message}{more}")


def _entry(root: Path, index: int, raw: dict[str, Any], manifest: Path) -> Entry:
    file = (root / raw["file"]).resolve()
    try:
        schema_type = type_of(file, raw.get("type"))
    except UserError:
        raise UserError(
            f"{manifest}: schemas[{index}]: cannot tell the type of '{raw['file']}' from its "
            "extension; add 'type: AVRO', 'PROTOBUF' or 'JSON'"
        ) from None
    references = tuple(
        Reference(
            name=ref["name"],
            subject=ref["subject"],
            version=ref["version"] if isinstance(ref.get("version"), int) else None,
        )
        for ref in raw.get("references", [])
    )
    return Entry(file, raw["subject"], schema_type, raw.get("compatibility"), references)


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; any problem is a ``UserError`` naming file and line."""
    text = read_text(path)
    data, node = _parse_yaml(path, text)
    _validate(path, data, node)
    root = path.resolve().parent
    entries = tuple(_entry(root, i, raw, path) for i, raw in enumerate(data["schemas"]))
    for kind in ("subject", "file"):
        seen: dict[object, int] = {}
        for index, entry in enumerate(entries):
            value = getattr(entry, kind)
            if value in seen:
                raise UserError(
                    f"{path}: schemas[{index}]: {kind} '{_plain(value, root)}' is already "
                    f"declared by schemas[{seen[value]}]"
                )
            seen[value] = index
    defaults = data.get("defaults") or {}
    return Manifest(
        path=path.resolve(),
        entries=entries,
        default_level=defaults.get("compatibility"),
        include=tuple(data.get("include", [])),
    )


def _plain(value: object, root: Path) -> str:
    if isinstance(value, Path):
        try:
            return value.relative_to(root).as_posix()
        except ValueError:
            return str(value)
    return str(value)
