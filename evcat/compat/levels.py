"""The seven compatibility levels: which versions to compare and in which direction."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from evcat.compat.avro.check import check_avro
from evcat.compat.base import STRICT, Incompatibility, ReaderWriterCheck
from evcat.compat.jsonschema.check import check_json
from evcat.compat.protobuf.check import check_protobuf
from evcat.errors import InvalidCompatibilityLevelError
from evcat.formats.base import AVRO, JSON, PROTOBUF, ParsedSchema


class CompatibilityLevel(StrEnum):
    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def transitive(self) -> bool:
        return self.endswith("_TRANSITIVE")

    @property
    def backward(self) -> bool:
        """New readers must read old data."""
        return self.startswith(("BACKWARD", "FULL"))

    @property
    def forward(self) -> bool:
        """Old readers must read new data."""
        return self.startswith(("FORWARD", "FULL"))


LEVELS = tuple(level.value for level in CompatibilityLevel)

_CHECKERS: dict[str, ReaderWriterCheck] = {
    AVRO: check_avro,
    PROTOBUF: check_protobuf,
    JSON: check_json,
}


def parse_level(value: object) -> CompatibilityLevel:
    """A level from user input, case-insensitively; 42203 for anything else."""
    if isinstance(value, str):
        try:
            return CompatibilityLevel(value.upper())
        except ValueError:
            pass
    raise InvalidCompatibilityLevelError(value)


def check_pair(
    new: ParsedSchema, old: ParsedSchema, level: CompatibilityLevel, policy: str = STRICT
) -> list[Incompatibility]:
    """Every incompatibility between ``new`` and one ``old`` schema under ``level``.

    FULL checks old-reads-new first, then new-reads-old, the order Confluent reports them in.
    """
    if level is CompatibilityLevel.NONE:
        return []
    if new.schema_type != old.schema_type:
        return [
            Incompatibility(
                rule="SCHEMA_TYPE_CHANGED",
                path="",
                message="Incompatible because of different schema type",
                fix=f"register the {new.schema_type} schema under a new subject",
            )
        ]
    checker = _CHECKERS[new.schema_type]
    found: list[Incompatibility] = []
    if level.forward:
        found += [
            issue.against(None, "FORWARD")
            for issue in checker(old, new, reader_role="old", writer_role="new", policy=policy)
        ]
    if level.backward:
        found += [
            issue.against(None, "BACKWARD")
            for issue in checker(new, old, reader_role="new", writer_role="old", policy=policy)
        ]
    return found


def check(
    new: ParsedSchema,
    previous: Sequence[tuple[int, ParsedSchema]],
    level: CompatibilityLevel,
    policy: str = STRICT,
    *,
    stop_at_first: bool = True,
) -> list[Incompatibility]:
    """Incompatibilities of ``new`` with the live ``previous`` versions (oldest first).

    Non-transitive levels compare with the latest version only; transitive levels with all of
    them, newest first. With ``stop_at_first`` the search ends at the first version that
    conflicts (every incompatibility against that version is still reported), as Confluent does.
    """
    if level is CompatibilityLevel.NONE or not previous:
        return []
    candidates = list(reversed(previous)) if level.transitive else [previous[-1]]
    found: list[Incompatibility] = []
    for version, old in candidates:
        issues = [
            issue.against(version, issue.direction) for issue in check_pair(new, old, level, policy)
        ]
        found += issues
        if issues and stop_at_first:
            break
    return found
