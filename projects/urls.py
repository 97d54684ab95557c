"""URLs of followed projects."""
from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("from-application/<int:pk>/", views.create_project, name="create_from_application"),
]
