"""Reads and writes of the upcast tables. No rules here: ``evcat.upcast.service`` decides."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from evcat.upcast.models import UpcasterRow, UpcastPolicyRow


def all_edges(session: Session) -> list[UpcasterRow]:
    statement = select(UpcasterRow).order_by(
        col(UpcasterRow.event), col(UpcasterRow.from_version), col(UpcasterRow.id)
    )
    return list(session.exec(statement))


def edges_at(session: Session, event: str, version: int) -> list[UpcasterRow]:
    """Edges arriving at ``event`` v``version``, and emit edges leaving it."""
    arriving = select(UpcasterRow).where(
        UpcasterRow.to_event == event, UpcasterRow.to_version == version
    )
    emitting = select(UpcasterRow).where(
        UpcasterRow.event == event,
        UpcasterRow.from_version == version,
        UpcasterRow.kind == "emit",
    )
    rows = list(session.exec(arriving)) + list(session.exec(emitting))
    return sorted(rows, key=lambda row: (row.event, row.from_version))


def find_edge(
    session: Session, event: str, from_version: int, to_event: str, to_version: int
) -> UpcasterRow | None:
    statement = select(UpcasterRow).where(
        UpcasterRow.event == event,
        UpcasterRow.from_version == from_version,
        UpcasterRow.to_event == to_event,
        UpcasterRow.to_version == to_version,
    )
    return session.exec(statement).first()


def insert_edge(session: Session, row: UpcasterRow) -> UpcasterRow:
    session.add(row)
    session.flush()
    session.refresh(row)
    return row


def delete_edges(session: Session, rows: Sequence[UpcasterRow]) -> None:
    for row in rows:
        session.delete(row)
    session.flush()


def get_policy(session: Session, event: str) -> str | None:
    row = session.get(UpcastPolicyRow, event)
    return row.policy if row else None


def set_policy(session: Session, event: str, policy: str | None) -> None:
    row = session.get(UpcastPolicyRow, event)
    if policy is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(UpcastPolicyRow(event=event, policy=policy))
    else:
        row.policy = policy
        session.add(row)
    session.flush()
