"""Avro reader/writer compatibility (placeholder until the checker lands)."""

from __future__ import annotations

from evcat.compat.base import Incompatibility
from evcat.registry.formats.base import ParsedSchema


def check_avro(
    reader: ParsedSchema, writer: ParsedSchema, *, reader_role: str, writer_role: str, policy: str
) -> list[Incompatibility]:
    return []
