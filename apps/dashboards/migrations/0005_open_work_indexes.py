"""Partial indexes on the open rows of each kind of work, by deadline then store.

Open work is a small, recent slice of tables that mostly hold finished work. These indexes hold only
that slice, so the dashboards' open and overdue counts per store are index-only scans (no table
read), and the breach list walks the open rows in deadline order and stops after the first page.
The status lists are the domain apps' open statuses (`OPEN_STATUSES`, `ACTIVE_STATUSES`,
`ApprovalStatus.OPEN`) as of this migration; a query must name the same list for PostgreSQL to use
the index. Created like 0001 (PostgreSQL: CONCURRENTLY, writes are not blocked).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    ("dash_approval_open_due", "approvals_approvalrequest", "status = 'open'"),
    ("dash_incident_open_due", "incidents_storeincident",
     "status IN ('queued', 'in_odoo', 'in_progress', 'undelivered')"),
    ("dash_exception_open_due", "operations_opsexception", "status IN ('open', 'acknowledged', 'snoozed')"),
]


def create(apps: Any, schema_editor: Any) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, table, condition in INDEXES:
        schema_editor.execute(f'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON "{table}" '
                              f'("deadline", "store_id") WHERE {condition}')


def drop(apps: Any, schema_editor: Any) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("dashboards", "0004_verbose_names"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
