# One project model for every origin: the new tables (the data is moved by 0005, the former
# tables removed by 0006).

import django.db.models.deletion
import django.utils.timezone
import projects.follow_up.models
import projects.reports.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0005_application_announced_status'),
        ('pepr', '0005_report_audience'),
        ('projects', '0003_project_reports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Deliverable',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('milestone', 'Milestone'), ('deliverable', 'Deliverable')], default='deliverable', max_length=12, verbose_name='kind')),
                ('code', models.CharField(help_text='For example D1.2 or M3.', max_length=16, verbose_name='code')),
                ('title', models.CharField(max_length=255, verbose_name='title')),
                ('due_date', models.DateField(verbose_name='due date')),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('delivered', 'Delivered'), ('accepted', 'Accepted')], default='planned', max_length=10, verbose_name='status')),
                ('evidence', models.FileField(blank=True, upload_to=projects.follow_up.models.evidence_path, verbose_name='evidence (PDF)')),
                ('evidence_name', models.CharField(blank=True, max_length=255, verbose_name='file name')),
                ('evidence_pages', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('evidence_sha256', models.CharField(blank=True, max_length=64)),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='delivered at')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
            ],
            options={
                'verbose_name': 'milestone or deliverable',
                'verbose_name_plural': 'milestones and deliverables',
                'ordering': ['project', 'due_date', 'code', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='GovernanceAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('event', 'Event'), ('training', 'Training'), ('mission', 'Mission'), ('communication', 'Communication')], max_length=16, verbose_name='kind')),
                ('title', models.CharField(max_length=255, verbose_name='title')),
                ('held_on', models.DateField(blank=True, null=True, verbose_name='date')),
                ('budget_eur', models.BigIntegerField(default=0, verbose_name='budget (€)')),
                ('spent_eur', models.BigIntegerField(default=0, verbose_name='spent (€)')),
            ],
            options={
                'verbose_name': 'governance action',
                'verbose_name_plural': 'governance actions',
                'ordering': ['work_package', 'held_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Project',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('origin', models.CharField(choices=[('priority', 'Priority project'), ('ami', 'AMI project'), ('aap', 'AAP project'), ('governance', 'Governance')], max_length=10, verbose_name='origin')),
                ('position', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='position in the axis')),
                ('acronym', models.CharField(blank=True, max_length=32, verbose_name='acronym')),
                ('title_fr', models.CharField(blank=True, max_length=300, verbose_name='title (French)')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                ('budget_eur', models.BigIntegerField(blank=True, null=True, verbose_name='budget (€)')),
                ('start_date', models.DateField(blank=True, null=True, verbose_name='start date')),
                ('duration_months', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='duration (months)')),
                ('anr_reference', models.CharField(blank=True, max_length=32, verbose_name='ANR grant reference')),
                ('status', models.CharField(choices=[('preparing', 'Preparing'), ('running', 'Running'), ('ended', 'Ended'), ('closed', 'Closed')], default='preparing', max_length=10, verbose_name='status')),
                ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'project',
                'verbose_name_plural': 'projects',
                'ordering': ['origin', 'axis__number', 'position', 'acronym', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ProjectEditor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                ('token', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('accepted_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'project co-editor',
                'verbose_name_plural': 'project co-editors',
            },
        ),
        migrations.CreateModel(
            name='ProjectPartner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('laboratory', models.CharField(max_length=255, verbose_name='research unit')),
                ('rnsr', models.CharField(blank=True, max_length=10, verbose_name='RNSR unit id')),
                ('lead_name', models.CharField(blank=True, max_length=255, verbose_name='lead name')),
                ('lead_email', models.EmailField(blank=True, max_length=254, verbose_name='lead e-mail')),
                ('role', models.CharField(choices=[('coordinator', 'Coordinating team'), ('partner', 'Partner team'), ('industry', 'Industrial partner'), ('hospital', 'Clinical partner')], default='partner', max_length=16, verbose_name='role')),
                ('budget_eur', models.BigIntegerField(blank=True, null=True, verbose_name='budget (€)')),
            ],
            options={
                'verbose_name': 'project partner',
                'verbose_name_plural': 'project partners',
                'ordering': ['project', 'position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReportBudgetLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('allocated_eur', models.BigIntegerField(default=0, verbose_name='allocated (€)')),
                ('spent_eur', models.BigIntegerField(default=0, verbose_name='spent (€)')),
            ],
            options={
                'verbose_name': 'budget line',
                'verbose_name_plural': 'budget lines',
                'ordering': ['report', 'partner__position', 'partner_id', 'year'],
            },
        ),
        migrations.CreateModel(
            name='ReportVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='version')),
                ('submitted_at', models.DateTimeField(verbose_name='submitted at')),
                ('content', models.JSONField(verbose_name='content')),
            ],
            options={
                'verbose_name': 'report version',
                'verbose_name_plural': 'report versions',
                'ordering': ['report', '-number'],
            },
        ),
        migrations.CreateModel(
            name='WorkPackage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='number')),
                ('title_fr', models.CharField(max_length=255, verbose_name='title (French)')),
                ('title_en', models.CharField(max_length=255, verbose_name='title (English)')),
                ('budget_eur', models.BigIntegerField(blank=True, null=True, verbose_name='budget (€)')),
            ],
            options={
                'verbose_name': 'work package',
                'verbose_name_plural': 'work packages',
                'ordering': ['project', 'number'],
            },
        ),
        migrations.AlterModelOptions(
            name='projectreport',
            options={'ordering': ['due_at', 'pk'], 'verbose_name': 'project report', 'verbose_name_plural': 'project reports'},
        ),
        migrations.AddField(
            model_name='projectreport',
            name='fixed_term_staff_count',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='fixed-term staff recruited'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='kind',
            field=models.CharField(choices=[('annual', 'Annual report'), ('final', 'Final report')], default='annual', max_length=8, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='patents_count',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='patents'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='public_summary_en',
            field=models.TextField(blank=True, verbose_name='public summary in English'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='public_summary_fr',
            field=models.TextField(blank=True, verbose_name='public summary in French'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='publications_count',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='publications'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='review_comments',
            field=models.TextField(blank=True, verbose_name='comments of the Comité de Pilotage'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reviewed at'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='scientific_report',
            field=models.FileField(blank=True, upload_to=projects.reports.models.scientific_report_path, verbose_name='scientific report (PDF)'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='scientific_report_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='file name'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='scientific_report_pages',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('returned', 'Sent back'), ('accepted', 'Accepted')], default='draft', max_length=10, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='submitted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='version',
            field=models.PositiveIntegerField(default=0, verbose_name='submitted versions'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='year',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='year covered'),
        ),
        migrations.AddField(
            model_name='deliverable',
            name='accepted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='deliverable',
            name='delivered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='delivered by'),
        ),
        migrations.AddField(
            model_name='project',
            name='application',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='project', to='calls.application', verbose_name='application it came from'),
        ),
        migrations.AddField(
            model_name='project',
            name='axis',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='pepr.axis', verbose_name='axis'),
        ),
        migrations.AddField(
            model_name='project',
            name='coordinator',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='coordinated_projects', to=settings.AUTH_USER_MODEL, verbose_name='coordinator'),
        ),
        migrations.AddField(
            model_name='project',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='deliverable',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliverables', to='projects.project'),
        ),
        migrations.AddField(
            model_name='projectreport',
            name='project',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='projects.project'),
        ),
        migrations.AddIndex(
            model_name='projectreport',
            index=models.Index(fields=['status', 'due_at'], name='projects_pr_status_a878b5_idx'),
        ),
        migrations.AddField(
            model_name='projecteditor',
            name='invited_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='projecteditor',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='editors', to='projects.project'),
        ),
        migrations.AddField(
            model_name='projecteditor',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='project_editorships', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='projectpartner',
            name='organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='project_partners', to='pepr.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='projectpartner',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='partners', to='projects.project'),
        ),
        migrations.AddField(
            model_name='reportbudgetline',
            name='partner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='budget_lines', to='projects.projectpartner', verbose_name='partner'),
        ),
        migrations.AddField(
            model_name='reportbudgetline',
            name='report',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='budget_lines', to='projects.projectreport'),
        ),
        migrations.AddField(
            model_name='reportversion',
            name='report',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='projects.projectreport'),
        ),
        migrations.AddField(
            model_name='reportversion',
            name='submitted_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='workpackage',
            name='lead',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='led_work_packages', to=settings.AUTH_USER_MODEL, verbose_name='lead'),
        ),
        migrations.AddField(
            model_name='workpackage',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='work_packages', to='projects.project'),
        ),
        migrations.AddField(
            model_name='governanceaction',
            name='work_package',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='projects.workpackage', verbose_name='work package'),
        ),
        migrations.AddField(
            model_name='deliverable',
            name='work_package',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deliverables', to='projects.workpackage', verbose_name='work package'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['origin', 'status'], name='projects_pr_origin_b6db24_idx'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('position__isnull', True), models.Q(('position__gte', 1), ('position__lte', 3)), _connector='OR'), name='project_position_1_to_3'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('budget_eur__isnull', True), ('budget_eur__gte', 0), _connector='OR'), name='project_budget_positive'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('application__isnull', True), ('origin__in', ['ami', 'aap']), _connector='OR'), name='project_application_only_for_calls'),
        ),
        migrations.AddIndex(
            model_name='projecteditor',
            index=models.Index(fields=['user', 'accepted_at'], name='projects_pr_user_id_191362_idx'),
        ),
        migrations.AddConstraint(
            model_name='projecteditor',
            constraint=models.UniqueConstraint(fields=('project', 'email'), name='project_editor_unique'),
        ),
        migrations.AddConstraint(
            model_name='projectpartner',
            constraint=models.UniqueConstraint(fields=('project', 'laboratory'), name='project_partner_unit_unique'),
        ),
        migrations.AddConstraint(
            model_name='projectpartner',
            constraint=models.CheckConstraint(condition=models.Q(('budget_eur__isnull', True), ('budget_eur__gte', 0), _connector='OR'), name='project_partner_budget_positive'),
        ),
        migrations.AddConstraint(
            model_name='reportbudgetline',
            constraint=models.UniqueConstraint(fields=('report', 'partner', 'year'), name='report_budget_line_unique'),
        ),
        migrations.AddConstraint(
            model_name='reportbudgetline',
            constraint=models.CheckConstraint(condition=models.Q(('allocated_eur__gte', 0), ('spent_eur__gte', 0)), name='report_budget_amounts_positive'),
        ),
        migrations.AddConstraint(
            model_name='reportversion',
            constraint=models.UniqueConstraint(fields=('report', 'number'), name='report_version_unique'),
        ),
        migrations.AddConstraint(
            model_name='workpackage',
            constraint=models.UniqueConstraint(fields=('project', 'number'), name='work_package_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='governanceaction',
            constraint=models.CheckConstraint(condition=models.Q(('budget_eur__gte', 0), ('spent_eur__gte', 0)), name='governance_action_amounts_positive'),
        ),
        migrations.AddIndex(
            model_name='deliverable',
            index=models.Index(fields=['status', 'due_date'], name='projects_de_status_0bc132_idx'),
        ),
        migrations.AddConstraint(
            model_name='deliverable',
            constraint=models.UniqueConstraint(fields=('project', 'code'), name='deliverable_code_unique'),
        ),
    ]
