# Reports: a "building" state with a lease, so that a build whose worker died is restarted.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pepr', '0009_outbox_claims'),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='report',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='claimed until'),
        ),
        migrations.AddField(
            model_name='report',
            name='restarted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='restarted at'),
        ),
        migrations.AlterField(
            model_name='report',
            name='status',
            field=models.CharField(choices=[('pending', 'Being prepared'), ('building', 'Building'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=8, verbose_name='status'),
        ),
    ]
