"""URLs of the dashboards: /dashboards/ (the programme's budget), /dashboards/calls/ (one call,
filtered by ?call=&stage=&axis=&committee=&submitted_from=&submitted_to=) and
/dashboards/projects/ (reports and budgets, filtered by ?axis=)."""
from django.urls import path

from pepr.dashboards import views as dashboard_views

app_name = "dashboards"
urlpatterns = [
    path("", dashboard_views.programme, name="programme"),
    path("calls/", dashboard_views.call, name="call"),
    path("projects/", dashboard_views.projects, name="projects"),
]
