"""URLs of the pilots' call management (create, edit, preview, publish)."""
from django.urls import path

from . import manage_views

app_name = "calls_manage"
urlpatterns = [
    path("", manage_views.call_list, name="list"),
    path("new/", manage_views.call_create, name="create"),
    path("<int:pk>/", manage_views.call_edit, name="edit"),
    path("<int:pk>/preview/", manage_views.call_preview, name="preview"),
    path("<int:pk>/publish/", manage_views.call_publish, name="publish"),
    path("<int:pk>/stages/<int:stage_pk>/documents/", manage_views.stage_documents,
         name="stage_documents"),
]
