"""What an upcaster may know about the event beyond its payload: read-only envelope facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class UpcastContext:
    """The envelope of the event being upcast. Upcasters read it; nothing can change it.

    ``metadata`` holds any further envelope attributes (CloudEvents extensions, headers of a
    stored event), as a read-only mapping.
    """

    event_id: str | None = None
    event_type: str = ""
    source_version: int = 0
    time: str | None = None
    source: str | None = None
    subject: str | None = None
    stream_id: str | None = None
    position: int | None = None
    metadata: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if type(self.metadata) is not MappingProxyType:
            # A read-only view; the caller's mapping is not copied (contexts are per event).
            view = MappingProxyType(self.metadata) if self.metadata else _EMPTY
            object.__setattr__(self, "metadata", view)

    def attribute(self, name: str) -> Any:
        """An envelope attribute by name (``id``, ``time``, ``source``...) or metadata key."""
        if name == "id":
            return self.event_id
        if name == "type":
            return self.event_type
        if name in ("time", "source", "subject", "stream_id", "position"):
            return getattr(self, name)
        return self.metadata.get(name)
