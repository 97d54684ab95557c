"""The filters of the projects list, in the URL: axis, origin, status, late items, and a search
on acronym, title and coordinator. Bad values are refused with a message on the field."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.follow_up.models import Project, ProjectOrigin, ProjectStatus


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Acronym, title or coordinator."))
    # A ChoiceFilter: Django's TypedChoiceField takes no `empty_label`; the number is compared
    # by the ORM, which casts it.
    axis = django_filters.ChoiceFilter(
        label=_("Axis"), field_name="axis__number",
        choices=[(n, str(n)) for n in range(1, 5)], empty_label=_("All axes"))
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=ProjectOrigin.choices,
                                         empty_label=_("All origins"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices,
                                         empty_label=_("All statuses"))
    late = django_filters.BooleanFilter(label=_("Only projects with late items"),
                                        method="with_late", widget=forms.CheckboxInput)

    class Meta:
        model = Project
        fields = ["q", "axis", "origin", "status", "late"]

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:5]:
            queryset = queryset.filter(
                Q(acronym__icontains=word) | Q(title_fr__icontains=word)
                | Q(title_en__icontains=word) | Q(coordinator__last_name__icontains=word)
                | Q(coordinator__first_name__icontains=word)
                | Q(anr_reference__icontains=word))
        return queryset

    def with_late(self, queryset, name, value):
        # `late_items` and `late_reports` are annotated by the selector (projects_for_list).
        return queryset.filter(Q(late_items__gt=0) | Q(late_reports__gt=0)) if value else queryset
