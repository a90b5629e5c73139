"""Python upcasters: registered with a decorator, pinned in the registry by a hash of their source.

For logic the operation catalogue cannot express::

    @upcaster("billing.InvoiceIssued", from_version=3, to_version=4)
    def invoice_v3_v4(data: dict, ctx: UpcastContext) -> dict:
        out = dict(data)                      # never change the input
        out["amount"] = {"value": ..., "currency": out.pop("currency")}
        return out

A 1:N upcaster declares its children (``emits=[("crm.AddressChanged", 1)]``) and returns a
list of ``Emit``; one declared ``may_drop=True`` may return ``None``. The registry stores
``module:qualname`` and the SHA-256 of the function's source. When the code no longer matches
its pin the service warns, or with ``code_drift="fail"`` refuses to start (``CODE_DRIFT``).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import marshal
import textwrap
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evcat.upcast.errors import CodeDriftError, Problem
from evcat.upcast.ops.context import UpcastContext

NodeKey = tuple[str, int]
CodeFn = Callable[[dict[str, Any], UpcastContext], Any]


@dataclass(frozen=True)
class Emit:
    """One event produced by a 1:N code upcaster."""

    event_type: str
    version: int
    data: dict[str, Any]


@dataclass(frozen=True)
class CodeUpcaster:
    """A decorated function and the edge it implements."""

    event_type: str
    from_version: int
    to_type: str
    to_version: int | None
    function: CodeFn = field(compare=False)
    module: str
    qualname: str
    source_hash: str
    emits: tuple[NodeKey, ...] = ()
    may_drop: bool = False
    override: bool = False

    @property
    def ref(self) -> str:
        return f"{self.module}:{self.qualname}"

    @property
    def targets(self) -> list[NodeKey]:
        if self.emits:
            return list(self.emits)
        assert self.to_version is not None
        return [(self.to_type, self.to_version)]


@dataclass(frozen=True)
class CodePin:
    """What the registry remembers of a code upcaster."""

    event_type: str
    from_version: int
    ref: str
    source_hash: str


_REGISTERED: list[CodeUpcaster] = []


def source_hash(function: Callable[..., Any]) -> str:
    """SHA-256 of the function's source text, indentation removed.

    Functions without retrievable source (defined in a REPL) are hashed by their bytecode.
    """
    try:
        text = textwrap.dedent(inspect.getsource(function)).encode()
    except (OSError, TypeError):
        text = marshal.dumps(function.__code__)
    return "sha256:" + hashlib.sha256(text).hexdigest()


def upcaster(
    event_type: str,
    from_version: int,
    to_version: int | None = None,
    *,
    to_event: str | None = None,
    emits: Sequence[NodeKey] = (),
    may_drop: bool = False,
    override: bool = False,
) -> Callable[[CodeFn], CodeFn]:
    """Register the decorated function as the upcaster from ``from_version``."""
    if to_version is None and not emits:
        raise ValueError("give to_version, or emits=[(type, version), ...] for a 1:N upcaster")
    if to_version is not None and to_event in (None, event_type) and to_version <= from_version:
        raise ValueError("an upcaster goes to a later version")

    def register(function: CodeFn) -> CodeFn:
        _REGISTERED.append(
            CodeUpcaster(
                event_type=event_type,
                from_version=from_version,
                to_type=to_event or event_type,
                to_version=to_version,
                function=function,
                module=function.__module__,
                qualname=function.__qualname__,
                source_hash=source_hash(function),
                emits=tuple((str(t), int(v)) for t, v in emits),
                may_drop=may_drop,
                override=override,
            )
        )
        return function

    return register


def registered(modules: Iterable[str] = ()) -> list[CodeUpcaster]:
    """Import ``modules`` (so their decorators run) and return their upcasters.

    With no modules, every upcaster registered in this process so far.
    """
    names = list(modules)
    for name in names:
        importlib.import_module(name)
    latest: dict[str, CodeUpcaster] = {}
    for item in _REGISTERED:
        if not names or item.module in names:
            latest[item.ref] = item  # a re-imported module replaces its earlier registration
    return list(latest.values())


def forget(modules: Iterable[str]) -> None:
    """Drop the registrations of ``modules`` (for reloading them, and in tests)."""
    names = set(modules)
    _REGISTERED[:] = [item for item in _REGISTERED if item.module not in names]


def check_drift(
    pins: Iterable[CodePin], available: Iterable[CodeUpcaster], policy: str = "warn"
) -> list[Problem]:
    """Compare the registry's pins with the code; warn or raise by ``policy`` (warn|fail).

    Pinned code that cannot be found is always an error: events would not be readable.
    """
    by_ref = {item.ref: item for item in available}
    errors: list[Problem] = []
    drifted: list[Problem] = []
    for pin in pins:
        versions = (pin.from_version,)
        code = by_ref.get(pin.ref)
        if code is None:
            errors.append(
                Problem(
                    "CODE_MISSING",
                    f"pinned upcaster {pin.ref} is not loaded; import its module or remove the pin",
                    pin.event_type,
                    versions,
                )
            )
        elif code.source_hash != pin.source_hash:
            drifted.append(
                Problem(
                    "CODE_DRIFT",
                    f"{pin.ref} changed since it was registered ({pin.source_hash[:19]} "
                    f"-> {code.source_hash[:19]}); re-register it to accept the change",
                    pin.event_type,
                    versions,
                )
            )
    if policy == "fail":
        errors.extend(drifted)
    else:
        for problem in drifted:
            warnings.warn(str(problem), stacklevel=2)
    if errors:
        raise CodeDriftError(errors)
    return drifted
