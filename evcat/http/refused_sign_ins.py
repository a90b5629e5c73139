"""Refused sign-ins into the audit trail: a listener for the auth middleware's refusals.

The auth middleware calls each of its listeners with the request's scope and what it refused
(the client's address, as the trusted-proxy rules resolved it, and a reason without the
secret). The listener records it with ``audit.record_refused_sign_in``, off the event loop,
with the request's id from its context. The scheme and the claimed user name are read from
the ``Authorization`` header here; the password or token never is.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from evcat.audit import record_refused_sign_in
from evcat.http.context import CONTEXT_KEY, RequestContext


class RefusedSignIn(Protocol):
    """What the auth middleware reports of a refused sign-in."""

    @property
    def client(self) -> str: ...

    @property
    def reason(self) -> str: ...


Listener = Callable[[Mapping[str, Any], RefusedSignIn], Awaitable[None]]


def _authorization(scope: Mapping[str, Any]) -> str:
    for name, value in scope.get("headers") or ():
        if name.lower() == b"authorization":
            return bytes(value).decode("latin-1")
    return ""


def scheme_and_claim(scope: Mapping[str, Any]) -> tuple[str, str | None]:
    """The sign-in scheme (``basic``, ``bearer``...) and, for Basic, the user name sent."""
    scheme, _, credentials = _authorization(scope).strip().partition(" ")
    scheme = scheme.lower()[:16] or "none"
    if scheme != "basic":
        return scheme, None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True)
    except (binascii.Error, ValueError):
        return scheme, None
    user = decoded.partition(b":")[0]
    return scheme, user.decode("utf-8", "replace")


def sign_in_listener(engine: Engine) -> Listener:
    """A listener recording every refused sign-in in the trail of ``engine``'s database."""

    async def listener(scope: Mapping[str, Any], refused: RefusedSignIn) -> None:
        context: RequestContext = scope[CONTEXT_KEY]
        actor = dataclasses.replace(context.actor, client=refused.client or None)
        scheme, claimed = scheme_and_claim(scope)
        await run_in_threadpool(
            record_refused_sign_in,
            engine,
            actor,
            scheme=scheme,
            claimed=claimed,
            reason=refused.reason,
        )

    return listener
