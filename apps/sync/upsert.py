"""Writing a batch of mirror rows in one statement.

On PostgreSQL the rows travel as typed arrays in psycopg's binary format, with server-side binding,
into one `INSERT .. SELECT FROM unnest(..) ON CONFLICT DO UPDATE`: Django's client-side quoting of a
500-row batch costs more than Odoo takes to send it, and a full sync must keep pace with Odoo. Other
databases use Django's own upsert.
"""

from __future__ import annotations

from django.db import connection

from apps.sync.bulk import pg_execute
from apps.sync.models import MirrorRecord

MIRROR_FIELDS = ["values", "store", "odoo_write_date", "synced_at", "closed_at", "close_reason"]

_PG_UPSERT = """
INSERT INTO {table} (feed_id, odoo_id, "values", store_id, odoo_write_date, first_seen_at, synced_at,
                     closed_at, close_reason)
SELECT %b, * FROM unnest(%b::integer[], %b::jsonb[], %b::bigint[], %b::timestamptz[], %b::timestamptz[],
                         %b::timestamptz[], %b::timestamptz[], %b::varchar[])
ON CONFLICT (feed_id, odoo_id) DO UPDATE SET
    "values" = EXCLUDED."values", store_id = EXCLUDED.store_id, odoo_write_date = EXCLUDED.odoo_write_date,
    synced_at = EXCLUDED.synced_at, closed_at = EXCLUDED.closed_at, close_reason = EXCLUDED.close_reason
RETURNING id, odoo_id
"""


def _without_pk(record: MirrorRecord) -> MirrorRecord:
    return MirrorRecord(odoo_id=record.odoo_id, values=record.values, store_id=record.store_id,
                        odoo_write_date=record.odoo_write_date, first_seen_at=record.first_seen_at,
                        synced_at=record.synced_at, closed_at=record.closed_at, close_reason=record.close_reason)


def mirror_upsert(feed_id: int, records: list[MirrorRecord]) -> None:
    """Insert or update `records` of one feed; new records get their primary key set."""
    if not records:
        return
    if connection.vendor != "postgresql":
        # Rows that exist go in as copies without their primary key, so the conflict is on (feed, odoo_id).
        rows = [record if record.pk is None else _without_pk(record) for record in records]
        for row in rows:
            row.feed_id = feed_id
        MirrorRecord.objects.bulk_create(rows, batch_size=1000, update_conflicts=True,
                                         unique_fields=["feed", "odoo_id"], update_fields=MIRROR_FIELDS)
        return
    from psycopg.types.json import Jsonb

    params = (
        feed_id,
        [r.odoo_id for r in records],
        [Jsonb(r.values) for r in records],
        [r.store_id for r in records],
        [r.odoo_write_date for r in records],
        [r.first_seen_at for r in records],
        [r.synced_at for r in records],
        [r.closed_at for r in records],
        [r.close_reason for r in records],
    )
    returned, _ = pg_execute(_PG_UPSERT.format(table=MirrorRecord._meta.db_table), params)
    ids = {odoo_id: pk for pk, odoo_id in returned}
    for record in records:
        if record.pk is None:
            record.pk = ids[record.odoo_id]
