"""The portal's URL map: one include per app."""
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("PEPR BBTI administration")
admin.site.site_title = _("PEPR BBTI")

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("calls/", include("calls.urls")),
    path("manage/calls/", include("calls.manage_urls")),
    path("evaluation/", include("calls.evaluation_urls")),
    path("committees/", include("governance.urls")),
    path("reports/", include("pepr.report_urls")),
    path("exports/", include("pepr.export_urls")),
    path("dashboards/", include("pepr.dashboard_urls")),
    path("api/", include("pepr.api.urls")),
    path("admin/", admin.site.urls),
]
# MEDIA is never served as static files: uploaded documents are private and only leave through
# views that check permissions on each object.
