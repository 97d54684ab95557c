"""URLs of the dashboards: /dashboards/ (the programme's budget), /dashboards/calls/ (one call,
filtered by ?call=&stage=&axis=&committee=&submitted_from=&submitted_to=) and
/dashboards/projects/ (reports, deliverables, budgets and projects, filtered by ?axis=&origin=)."""
from django.urls import path

from pepr.dashboards.views import call as call_views
from pepr.dashboards.views import programme as programme_views
from pepr.dashboards.views import projects as project_views

app_name = "dashboards"
urlpatterns = [
    path("", programme_views.programme, name="programme"),
    path("calls/", call_views.call, name="call"),
    path("projects/", project_views.projects, name="projects"),
]
