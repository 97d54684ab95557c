"""URLs of decisions: recording an outcome, and the decision letters of a stage."""
from django.urls import path

from calls.decisions import views

app_name = "decisions"
urlpatterns = [
    path("applications/<int:pk>/", views.decide, name="decide"),
    path("stages/<int:stage_pk>/letters/", views.letters, name="letters"),
    path("stages/<int:stage_pk>/letters/draft/", views.draft_letters, name="draft_letters"),
    path("stages/<int:stage_pk>/letters/send/", views.send_letters, name="send_letters"),
    path("letters/<int:pk>/", views.letter, name="letter"),
]
