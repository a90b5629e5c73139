"""Placeholder until the JSON format lands."""

from evcat.registry.formats.avro import AvroFormat

JSON_FORMAT = AvroFormat()
