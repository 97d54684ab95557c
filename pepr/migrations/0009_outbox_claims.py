# The outbox claims an e-mail before talking to SMTP (status "sending" with a lease), records when
# it was handed to the broker, retries a failure at its next attempt and gives up ("dead") after
# EMAIL_RETRY_FOR_HOURS (pepr.core.outbox). The e-mails that failed before this release had no
# next attempt and stayed failed: they are tried again at the next sweep, for the full period.

from django.db import migrations, models
from django.utils import timezone


def retry_the_failed(apps, schema_editor):
    now = timezone.now()
    apps.get_model("pepr", "OutboundEmail").objects.filter(status="failed").update(
        next_attempt_at=now, failing_since=now)


class Migration(migrations.Migration):

    dependencies = [
        ('pepr', '0008_auditevent_message'),
    ]

    operations = [
        migrations.AddField(
            model_name='outboundemail',
            name='attachment_task',
            field=models.CharField(blank=True, max_length=100, verbose_name='attachment to render'),
        ),
        migrations.AddField(
            model_name='outboundemail',
            name='failing_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='failing since'),
        ),
        migrations.AddField(
            model_name='outboundemail',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='claimed until'),
        ),
        migrations.AddField(
            model_name='outboundemail',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='next attempt at'),
        ),
        migrations.AddField(
            model_name='outboundemail',
            name='published_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='handed to the broker at'),
        ),
        migrations.AlterField(
            model_name='outboundemail',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('dead', 'Given up')], default='queued', max_length=8, verbose_name='status'),
        ),
        migrations.RunPython(retry_the_failed, migrations.RunPython.noop),
    ]
