"""Revision 0005 moves the GDPR audit rows of 0004 into the chained trail, and back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from evcat.audit.query import every_entry
from evcat.audit.verify import verify
from evcat.migrations import alembic_config, upgrade

OLD_ROWS = [
    (
        1_700_000_000_000,
        "ana",
        "classify",
        "shop.Order/v1/email",
        None,
        '{"categories":["email-address"]}',
    ),
    (1_700_000_000_500, "dpo", "map-tag", "tag/PII", None, '{"category":"email-address"}'),
    (1_700_000_001_000, "ana", "declassify", "shop.Order/v1/email", '{"categories":[]}', None),
]


def _old_database(db_url: str) -> None:
    upgrade(db_url, "0004")
    engine = create_engine(db_url)
    with engine.begin() as connection:
        for row in OLD_ROWS:
            connection.execute(
                text(
                    "INSERT INTO gdpr_audit (at_ms, actor, action, object, before_json, "
                    "after_json) VALUES (:at, :actor, :action, :object, :before, :after)"
                ),
                dict(zip(("at", "actor", "action", "object", "before", "after"), row, strict=True)),
            )
    engine.dispose()


def test_old_classification_rows_become_the_first_chained_records(db_url: str) -> None:
    _old_database(db_url)

    upgrade(db_url)

    engine = create_engine(db_url)
    entries = list(every_entry(engine))
    engine.dispose()
    assert verify(entries).intact
    assert [(e.action, e.resource, e.principal) for e in entries] == [
        ("classification.set", "classification:shop.Order/v1/email", "anonymous"),
        ("tag.map", "tag:PII", "anonymous"),
        ("classification.delete", "classification:shop.Order/v1/email", "anonymous"),
    ]
    assert entries[0].as_dict()["after"] == {
        "categories": ["email-address"],
        "claimed_actor": "ana",
    }
    assert entries[0].time == "2023-11-14T22:13:20.000Z"


def test_a_downgrade_gives_the_rows_back_to_the_old_table(db_url: str) -> None:
    _old_database(db_url)
    upgrade(db_url)

    command.downgrade(alembic_config(db_url), "0004")

    engine = create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT at_ms, actor, action, object, before_json, after_json "
                "FROM gdpr_audit ORDER BY id"
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == OLD_ROWS
