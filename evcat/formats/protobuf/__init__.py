"""Protobuf: ``format`` compiles ``.proto`` text (or takes a descriptor) and prints it back.

``protoc`` runs the compiler in this process, ``imports`` resolves imports to references or
the built-in files (``builtin_protos``), ``names``, ``options`` and ``printer`` print the
canonical text. Imports ``formats.base`` and ``evcat.errors`` only.
"""

__all__ = [
    "format",
    "printer",
]
