"""The audit trail: an append-only, hash-chained record of every change to evcat's state.

Write paths call ``record(session, actor, action, resource, before=..., after=...)`` inside
the ``db.write_session`` that makes the change; the auth layer calls
``record_refused_sign_in``. ``query`` reads pages of the trail, ``verify`` checks its chain.

It imports only ``evcat.db``, ``evcat.errors`` and ``evcat.settings``: every write path below
the surface may import it.
"""

from __future__ import annotations

from evcat.audit import resources
from evcat.audit.actor import ANONYMOUS, ANONYMOUS_PRINCIPAL, Actor, local_actor
from evcat.audit.chain import sha256_hex
from evcat.audit.trail import record, record_refused_sign_in

__all__ = [
    "ANONYMOUS",
    "ANONYMOUS_PRINCIPAL",
    "Actor",
    "actor",
    "api",
    "chain",
    "local_actor",
    "query",
    "record",
    "record_refused_sign_in",
    "resources",
    "sha256_hex",
    "verify",
]
