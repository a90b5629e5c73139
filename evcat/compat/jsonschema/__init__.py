"""JSON Schema compatibility: ``check`` walks both schemas; ``keywords``, ``content`` and
``combined`` compare keyword families; ``rules`` holds Confluent's difference types.
Imports ``compat.base`` and ``evcat.formats``.
"""

__all__ = [
    "check",
]
