"""The portal's URL map: one include per part; each prefix names the folder that serves it."""
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

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
    # Addresses of the decision pages before they moved under /decisions/: bookmarks keep working.
    path("evaluation/applications/<int:pk>/decide/",
         RedirectView.as_view(pattern_name="decisions:decide", permanent=True)),
    path("evaluation/stages/<int:stage_pk>/letters/",
         RedirectView.as_view(pattern_name="decisions:letters", permanent=True)),
    path("evaluation/letters/<int:pk>/",
         RedirectView.as_view(pattern_name="decisions:letter", permanent=True)),
]
# An unreachable database answers a translated 503, whichever middleware or view met it.
handler500 = "pepr.core.errors.server_error"
# MEDIA is never served as static files: uploaded documents are private and only leave through
# views that check permissions on each object.
