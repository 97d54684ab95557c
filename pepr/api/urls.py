"""URLs of the read-only API and its OpenAPI schema (see pepr.api.views for access and tokens)."""
from django.urls import path

from pepr.api import views

app_name = "api"
urlpatterns = [
    path("calls/", views.CallList.as_view(), name="calls"),
    path("applications/", views.ApplicationList.as_view(), name="applications"),
    path("reviews-summary/", views.ReviewSummaryList.as_view(), name="reviews-summary"),
    path("decisions/", views.DecisionList.as_view(), name="decisions"),
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path("projects/<int:pk>/", views.ProjectDetail.as_view(), name="project"),
    path("schema/", views.Schema.as_view(), name="schema"),
]
