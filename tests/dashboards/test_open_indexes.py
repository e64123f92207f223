"""The partial indexes on open work (migrations 0005 and 0006) name exactly the statuses the dashboards count as
open: PostgreSQL uses a partial index only when the query's condition implies the index's, so a status
added to a domain app's open list must be added to the index too (a new migration)."""

from __future__ import annotations

import importlib
import re

from apps.dashboards.sources import source

MIGRATIONS = [importlib.import_module(f"apps.dashboards.migrations.{name}")
              for name in ("0005_open_work_indexes", "0006_open_work_store_indexes")]
TABLES = {"approvals": "approvals_approvalrequest", "incidents": "incidents_storeincident",
          "exceptions": "operations_opsexception"}


def _open_statuses(key: str) -> set[str]:
    work = source(key)
    assert work is not None, key
    (lookup, value), = work.open_q.children  # type: ignore[misc]
    return {str(value)} if lookup == "status" else {str(status) for status in value}


def test_it_indexes_the_open_statuses_the_dashboards_count() -> None:
    for migration in MIGRATIONS:
        conditions = {table: condition for _, table, condition in migration.INDEXES}
        for key, table in TABLES.items():
            assert set(re.findall(r"'([a-z_]+)'", conditions[table])) == _open_statuses(key), (migration, key)
