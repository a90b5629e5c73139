"""The result type every format's checker returns, and the checker contract."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from evcat.formats.base import ParsedSchema

STRICT = "STRICT"
LENIENT = "LENIENT"


@dataclass(frozen=True, slots=True)
class Incompatibility:
    """One reason a reader schema cannot read data written with a writer schema.

    ``rule`` is Confluent's name for the difference (``READER_FIELD_MISSING_DEFAULT_VALUE``,
    ``FIELD_KIND_CHANGED``, ``TYPE_NARROWED``...), ``path`` points into the schema in the
    format's own notation, ``message`` is a sentence for a developer, and ``fix`` says what to
    change. ``version`` is the old version it conflicts with and ``direction`` says which way
    data flows (``BACKWARD``: the new schema reads old data; ``FORWARD``: the old schema reads
    new data); both are filled in by the level logic.
    """

    rule: str
    path: str
    message: str
    fix: str
    additional_info: str = ""
    version: int | None = None
    direction: str = "BACKWARD"

    def confluent_message(self) -> str:
        """The message the way Confluent's registry prints it in 409 and verbose answers."""
        text = f"{{errorType:'{self.rule}', description:'{self.message}'"
        if self.additional_info:
            text += f", additionalInfo:'{self.additional_info}'"
        return text + "}"

    def against(self, version: int | None, direction: str) -> Incompatibility:
        return replace(self, version=version, direction=direction)


class ReaderWriterCheck(Protocol):
    """Can ``reader`` read every datum written with ``writer``?

    ``reader_role``/``writer_role`` are ``"new"`` or ``"old"`` so that messages read naturally in
    either direction ("the field 'qty' in the new schema has no default...").
    """

    def __call__(
        self,
        reader: ParsedSchema,
        writer: ParsedSchema,
        *,
        reader_role: str,
        writer_role: str,
        policy: str,
    ) -> list[Incompatibility]: ...
