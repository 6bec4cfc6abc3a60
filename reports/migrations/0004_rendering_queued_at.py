# When a rendering was last asked for; existing ones were asked for when they were made.

import django.utils.timezone
from django.db import migrations, models


def from_created_at(apps, schema_editor):
    Rendering = apps.get_model("reports", "Rendering")
    Rendering.objects.update(queued_at=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_recipient_mails'),
    ]

    operations = [
        migrations.AddField(
            model_name='rendering',
            name='queued_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='in Auftrag seit'),
        ),
        migrations.RunPython(from_created_at, migrations.RunPython.noop),
    ]
