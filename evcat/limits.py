"""The bounds on hostile input that every reader and evaluator checks, one object per process.

They come from ``Settings`` (``EVCAT_*`` variables): the server installs its settings when it
builds the app, and anything else (the CLI, a library caller) reads the environment the first
time a limit is needed. docs/security.md ("Input limits") explains each one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from evcat.settings import Settings


@dataclass(frozen=True)
class InputLimits:
    """What a YAML document, an expression value, a schema or an event may grow to."""

    yaml_max_bytes: int
    yaml_max_alias_values: int
    yaml_max_depth: int
    expr_max_string: int
    expr_max_list: int
    expr_max_digits: int
    event_max_bytes: int
    upcast_max_steps: int
    schema_max_depth: int
    protobuf_max_fields: int
    protobuf_max_messages: int
    regex_max_length: int

    @classmethod
    def from_settings(cls, settings: Settings) -> InputLimits:
        """The limits ``settings`` names (same field names)."""
        return cls(**{field.name: getattr(settings, field.name) for field in fields(cls)})


_current: InputLimits | None = None


def configure(settings: Settings) -> InputLimits:
    """Install the limits of ``settings`` for this process; returns them."""
    global _current
    _current = InputLimits.from_settings(settings)
    return _current


def current() -> InputLimits:
    """The limits in force: the configured ones, else those of the environment."""
    return _current if _current is not None else configure(Settings())
