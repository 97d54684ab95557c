# The former priority-project and funded-project tables, whose rows 0005 moved into Project.
# The tables are dropped whole (no field by field removal: SQLite would rebuild them first).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_merge_projects'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='projectreport',
            name='report_belongs_to_one_project',
        ),
        migrations.RemoveField(
            model_name='projectreport',
            name='funded_project',
        ),
        migrations.RemoveField(
            model_name='projectreport',
            name='priority_project',
        ),
        migrations.DeleteModel(
            name='FundedProject',
        ),
        migrations.DeleteModel(
            name='PriorityProject',
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.UniqueConstraint(condition=models.Q(('origin', 'priority')), fields=('axis', 'position'), name='priority_slot_unique'),
        ),
        migrations.AlterField(
            model_name='projectreport',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='projects.project'),
        ),
    ]
