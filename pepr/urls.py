"""The portal's URL map: one include per part; each prefix names the folder that serves it."""
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from calls.setup import views as call_views

admin.site.site_header = _("PEPR BBTI administration")
admin.site.site_title = _("PEPR BBTI")

urlpatterns = [
    path("", call_views.home, name="home"),
    path("", include("pepr.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("calls/", include("calls.urls")),
    path("manage/calls/", include("calls.setup.urls")),
    path("evaluation/", include("calls.evaluation.urls")),
    path("decisions/", include("calls.decisions.urls")),
    path("committees/", include("governance.urls")),
    path("projects/", include("projects.urls")),
    path("reports/", include("pepr.reports.urls")),
    path("exports/", include("pepr.exports.urls")),
    path("dashboards/", include("pepr.dashboards.urls")),
    path("api/", include("pepr.api.urls")),
    path("admin/", admin.site.urls),
]
# MEDIA is never served as static files: uploaded documents are private and only leave through
# views that check permissions on each object.
