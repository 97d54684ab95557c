"""URLs of the background PDF reports."""
from django.urls import path

from pepr.reports import views as report_views

app_name = "reports"
urlpatterns = [
    path("<slug:kind>/<int:target_id>/request/", report_views.request_report, name="request"),
    path("<int:report_id>/", report_views.status, name="status"),
    path("<int:report_id>/download/", report_views.download, name="download"),
]
