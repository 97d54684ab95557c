"""URLs of the CSV and XLSX exports: /exports/ lists them, /exports/<name>.<csv|xlsx> downloads
one, filtered by ?call=<id> and ?stage=<id>."""
from django.urls import path, re_path

from pepr.exports import views as export_views

app_name = "exports"
urlpatterns = [
    path("", export_views.index, name="index"),
    re_path(r"^(?P<name>[a-z-]+)\.(?P<fmt>csv|xlsx)$", export_views.download, name="download"),
]
