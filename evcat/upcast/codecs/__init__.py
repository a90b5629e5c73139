"""Codecs: payloads between bytes, formats and plain dicts.

``avro`` generates Avro decoders and encoders per schema, ``resolution`` compiles Avro
reader/writer resolution over decoded dicts, ``protobuf`` turns messages into dicts and back,
``jsonio`` makes payloads JSON-ready. Imports ``upcast.shapes`` and ``evcat.formats``.
"""

__all__ = [
    "avro",
    "jsonio",
    "protobuf",
    "resolution",
]
