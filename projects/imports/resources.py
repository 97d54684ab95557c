"""django-import-export resources of the priority-project import: the projects file fills the
twelve slots, the partners file their partner teams. Shared by the command and the admin
(through projects.imports.services); every error names the file's line and column."""
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, results, widgets

from pepr.core import reference_data
from pepr.core.models import Axis
from projects.follow_up.models import (Project, ProjectOrigin, ProjectPartner, ProjectStatus,
                                       paris_today)
from projects.imports import cleaning
from projects.imports.directory import account_of, organisation_named
from projects.imports.formats import FileError


def located(line, column, message):
    if column:
        return _("Line %(line)s, column %(column)s: %(message)s") % {
            "line": line, "column": column, "message": message}
    return _("Line %(line)s: %(message)s") % {"line": line, "message": message}


class Shown(widgets.Widget):
    """Cells arrive already cleaned (LineResource.before_import_row); the widget only shows a
    value in the preview's diff."""

    def __init__(self, show=str):
        super().__init__()
        self.show = show

    def render(self, value, obj=None, **kwargs):
        return "" if value is None or value == "" else self.show(value)


def column(name, attribute=None, show=str):
    return fields.Field(attribute=attribute or name, column_name=name, widget=Shown(show))


class FileMistake(results.Error):
    @cached_property
    def traceback(self):
        # A mistake in the file is not a crash: the admin shows no traceback for it.
        return "" if isinstance(self.error, FileError) else super().traceback


class LineResource(resources.ModelResource):
    """Checks each row cell by cell before import-export sees it, and reports every error as
    “Line N, column C: …” with N the line of the file the row starts on."""

    #: column -> name of the method cleaning it; the columns a file may have.
    cleaners = {}
    required_columns = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        self.by = kwargs.get("user")
        self.lines = getattr(dataset, "line_numbers", None) or [n + 2 for n in range(len(dataset))]
        self.seen, self.invited, self.created_organisations = {}, [], []
        headers = list(dataset.headers or [])
        missing = [name for name in self.required_columns if name not in headers]
        unknown = [name for name in headers if name not in self.cleaners]
        if not missing and not unknown:
            return
        del dataset[0:len(dataset)]  # no row can be read without its columns
        problems = []
        if missing:
            problems.append(_("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown column(s): %(columns)s") % {"columns": ", ".join(unknown)})
        raise FileError(_("Line 1: %(problems)s. Expected columns: %(expected)s.") % {
            "problems": "; ".join(problems), "expected": ", ".join(self.cleaners)})

    def line_of(self, row_number):
        return self.lines[row_number - 1]

    def before_import_row(self, row, **kwargs):
        errors = {}
        for name in list(row):
            if row[name] is cleaning.ABSENT and name not in self.required_columns:
                del row[name]  # import-export leaves a field alone when its column is absent
                continue
            try:
                row[name] = getattr(self, self.cleaners[name])(row[name])
            except cleaning.CellError as error:
                errors[name] = [str(error)]
        if not errors:
            errors = self.check_row(row, self.line_of(kwargs["row_number"]))
        if errors:
            raise ValidationError(errors)

    def check_row(self, row, line):
        """{column: [message]} of what is wrong with the row among the others (duplicates)."""
        return {}

    def first_line(self, key, line):
        """The line that already gave `key`, or None (and `line` now gives it)."""
        earlier = self.seen.setdefault(key, line)
        return earlier if earlier != line else None

    def import_row(self, row, instance_loader, **kwargs):
        as_written = dict(row)
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            row_result.validation_error = self._located(
                row_result.validation_error, self.line_of(kwargs["row_number"]))
            row.update(as_written)  # the preview shows a wrong row as the file has it
        return row_result

    def get_error_result_class(self):
        return FileMistake

    def after_import(self, dataset, result, **kwargs):
        # Rows never carry ids: no sequence to reset (import-export's reset could hand out an
        # id that a concurrent insert holds).
        pass

    def _located(self, error, line):
        by_key = error.message_dict if hasattr(error, "error_dict") else {
            NON_FIELD_ERRORS: error.messages}
        columns = {field.attribute: field.column_name for field in self.fields.values()}
        messages = {}
        for key, texts in by_key.items():
            name = key if key in self.cleaners else columns.get(key)
            messages.setdefault(name or NON_FIELD_ERRORS, []).extend(
                located(line, name, text) for text in texts)
        return ValidationError(messages)

    def count(self, row_result):
        """"new", "updated" or "unchanged": what the row did, as the summary tells it."""
        return {"new": "new", "update": "updated"}.get(row_result.import_type, "unchanged")


def _slot(axis, position):
    return f"{axis}.{position}"


class PriorityProjectResource(LineResource):
    """A row fills the priority-project slot (axis, position) that ships with the programme;
    a file can never add a thirteenth."""

    axis = column("axis", show=lambda axis: str(axis.number))
    position = column("position")
    acronym = column("acronym")
    title_fr = column("title_fr")
    title_en = column("title_en")
    coordinator_email = column("coordinator_email", "coordinator", show=lambda user: user.email)
    start_date = column("start_date", show=lambda day: day.isoformat())
    duration_months = column("duration_months")
    budget_eur = column("budget_eur")
    anr_reference = column("anr_reference")

    cleaners = {name: f"clean_{name}" for name in (
        "axis", "position", "acronym", "title_fr", "title_en", "coordinator_email", "start_date",
        "duration_months", "budget_eur", "anr_reference")}
    required_columns = ("axis", "position", "acronym", "title_fr", "title_en",
                        "coordinator_email")

    class Meta:
        model = Project
        name = gettext_lazy("Priority projects")
        fields = ("axis", "position", "acronym", "title_fr", "title_en", "coordinator_email",
                  "start_date", "duration_months", "budget_eur", "anr_reference")
        import_id_fields = ("axis", "position")

    def get_queryset(self):
        return Project.objects.filter(origin=ProjectOrigin.PRIORITY).select_related(
            "axis", "coordinator")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.axes = {axis.number: axis for axis in Axis.objects.filter(
            programme__code=reference_data.PROGRAMME["code"])}
        # The slots this file fills: an acronym may move from one of them to another.
        self.file_slots = {(cleaning.found(a), cleaning.found(p)) for a, p in zip(
            dataset["axis"], dataset["position"])} if len(dataset) else set()

    def init_instance(self, row=None):
        raise ValidationError({"position": _(
            "there is no priority-project slot %(slot)s; run “manage.py load_reference_data” "
            "first.") % {"slot": _slot(row["axis"].number, row["position"])}})

    def clean_axis(self, value):
        number = cleaning.whole_number(value, low=1, high=4, message=_(
            "expected an axis number from 1 to 4, found “%(value)s”."))
        if number not in self.axes:
            raise cleaning.CellError(_("axis %(number)s is not loaded; run “manage.py "
                                       "load_reference_data” first.") % {"number": number})
        return self.axes[number]

    def clean_position(self, value):
        return cleaning.whole_number(value, low=1, high=reference_data.PRIORITY_PROJECTS_PER_AXIS,
                                     message=_("expected a position in the axis from 1 to 3, "
                                               "found “%(value)s”."))

    def clean_acronym(self, value):
        return cleaning.text(value, max_length=32, required=True)

    def clean_title_fr(self, value):
        return cleaning.text(value, max_length=300, required=True)

    clean_title_en = clean_title_fr

    def clean_coordinator_email(self, value):
        user, created = account_of(cleaning.email(value, required=True), by=self.by)
        if created:
            self.invited.append(user.email)
        return user

    def clean_start_date(self, value):
        return cleaning.iso_date(value)

    def clean_duration_months(self, value):
        return cleaning.optional_whole_number(value, low=1, high=120, message=_(
            "expected a duration from 1 to 120 months, found “%(value)s”."))

    def clean_budget_eur(self, value):
        return cleaning.euros(value)

    def clean_anr_reference(self, value):
        return cleaning.text(value, max_length=32)

    def check_row(self, row, line):
        slot = _slot(row["axis"].number, row["position"])
        acronym = row["acronym"]
        if (earlier := self.first_line(("slot", slot), line)) is not None:
            return {"position": [_("slot %(slot)s is already given on line %(line)s.")
                                 % {"slot": slot, "line": earlier}]}
        if (earlier := self.first_line(("acronym", acronym.casefold()), line)) is not None:
            return {"acronym": [_("the acronym %(acronym)s is already given on line %(line)s.")
                                % {"acronym": acronym, "line": earlier}]}
        for other in self.get_queryset().filter(acronym__iexact=acronym).exclude(
                axis=row["axis"], position=row["position"]):
            if (str(other.axis.number), str(other.position)) not in self.file_slots:
                return {"acronym": [_("the acronym %(acronym)s is already that of the priority "
                                      "project in slot %(slot)s.") % {
                    "acronym": acronym, "slot": _slot(other.axis.number, other.position)}]}
        return {}

    def before_save_instance(self, instance, row, **kwargs):
        # Imported content is the programme's own, even over a slot the demo had filled.
        instance.is_demo = False
        # A project whose start date has come is running: its budget counts as committed.
        # Staff set the later states (ended, closed) on the portal or in the admin.
        if (instance.status == ProjectStatus.PREPARING and instance.start_date
                and instance.start_date <= paris_today()):
            instance.status = ProjectStatus.RUNNING

    def count(self, row_result):
        # The slot always exists: filling an empty one is what a reader calls a new project.
        if row_result.is_update() and not row_result.original.acronym:
            return "new"
        return super().count(row_result)


class ProjectPartnerResource(LineResource):
    """A row is a partner team of an imported priority project, keyed by (project, research
    unit) so that importing the file again finds the same teams; a partner absent from the
    file is left as it is."""

    acronym = column("acronym", "project", show=lambda project: project.acronym)
    laboratory = column("laboratory")
    organisation = column("organisation", show=lambda organisation: organisation.acronym
                          or organisation.name)
    lead_name = column("lead_name")
    lead_email = column("lead_email")
    budget_eur = column("budget_eur")

    cleaners = {name: f"clean_{name}" for name in (
        "acronym", "laboratory", "organisation", "lead_name", "lead_email", "budget_eur")}
    required_columns = ("acronym", "laboratory", "organisation")

    class Meta:
        model = ProjectPartner
        name = gettext_lazy("Partners of the priority projects")
        fields = ("acronym", "laboratory", "organisation", "lead_name", "lead_email",
                  "budget_eur")
        import_id_fields = ("acronym", "laboratory")

    def before_import(self, dataset, **kwargs):
        # “unit” and “laboratory” name the same column: the research unit.
        if dataset.headers and "unit" in dataset.headers and "laboratory" not in dataset.headers:
            dataset.headers = ["laboratory" if name == "unit" else name
                               for name in dataset.headers]
        super().before_import(dataset, **kwargs)

    def get_instance(self, instance_loader, row):
        # The same unit written with other capitals is the same partner.
        return ProjectPartner.objects.filter(
            project=row["acronym"], laboratory__iexact=row["laboratory"]).first()

    def clean_acronym(self, value):
        acronym = cleaning.text(value, max_length=32, required=True)
        project = Project.objects.filter(origin=ProjectOrigin.PRIORITY,
                                         acronym__iexact=acronym).first()
        if project is None:
            raise cleaning.CellError(_("no priority project has the acronym “%(value)s”; "
                                       "import the projects file first.") % {"value": acronym})
        return project

    def clean_laboratory(self, value):
        return cleaning.text(value, max_length=255, required=True)

    def clean_organisation(self, value):
        name = cleaning.text(value, max_length=255, required=True)
        organisation, created = organisation_named(name)
        if created:
            self.created_organisations.append(organisation.name)
        return organisation

    def clean_lead_name(self, value):
        return cleaning.text(value, max_length=255)

    def clean_lead_email(self, value):
        return cleaning.email(value)

    def clean_budget_eur(self, value):
        return cleaning.euros(value)

    def check_row(self, row, line):
        project, unit = row["acronym"], row["laboratory"]
        earlier = self.first_line((project.pk, unit.casefold()), line)
        if earlier is not None:
            return {"laboratory": [_("the unit “%(unit)s” of %(acronym)s is already given on "
                                     "line %(line)s.") % {"unit": unit, "acronym": project.acronym,
                                                          "line": earlier}]}
        return {}
