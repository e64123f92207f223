"""The reasons a store picks from on the first day; operations change the list in the admin."""

from django.db import migrations

REASONS = [
    ("damaged", "Damaged or spoiled", 10),
    ("theft", "Theft or loss", 20),
    ("miscount", "Earlier count was wrong", 30),
    ("expired", "Past its date, removed", 40),
    ("found", "Found stock", 50),
    ("receiving", "Delivery booked wrongly", 60),
    ("other", "Other (say in the note)", 90),
]


def add_reasons(apps, schema_editor):  # type: ignore[no-untyped-def]
    reason = apps.get_model("adjustments", "AdjustmentReason")
    for code, label, position in REASONS:
        reason.objects.get_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("adjustments", "0001_initial")]

    operations = [migrations.RunPython(add_reasons, migrations.RunPython.noop)]
