from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="redelivered_after",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Attempts made before the last manual redelivery (none: never redelivered).",
                null=True),
        ),
    ]
