"""Protobuf names: the symbols a file defines, and how to write one so protoc finds it again.

protoc resolves a name written inside an element the way C++ does, from the innermost scope
outwards; :func:`shorten` picks the shortest spelling that this lookup turns back into the
intended full name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_AGGREGATES = frozenset({"package", "message", "enum", "service"})


def file_symbols(file: Any) -> dict[str, str]:
    """Every name ``file`` defines (full name, no leading dot) and its kind."""
    parts = file.package.split(".") if file.package else []
    symbols = {".".join(parts[:end]): "package" for end in range(1, len(parts) + 1)}
    prefix = f"{file.package}." if file.package else ""

    def scope(messages: Iterable[Any], enums: Iterable[Any], prefix: str) -> None:
        for enum in enums:
            symbols[prefix + enum.name] = "enum"
            # Enum values live in the scope enclosing their enum, as in C++.
            symbols.update((prefix + value.name, "value") for value in enum.value)
        for message in messages:
            inner = f"{prefix}{message.name}."
            symbols[prefix + message.name] = "message"
            symbols.update((inner + f.name, "field") for f in (*message.field, *message.extension))
            symbols.update((inner + oneof.name, "oneof") for oneof in message.oneof_decl)
            scope(message.nested_type, message.enum_type, inner)

    scope(file.message_type, file.enum_type, prefix)
    symbols.update((prefix + extension.name, "field") for extension in file.extension)
    for service in file.service:
        symbols[prefix + service.name] = "service"
        symbols.update((f"{prefix}{service.name}.{m.name}", "method") for m in service.method)
    return symbols


def _lookup(name: str, scope: str, symbols: Mapping[str, str], want_type: bool) -> str | None:
    """What protoc resolves ``name`` to when it is written inside the element ``scope``."""
    first = name.partition(".")[0]
    while "." in scope:
        scope = scope.rpartition(".")[0]
        kind = symbols.get(f"{scope}.{first}")
        if kind is None:
            continue
        if first != name:
            if kind in _AGGREGATES:  # protoc commits to the first aggregate it finds
                return f"{scope}.{name}" if f"{scope}.{name}" in symbols else None
        elif not want_type or kind in ("message", "enum"):
            return f"{scope}.{name}"
    return name if name in symbols else None


def shorten(
    full_name: str, scope: str, symbols: Mapping[str, str], package: str, *, want_type: bool
) -> str:
    """How to write ``full_name`` inside ``scope`` of a file in ``package``.

    A name from the file's own package gets its shortest suffix that protoc resolves back to
    it; a name from elsewhere is written in full, as people write them; a leading dot is used
    only where scoping would otherwise pick another symbol.
    """
    full = full_name.lstrip(".")
    parts = full.split(".")
    candidates = [full]
    if not package or full.startswith(package + "."):
        local = len(parts) - (len(package.split(".")) if package else 0)
        candidates = [".".join(parts[-size:]) for size in range(1, local + 1)] + candidates
    for candidate in candidates:
        if _lookup(candidate, scope, symbols, want_type) == full:
            return candidate
    return f".{full}"
