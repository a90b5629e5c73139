"""The one way evcat reads YAML: safe types only, and bounded before anything is built.

A YAML alias shares its anchor's node, so a few hundred bytes of nested aliases (a "billion
laughs") stand for billions of values once anything walks or serialises the data. Every
document is therefore composed into nodes first and measured: its size in bytes, its depth,
and how many values its aliases add when expanded (a recursive alias expands forever). Only
a document within the limits (``evcat.limits``) is turned into Python values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from evcat.limits import InputLimits, current

# libyaml parses several times faster; its nodes carry the same marks.
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLimitError(yaml.YAMLError):
    """A document past a limit; a ``YAMLError`` so every reader reports it as bad YAML."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_node(node: yaml.Node, limits: InputLimits | None = None) -> None:
    """Refuse a composed document that nests too deep, or whose aliases expand too far.

    Each node's expanded size is computed once (aliases reuse the anchor's node object), so
    the check costs time linear in the text, whatever the aliases expand to.
    """
    limits = limits or current()
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    distinct = 0
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        item, done = stack.pop()
        key = id(item)
        if done:
            children = _children(item)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            depths[key] = 1 + max((depths[id(child)] for child in children), default=0)
            on_path.discard(key)
            if depths[key] > limits.yaml_max_depth:
                raise YamlLimitError(
                    f"the document nests deeper than {limits.yaml_max_depth} levels "
                    "(EVCAT_YAML_MAX_DEPTH)"
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlLimitError(
                "an alias refers to a value that contains it, which expands forever; "
                "spell the value out instead"
            )
        on_path.add(key)
        distinct += 1
        stack.append((item, True))
        stack.extend((child, False) for child in _children(item) if id(child) not in sizes)
    added = sizes[id(node)] - distinct
    if added > limits.yaml_max_alias_values:
        raise YamlLimitError(
            f"aliases expand the document by {added} values, more than "
            f"{limits.yaml_max_alias_values} (EVCAT_YAML_MAX_ALIAS_VALUES); spell values out "
            "instead of repeating aliases of aliases"
        )


def _check_size(text: str | bytes, limits: InputLimits) -> None:
    if len(text) > limits.yaml_max_bytes:
        raise YamlLimitError(
            f"the document is {len(text)} bytes, more than {limits.yaml_max_bytes} "
            "(EVCAT_YAML_MAX_BYTES); split it into several files"
        )


def _documents(text: str | bytes) -> Iterator[tuple[Any, yaml.Node]]:
    limits = current()
    _check_size(text, limits)
    loader = Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            check_node(node, limits)
            yield loader.construct_document(node), node
    finally:
        loader.dispose()


def load(text: str | bytes) -> Any:
    """The single document of ``text`` (None when empty), within the limits."""
    data, _ = load_with_node(text)
    return data


def load_with_node(text: str | bytes) -> tuple[Any, yaml.Node | None]:
    """The single document and its node (for line numbers); a second document is an error."""
    found: list[tuple[Any, yaml.Node]] = []
    for document in _documents(text):
        found.append(document)
        if len(found) > 1:
            mark = document[1].start_mark
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                found[0][1].start_mark,
                "but found another document",
                mark,
            )
    return found[0] if found else (None, None)


def load_all(text: str | bytes) -> list[Any]:
    """Every document of ``text``, each within the limits."""
    return [data for data, _ in _documents(text)]
