"""URLs of calls and applications."""
from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("applications/mine/", views.my_applications, name="my_applications"),
    path("<slug:code>/", views.call_detail, name="detail"),
]
