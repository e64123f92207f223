"""Today's figures without reading the open rows from the table.

Most rows a dashboard counts for today are open (opened today, or due today and still waiting), and
those rows say nothing today beyond "opened" and "due". So the open rows' share of today is counted
with the open and overdue counts, from the partial index on the open rows, and today's grouped query
reads only the rows that are no longer open:

- the open rows' index by (store, deadline) of 0006 is replaced by one that also carries the moment
  the item was opened (and, for incidents, the closed reason that keeps a duplicate out of "due"),
  so the open rows' "opened today" and "due today" are index-only too;
- a partial index on the deadline of the rows that are no longer open finds today's due rows among
  them without visiting the open rows' table pages.

Same open statuses as 0005 and 0006 (`tests/dashboards/test_open_indexes.py` checks them). PostgreSQL
keeps the extra columns out of the key (`INCLUDE`); SQLite, which has no `INCLUDE`, puts them in it.
Created CONCURRENTLY on PostgreSQL, so writes are not blocked.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

_APPROVALS = ("approvals_approvalrequest", "status = 'open'")
_INCIDENTS = ("incidents_storeincident", "status IN ('queued', 'in_odoo', 'in_progress', 'undelivered')")
_EXCEPTIONS = ("operations_opsexception", "status IN ('open', 'acknowledged', 'snoozed')")

# name, table, the open rows' condition, the columns carried besides (store, deadline)
OPEN_INDEXES = [
    ("dash_approval_open_live", *_APPROVALS, ("requested_at",)),
    ("dash_incident_open_live", *_INCIDENTS, ("created_at", "closed_reason")),
    ("dash_exception_open_live", *_EXCEPTIONS, ("opened_at",)),
]
# name, table, the open rows' condition (the index holds the other rows)
CLOSED_INDEXES = [
    ("dash_approval_closed_due", *_APPROVALS),
    ("dash_incident_closed_due", *_INCIDENTS),
    ("dash_exception_closed_due", *_EXCEPTIONS),
]
INDEXES = [(name, table, condition) for name, table, condition, _ in OPEN_INDEXES] + CLOSED_INDEXES
REPLACED = [("dash_approval_open_store", _APPROVALS), ("dash_incident_open_store", _INCIDENTS),
            ("dash_exception_open_store", _EXCEPTIONS)]


def _concurrently(schema_editor: Any) -> str:
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def create(apps: Any, schema_editor: Any) -> None:
    concurrently = _concurrently(schema_editor)
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, table, condition, carried in OPEN_INDEXES:
        columns = ", ".join(f'"{column}"' for column in carried)
        shape = f'("store_id", "deadline") INCLUDE ({columns})' if postgresql else f'("store_id", "deadline", {columns})'
        schema_editor.execute(f'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON "{table}" {shape} '
                              f'WHERE {condition}')
    for name, table, condition in CLOSED_INDEXES:
        schema_editor.execute(f'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON "{table}" ("deadline") '
                              f'WHERE NOT ({condition})')
    for name, _ in REPLACED:
        schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')


def drop(apps: Any, schema_editor: Any) -> None:
    concurrently = _concurrently(schema_editor)
    for name, (table, condition) in REPLACED:
        schema_editor.execute(f'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON "{table}" '
                              f'("store_id", "deadline") WHERE {condition}')
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("dashboards", "0006_open_work_store_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
