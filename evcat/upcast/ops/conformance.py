"""The operations generated after a checked list so every output has the target's layout."""

from __future__ import annotations

from evcat.upcast.ops.base import Op
from evcat.upcast.ops.fields import Drop, Select
from evcat.upcast.ops.static import Conformance
from evcat.upcast.ops.values import SetDefault


def conformance_ops(conformance: Conformance) -> list[Op]:
    """The generated operations that give every output the target's layout."""
    ops: list[Op] = []
    if conformance.select is not None:
        ops.append(Select(tuple(conformance.select)))
    if conformance.drops:
        ops.append(Drop(tuple(conformance.drops)))
    ops.extend(SetDefault(path, value) for path, value in conformance.defaults)
    return ops
