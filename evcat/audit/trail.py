"""Appending to the audit trail: one record per state change, in the change's transaction.

``record`` runs inside ``db.write_session``, the transaction that makes the change: a change
that rolls back leaves no record, and a committed one always has its record. The write lock
that session holds serialises every append across threads and processes, so the chain never
forks; reading the head costs one indexed query per transaction (later appends in the same
transaction reuse it).

Refused writes (an incompatible schema, a bad config, a read-only subject) leave no record:
they change nothing, and recording them would let any caller grow a table that can never be
pruned. Refused sign-ins are the exception, recorded as ``refused`` in their own transaction
by ``record_refused_sign_in``: they are what the trail exists to reveal.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from evcat.audit import resources
from evcat.audit.actor import ANONYMOUS_PRINCIPAL, Actor
from evcat.audit.chain import GENESIS, Entry, iso_time, json_bytes
from evcat.audit.models import AuditRecordRow
from evcat.audit.vocabulary import ACTIONS, Outcome
from evcat.db import holds_write_lock, write_session

_TABLE = AuditRecordRow.__table__  # type: ignore[attr-defined]
# Built once: a statement made per call costs more in SQLAlchemy than the database's insert.
_INSERT = insert(_TABLE)
_LAST = select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc()).limit(1)
_HEAD = "evcat.audit.head"
MAX_CLAIMED_CHARS = 256
MAX_REQUEST_ID = 128  # the columns' sizes: longer values are cut, never refused mid-write
MAX_CLIENT = 64


def _head(session: Session) -> tuple[int, str]:
    """The last record's ``(seq, hash)`` in this transaction, or ``(0, GENESIS)``."""
    head: tuple[int, str] | None = session.info.get(_HEAD)
    if head is None:
        last = session.connection().execute(_LAST).first()
        head = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)
    return head


def record(
    session: Session,
    actor: Actor,
    action: str,
    resource: str,
    *,
    before: Any = None,
    after: Any = None,
    outcome: Outcome = "success",
) -> Entry:
    """Append one record to the trail inside ``session`` (a ``db.write_session``).

    ``before`` and ``after`` are JSON values describing the resource around the change; keep
    schema text and event payloads out of them (``chain.sha256_hex`` gives their digest).
    """
    if not holds_write_lock(session):
        raise RuntimeError("audit records are appended inside db.write_session only")
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to audit.vocabulary.ACTIONS")
    seq, previous = _head(session)
    at_ms = int(time.time() * 1000)
    unsigned = Entry(
        seq=seq + 1,
        time=iso_time(at_ms),
        principal=resources.bounded(actor.principal),
        action=action,
        resource=resources.bounded(resource),
        outcome=outcome,
        request_id=None if actor.request_id is None else actor.request_id[:MAX_REQUEST_ID],
        client=None if actor.client is None else actor.client[:MAX_CLIENT],
        before=json_bytes(before),
        after=json_bytes(after),
        previous_hash=previous,
        hash="",
    )
    entry = dataclasses.replace(unsigned, hash=unsigned.computed_hash())
    session.connection().execute(
        _INSERT,
        {
            "seq": entry.seq,
            "at_ms": at_ms,
            "principal": entry.principal,
            "action": entry.action,
            "resource": entry.resource,
            "outcome": entry.outcome,
            "request_id": entry.request_id,
            "client": entry.client,
            "before_json": entry.before.decode(),
            "after_json": entry.after.decode(),
            "previous_hash": entry.previous_hash,
            "hash": entry.hash,
        },
    )
    session.info[_HEAD] = (entry.seq, entry.hash)
    return entry


def record_refused_sign_in(
    engine: Engine, actor: Actor, *, scheme: str, claimed: str | None, reason: str
) -> Entry:
    """Record a sign-in the server refused, in a transaction of its own.

    ``actor`` carries the request's id and client address; the principal is recorded as
    ``anonymous`` whatever it says, since nothing was verified. ``claimed`` (the user or
    token name the client sent, cut to 256 characters) is kept in ``after`` as
    ``claimed_principal``. ``scheme`` is ``basic``, ``bearer`` or ``oidc``; ``reason`` says
    why, without the secret.
    """
    after = {"claimed_principal": _printable(claimed), "reason": reason}
    unverified = dataclasses.replace(actor, principal=ANONYMOUS_PRINCIPAL)
    with write_session(engine, changes_state=False) as session:
        return record(
            session,
            unverified,
            "auth.sign-in",
            resources.sign_in(scheme),
            after=after,
            outcome="refused",
        )


def _printable(claimed: str | None) -> str | None:
    """A client's text made safe to store: lone surrogates replaced, length bounded."""
    if claimed is None:
        return None
    return claimed[:MAX_CLAIMED_CHARS].encode("utf-8", "replace").decode()
