"""Protobuf compatibility: ``check`` diffs two descriptors, ``rules`` words each difference.
Imports ``compat.base`` and ``evcat.formats``.
"""

__all__ = [
    "check",
]
