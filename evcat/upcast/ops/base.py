"""What every declarative operation provides, and helpers to read their arguments.

An operation is written as a one-key mapping, ``{rename: {from: a, to: b}}``. Each operation
class parses its arguments once (``parse``), checks itself against schema shapes (``check``),
compiles to a closure over a chain-owned dict (``compile``) and prints its canonical form
(``spec``), which is what fingerprints are computed from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from evcat.upcast.ops.context import UpcastContext
from evcat.upcast.ops.static import CheckContext
from evcat.upcast.paths import Path, PathError, parse_path, show

OpFn = Callable[[dict[str, Any], UpcastContext], None]
"""A compiled operation: changes the chain-owned dict in place (nested dicts copy on write)."""


class OpArgumentError(ValueError):
    """An operation's arguments are wrong; the message says how to fix them."""

    def __init__(self, message: str, code: str = "INVALID_OP") -> None:
        super().__init__(message)
        self.code = code


class EventDropped(Exception):
    """Raised by ``drop_event`` to take the event out of the stream."""


class Op(ABC):
    """One declarative operation."""

    name: ClassVar[str]

    @classmethod
    @abstractmethod
    def parse(cls, args: Any) -> Op:
        """Build the operation from its arguments; raise ``OpArgumentError`` when they are wrong."""

    @abstractmethod
    def check(self, ctx: CheckContext[Op]) -> None:
        """Simulate the operation on the shape in ``ctx``, reporting problems there."""

    @abstractmethod
    def compile(self) -> OpFn:
        """The closure that applies the operation to one payload."""

    @abstractmethod
    def arguments(self) -> Any:
        """The canonical arguments (what ``parse`` accepts and ``spec`` prints)."""

    def spec(self) -> dict[str, Any]:
        return {self.name: self.arguments()}

    def describe(self) -> str:
        args = self.arguments()
        if isinstance(args, Mapping):
            text = ", ".join(f"{key}={value}" for key, value in args.items())
        else:
            text = str(args)
        return f"{self.name}({text})"


OPERATIONS: dict[str, type[Op]] = {}
"""Every operation a document may name, by name. ``catalogue`` fills it; it lives here, below
the operations, because ``for_each`` parses its nested operations through it."""

# Errors an operation may raise on a payload it cannot handle; anything else is a bug.
DATA_ERRORS = (TypeError, ValueError, ArithmeticError, KeyError, IndexError, AttributeError)


def parse_op(spec: Any, index: int) -> Op:
    """One operation from its document form ``{name: arguments}``."""
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise OpArgumentError(
            "each operation is a mapping with exactly one key, the operation name "
            "(for example {rename: {from: a, to: b}})"
        )
    ((name, args),) = spec.items()
    op = OPERATIONS.get(name)
    if op is None:
        raise OpArgumentError(
            f"unknown operation '{name}'; use one of {', '.join(sorted(OPERATIONS))}",
            "UNKNOWN_OP",
        )
    return op.parse(args)


def mapping(
    args: Any, name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    """``args`` as a mapping holding every required key and only known keys."""
    if not isinstance(args, Mapping):
        raise OpArgumentError(f"{name} takes a mapping with {', '.join(required)}")
    missing = [key for key in required if key not in args]
    if missing:
        raise OpArgumentError(f"{name} needs {', '.join(missing)}")
    unknown = sorted(set(args) - set(required) - set(optional))
    if unknown:
        raise OpArgumentError(
            f"{name} does not take {', '.join(unknown)}; it takes "
            f"{', '.join((*required, *optional))}"
        )
    return args


def path_arg(value: Any, what: str) -> Path:
    try:
        return parse_path(value)
    except PathError as error:
        raise OpArgumentError(f"{what}: {error}") from None


def paths_arg(value: Any, what: str) -> tuple[Path, ...]:
    """One path or a non-empty list of paths."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise OpArgumentError(f"{what} takes a path or a non-empty list of paths")
    return tuple(path_arg(item, what) for item in items)


def shown(paths: tuple[Path, ...]) -> list[str]:
    return [show(path) for path in paths]
