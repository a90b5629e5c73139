"""Shapes: the format-neutral outline of a decoded payload (fields, kinds, defaults).

``schema`` reads one from an Avro, JSON Schema or Protobuf schema (``jsonschema`` and
``protobuf`` hold the last two readers); ``model`` is the ``Shape`` type and the questions the
checker asks of it. The lowest sub-package: imports ``upcast.paths``, ``upcast.errors`` and
``evcat.formats``.
"""

__all__ = [
    "model",
    "protobuf",
    "schema",
]
