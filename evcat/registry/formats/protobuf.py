"""Placeholder until the PROTOBUF format lands."""

from evcat.registry.formats.avro import AvroFormat

PROTOBUF_FORMAT = AvroFormat()
