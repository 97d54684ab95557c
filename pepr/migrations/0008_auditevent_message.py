# The audit trail keeps each event's message untranslated, with its parameters, so that every
# reader sees it in their own language (pepr.core.audit). Older rows keep only their summary.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pepr', '0007_research_units'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='message',
            field=models.TextField(blank=True, default='', verbose_name='message'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='message parameters'),
        ),
    ]
