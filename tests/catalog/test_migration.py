"""Migration 0002 creates exactly the catalog tables and columns the models declare."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from evcat.catalog import models
from evcat.migrations import upgrade


def test_migrated_tables_match_the_models(empty_url: str) -> None:
    engine = create_engine(empty_url)
    inspector = inspect(engine)
    for table in models.RESOURCE_TABLES:
        name = table.__tablename__
        migrated = {column["name"] for column in inspector.get_columns(name)}
        declared = {column.name for column in table.__table__.columns}  # type: ignore[attr-defined]
        assert migrated == declared, name
        primary = inspector.get_pk_constraint(name)["constrained_columns"]
        declared_keys = [c.name for c in table.__table__.primary_key.columns]  # type: ignore[attr-defined]
        assert sorted(primary) == sorted(declared_keys), name
    engine.dispose()


def test_downgrade_removes_the_catalog_and_upgrade_restores_it(empty_url: str) -> None:
    from alembic import command

    from evcat.migrations import alembic_config

    command.downgrade(alembic_config(empty_url), "0001")
    engine = create_engine(empty_url)
    assert not [t for t in inspect(engine).get_table_names() if t.startswith("catalog_")]
    engine.dispose()
    upgrade(empty_url)
    engine = create_engine(empty_url)
    assert len([t for t in inspect(engine).get_table_names() if t.startswith("catalog_")]) == 15
    engine.dispose()
