"""URLs of calls: the public pages (in the `calls` namespace, see calls.urls) and the pilots'
management pages under /manage/calls/ (create, edit, preview, publish)."""
from django.urls import path

from calls.setup import views

public_patterns = [
    path("", views.call_list, name="list"),
    path("<slug:code>/", views.call_detail, name="detail"),
]

app_name = "calls_manage"
urlpatterns = [
    path("", views.manage_list, name="list"),
    path("new/", views.call_create, name="create"),
    path("<int:pk>/", views.call_edit, name="edit"),
    path("<int:pk>/preview/", views.call_preview, name="preview"),
    path("<int:pk>/publish/", views.call_publish, name="publish"),
    path("<int:pk>/stages/<int:stage_pk>/documents/", views.stage_documents,
         name="stage_documents"),
]
