"""Avro compatibility: ``check`` is the entry, ``rules`` is Apache Avro's schema resolution,
``explain`` words the findings. Imports ``compat.base`` and ``evcat.formats``.
"""

__all__ = [
    "check",
]
