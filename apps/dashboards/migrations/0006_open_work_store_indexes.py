"""Partial indexes on the open rows of each kind of work, by store then deadline.

The open and overdue counts per store read them: an index-only scan that finds a store's open rows
directly (a store or region dashboard reads its own stores' entries, not every open row of the
network) and hands them over grouped by store, so PostgreSQL counts them as they come instead of
hashing every row. 0005's indexes (deadline first) stay for the breach list, which walks the open rows
in deadline order. Same open statuses as 0005 (`tests/dashboards/test_open_indexes.py` checks them);
created CONCURRENTLY on PostgreSQL, so writes are not blocked.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    ("dash_approval_open_store", "approvals_approvalrequest", "status = 'open'"),
    ("dash_incident_open_store", "incidents_storeincident",
     "status IN ('queued', 'in_odoo', 'in_progress', 'undelivered')"),
    ("dash_exception_open_store", "operations_opsexception", "status IN ('open', 'acknowledged', 'snoozed')"),
]


def create(apps: Any, schema_editor: Any) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, table, condition in INDEXES:
        schema_editor.execute(f'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON "{table}" '
                              f'("store_id", "deadline") WHERE {condition}')


def drop(apps: Any, schema_editor: Any) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("dashboards", "0005_open_work_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
