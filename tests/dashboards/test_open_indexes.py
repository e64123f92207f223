"""The partial indexes on open work (migrations 0005, 0006 and 0007) name exactly the statuses the dashboards count as
open: PostgreSQL uses a partial index only when the query's condition implies the index's, so a status
added to a domain app's open list must be added to the index too (a new migration)."""

from __future__ import annotations

import importlib
import re

from apps.dashboards.sources import source

MIGRATIONS = [importlib.import_module(f"apps.dashboards.migrations.{name}")
              for name in ("0005_open_work_indexes", "0006_open_work_store_indexes", "0007_today_indexes")]
TABLES = {"approvals": "approvals_approvalrequest", "incidents": "incidents_storeincident",
          "exceptions": "operations_opsexception"}


def _open_statuses(key: str) -> set[str]:
    work = source(key)
    assert work is not None, key
    (lookup, value), = work.open_q.children  # type: ignore[misc]
    return {str(value)} if lookup == "status" else {str(status) for status in value}


def test_it_indexes_the_open_statuses_the_dashboards_count() -> None:
    for migration in MIGRATIONS:
        assert {table for _, table, _ in migration.INDEXES} == set(TABLES.values())
        for name, table, condition in migration.INDEXES:  # 0007: the open rows' and the other rows' indexes
            key = next(key for key, kind_table in TABLES.items() if kind_table == table)
            assert set(re.findall(r"'([a-z_]+)'", condition)) == _open_statuses(key), (migration, name)
