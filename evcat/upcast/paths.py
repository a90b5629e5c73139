"""Field paths into decoded payloads, and copy-on-write reads and writes along them.

A path is written dotted (``customer.address.city``) or as a JSON Pointer
(``/customer/address/city``, with ``~1`` and ``~0`` escapes for keys holding ``/`` or ``~``).
Inside evcat a path is a tuple of keys.

Writes never change a dict the caller handed in: the top-level dict belongs to the running
chain (it is copied once when the chain starts), and every nested dict on the way to a write is
copied before it is changed. A chain therefore costs one shallow copy plus one per nested
record it touches, far less than a deep copy per event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

Path = tuple[str, ...]


class _Missing:
    """The value at a path that does not exist (``None`` is a real value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()


class PathError(ValueError):
    """A path that cannot be parsed."""


def parse_path(text: object) -> Path:
    """``a.b`` or ``/a/b`` as a tuple of keys; raises ``PathError`` on empty or odd input."""
    if not isinstance(text, str) or not text.strip():
        raise PathError(f"a path must be a non-empty string, not {text!r}")
    if text.startswith("/"):
        keys = tuple(part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/"))
    else:
        keys = tuple(text.split("."))
    if any(not key for key in keys):
        raise PathError(f"path '{text}' has an empty segment")
    return keys


def show(path: Path) -> str:
    """The dotted form, as messages print it."""
    return ".".join(path)


def get(data: Mapping[str, Any], path: Path) -> Any:
    """The value at ``path``, or ``MISSING``."""
    node: Any = data
    for key in path:
        # Decoded payloads are plain dicts: test for that before the slower ABC check.
        if node.__class__ is not dict and not isinstance(node, Mapping):
            return MISSING
        node = node.get(key, MISSING)
        if node is MISSING:
            return MISSING
    return node


def getter(path: Path) -> Callable[[Mapping[str, Any]], Any]:
    """A specialised ``get`` for one path; one-key paths cost a single dict lookup."""
    if len(path) == 1:
        key = path[0]
        return lambda data: data.get(key, MISSING)
    if len(path) == 2:
        first, second = path

        def two(data: Mapping[str, Any]) -> Any:
            inner = data.get(first, MISSING)
            if inner.__class__ is dict or isinstance(inner, Mapping):
                return inner.get(second, MISSING)
            return MISSING

        return two
    return lambda data: get(data, path)


def _owned_parent(root: dict[str, Any], path: Path, create: bool) -> dict[str, Any] | None:
    """The dict holding ``path[-1]``, copied on the way down so that writing to it is safe."""
    node = root
    for key in path[:-1]:
        child = node.get(key)
        if isinstance(child, Mapping):
            child = dict(child)
        elif create:
            child = {}
        else:
            return None
        node[key] = child
        node = child
    return node


def put(root: dict[str, Any], path: Path, value: Any) -> None:
    """Set ``path`` to ``value`` in the chain-owned ``root``, creating records on the way."""
    if len(path) == 1:
        root[path[0]] = value
        return
    parent = _owned_parent(root, path, create=True)
    assert parent is not None
    parent[path[-1]] = value


def pop(root: dict[str, Any], path: Path) -> Any:
    """Remove ``path`` from the chain-owned ``root``; returns the removed value or ``MISSING``."""
    if len(path) == 1:
        return root.pop(path[0], MISSING)
    if get(root, path) is MISSING:
        return MISSING
    parent = _owned_parent(root, path, create=False)
    return MISSING if parent is None else parent.pop(path[-1], MISSING)


def putter(path: Path) -> Callable[[dict[str, Any], Any], None]:
    """A specialised ``put`` for one path."""
    if len(path) == 1:
        key = path[0]

        def one(root: dict[str, Any], value: Any) -> None:
            root[key] = value

        return one
    return lambda root, value: put(root, path, value)


def popper(path: Path) -> Callable[[dict[str, Any]], Any]:
    """A specialised ``pop`` for one path."""
    if len(path) == 1:
        key = path[0]
        return lambda root: root.pop(key, MISSING)
    return lambda root: pop(root, path)
