"""What a Protobuf schema's imports resolve to: a referenced file or a built-in one.

The built-in files are the ones every Confluent client assumes without a reference:
``google/protobuf/*`` (shipped with grpcio-tools), ``google/type/*``, ``confluent/meta.proto`` and
``confluent/type/decimal.proto`` (shipped here in ``builtin_protos``). Each is compiled once per
process, on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import grpc_tools

from evcat.formats.protobuf.names import file_symbols
from evcat.formats.protobuf.protoc import run_protoc

PROTOC_INCLUDE = Path(grpc_tools.__file__).parent / "_proto"
BUILTIN_INCLUDE = Path(__file__).parent / "builtin_protos"


@cache
def builtin_names() -> frozenset[str]:
    """Import paths that need no reference: the well-known and common types."""
    return frozenset(
        path.relative_to(root).as_posix()
        for root in (PROTOC_INCLUDE, BUILTIN_INCLUDE)
        for path in root.rglob("*.proto")
    )


_builtin_files: dict[str, Any] = {}
_builtin_symbols: dict[str, dict[str, str]] = {}


def _builtin(name: str) -> Any:
    """The compiled descriptor of a built-in file (compiled once per process)."""
    if name not in _builtin_files:
        include = [f"-I{BUILTIN_INCLUDE}", f"-I{PROTOC_INCLUDE}", "--include_imports", name]
        status, messages, compiled = run_protoc(include, builtin_names())
        if status != 0:  # the shipped files compile, so this is a broken installation
            raise RuntimeError(f"built-in {name} does not compile: {messages}")
        for file in compiled.file:
            _builtin_files.setdefault(file.name, file)
    return _builtin_files[name]


def symbols_of(file: Any) -> dict[str, str]:
    """Symbols of one imported file; a built-in's are worked out once per process."""
    name: str = file.name
    if _builtin_files.get(name) is not file:
        return file_symbols(file)
    if name not in _builtin_symbols:
        _builtin_symbols[name] = file_symbols(_builtin_files[name])
    return _builtin_symbols[name]


def closure(names: Iterable[str], available: Mapping[str, Any]) -> list[Any]:
    """The files behind ``names`` and everything they import, each after its own imports.

    A name is looked up in ``available`` (the referenced files) first, then among the built-ins.
    """
    ordered: dict[str, Any] = {}
    entered: set[str] = set()
    # Depth first without recursion: a chain of imports may be longer than Python's stack.
    stack = [(name, False) for name in reversed(list(names))]
    while stack:
        name, imports_done = stack.pop()
        file = available.get(name)
        if file is None and name in builtin_names():
            file = _builtin(name)
        if file is None or name in ordered:
            continue
        if imports_done:
            ordered[name] = file
        elif name not in entered:
            entered.add(name)
            stack.append((name, True))
            stack += [(imported, False) for imported in reversed(file.dependency)]
    return list(ordered.values())
