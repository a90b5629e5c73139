"""``EVCAT_ALLOWED_HOSTS``: only requests naming one of these hosts are served.

A page on an attacker's domain can make a victim's browser resolve that domain to the
registry's address (DNS rebinding) and then read and write it as if same-origin; such
requests still carry the attacker's name in ``Host``. Refused with 400 in the family's shape.

Patterns: ``*`` (every host: the default, so ``make run`` is unchanged), an exact name or
address (``registry.example.com``, ``127.0.0.1``, ``[::1]``), or ``*.example.com`` for every
sub-domain. Ports are ignored. With ``*`` the layer is not built at all.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from evcat.errors import HostNotAllowedError
from evcat.http.context import context_of
from evcat.http.problems import ErrorRenderer


def host_name(header: str) -> str:
    """The host of a ``Host`` header without its port, lower-cased (IPv6 keeps brackets)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.partition("]")[0] + "]"
    return header.rpartition(":")[0] if ":" in header else header


def host_allowed(host: str, patterns: list[str]) -> bool:
    """Whether ``host`` (no port) matches one of ``patterns``."""
    for pattern in patterns:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class AllowedHosts:
    """Pure ASGI middleware: 400 for a ``Host`` outside ``patterns`` (or none at all)."""

    def __init__(self, app: ASGIApp, patterns: list[str], errors: ErrorRenderer) -> None:
        self.app = app
        self.patterns = [pattern.lower() for pattern in patterns]
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next((v for k, v in scope["headers"] if k == b"host"), b"").decode("latin-1")
        if host_allowed(host_name(header), self.patterns):
            await self.app(scope, receive, send)
            return
        shown = header or "(none)"
        error = HostNotAllowedError(
            f"Host {shown!r} is not served here; EVCAT_ALLOWED_HOSTS lists the names this "
            "registry answers to"
        )
        await self.errors.send(send, error, context_of(scope).family)
