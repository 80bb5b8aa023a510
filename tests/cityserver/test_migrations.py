"""Schema migrations: idempotent, equal to the models, safe when processes start together."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect, text

from cityserver import migrations
from cityserver.db import Database, make_engine
from cityserver.models import Base
from kiosk.timeutil import utcnow


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrations.current_version(engine) == 0
        assert migrations.upgrade(engine) == [s.version for s in migrations.STEPS]
        assert migrations.upgrade(engine) == []
        assert migrations.current_version(engine) == migrations.LATEST
    finally:
        engine.dispose()


def test_migrated_schema_equals_the_models(database: Database) -> None:
    inspector = inspect(database.engine)
    tables = set(inspector.get_table_names())
    expected = set(Base.metadata.tables)
    if database.dialect == "postgresql":
        expected.discard("counters")  # PostgreSQL has real sequences instead
    assert tables == expected
    for name in expected:
        model = Base.metadata.tables[name]
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert set(columns) == {c.name for c in model.columns}, name
        for column in model.columns:
            assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
        assert set(inspector.get_pk_constraint(name)["constrained_columns"]) == {
            c.name for c in model.primary_key
        }
        unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)}
        unique |= {tuple(i["column_names"]) for i in inspector.get_indexes(name) if i["unique"]}
        for column in model.columns:
            if column.unique:
                assert (column.name,) in unique, (name, column.name)
        indexed = {tuple(i["column_names"]) for i in inspector.get_indexes(name)}
        for index in model.indexes:
            assert tuple(c.name for c in index.columns) in indexed | unique, (name, index.name)


def test_a_newer_schema_is_refused(database: Database) -> None:
    table = migrations.version_table()
    with database.write() as session:
        session.execute(
            table.insert().values(version=99, description="future", applied_at=utcnow())
        )
    with pytest.raises(migrations.SchemaTooNew, match="upgrade cityserver"):
        migrations.upgrade(database.engine)


def test_processes_starting_together_migrate_once(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(4)]
    barrier = threading.Barrier(len(engines))
    applied: list[list[int]] = []
    failures: list[BaseException] = []

    def start(index: int) -> None:
        barrier.wait()
        try:
            applied.append(migrations.upgrade(engines[index]))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(len(engines))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert failures == []
        assert sorted(applied) == [[], [], [], [s.version for s in migrations.STEPS]]
        with engines[0].connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM schema_version")).scalar_one()
        assert count == migrations.LATEST
    finally:
        for engine in engines:
            engine.dispose()
