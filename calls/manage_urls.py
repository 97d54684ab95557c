"""URLs of the pilots' call management (create, edit, preview, publish)."""
from django.urls import path

from . import manage_views

app_name = "calls_manage"
urlpatterns = [
    path("", manage_views.call_list, name="list"),
]
