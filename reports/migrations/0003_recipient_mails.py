# Each recipient's e-mails become rows of the outbox, one per address; those already sent
# keep their time.

from django.db import migrations, models


def emailed_to_outbox(apps, schema_editor):
    CircularRecipient = apps.get_model("reports", "CircularRecipient")
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    sent = CircularRecipient.objects.filter(emailed_at__isnull=False).select_related("circular")
    for recipient in sent:
        circular = recipient.circular
        for address in recipient.emails:
            recipient.mails.add(
                OutgoingEmail.objects.create(
                    to=address,
                    subject=f"Rundschreiben {circular.number}/{circular.year % 100:02d}",
                    body="",
                    status="sent",
                    attempts=1,
                    created_at=recipient.emailed_at,
                    last_attempt_at=recipient.emailed_at,
                    sent_at=recipient.emailed_at,
                )
            )


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0001_initial'),
        ('reports', '0002_recipient_emails'),
    ]

    operations = [
        migrations.AddField(
            model_name='circularrecipient',
            name='mails',
            field=models.ManyToManyField(blank=True, related_name='+', to='outbox.outgoingemail', verbose_name='E-Mails'),
        ),
        migrations.RunPython(emailed_to_outbox, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='circularrecipient',
            name='emailed_at',
        ),
    ]
