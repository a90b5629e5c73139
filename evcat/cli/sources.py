"""Schema files on disk: which type an extension means, which subject a name means, reading."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from evcat.cli.errors import UserError

EXTENSIONS = {".avsc": "AVRO", ".proto": "PROTOBUF", ".json": "JSON"}
SCHEMA_TYPES = ("AVRO", "PROTOBUF", "JSON")


def type_of(path: Path, explicit: str | None = None) -> str:
    """``explicit`` (any case) if given, else the type the file's extension stands for."""
    if explicit:
        schema_type = explicit.upper()
        if schema_type not in SCHEMA_TYPES:
            raise UserError(f"unknown schema type '{explicit}': use AVRO, PROTOBUF or JSON")
        return schema_type
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise UserError(
            f"{path}: cannot tell the schema type from '{path.suffix or 'no extension'}'; "
            "name it .avsc, .proto or .json, or pass --type"
        ) from None


def subject_of(path: Path) -> str:
    """The subject a file stands for when nothing else says: its name without the extension."""
    return path.stem


class UnreadableFile(UserError):
    """A file that cannot be read as text; ``reason`` says why without naming the file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: the file is {reason}")
        self.reason = reason


def read_text(path: Path) -> str:
    """The file's text; ``UnreadableFile`` if it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UnreadableFile(path, "missing") from None
    except IsADirectoryError:
        raise UnreadableFile(path, "a directory, not a schema file") from None
    except UnicodeDecodeError:
        raise UnreadableFile(path, "not UTF-8 text") from None
    except OSError as error:
        raise UnreadableFile(path, f"unreadable ({error.strerror or error})") from None


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, directories replaced by the schema files under them (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                child
                for child in path.rglob("*")
                if child.suffix.lower() in EXTENSIONS and child.is_file()
            )
        elif path.exists():
            found.append(path)
        else:
            raise UserError(f"{path}: no such file or directory")
    return found


def shown(path: Path, root: Path) -> str:
    """How a report names a file: relative to the repository root, with forward slashes."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def repository_root(start: Path) -> Path:
    """The nearest directory holding ``.git`` (CI annotations are relative to it), or ``start``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start
