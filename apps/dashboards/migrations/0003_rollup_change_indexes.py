"""Indexes the rollup refresh reads changes through (`updated_at` of each kind of work), so a run
finds the rows written since its watermark without reading the tables. Created like 0001 (PostgreSQL:
CONCURRENTLY, writes are not blocked)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    ("dash_approval_updated_at", "approvals_approvalrequest", "updated_at"),
    ("dash_incident_updated_at", "incidents_storeincident", "updated_at"),
    ("dash_exception_updated_at", "operations_opsexception", "updated_at"),
    ("dash_directive_copy_updated_at", "directives_storedirective", "updated_at"),
]


def create(apps: Any, schema_editor: Any) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


def drop(apps: Any, schema_editor: Any) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("dashboards", "0002_rollups"),
        ("directives", "0001_store_directives_and_checklists"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
