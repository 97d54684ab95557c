"""URLs of the evaluation: reviewers' pages and the pilots' assignment, progress and decisions."""
from django.urls import path

from . import evaluation_pilot_views as pilot
from . import evaluation_views as reviewer

app_name = "evaluation"
urlpatterns = [
    # Reviewers
    path("reviews/", reviewer.my_reviews, name="my_reviews"),
    path("reviews/<int:assignment_pk>/", reviewer.review, name="review"),
    path("reviews/<int:assignment_pk>/conflict/", reviewer.declare_conflict,
         name="declare_conflict"),
    path("calls/<int:call_pk>/declaration/", reviewer.declaration, name="declaration"),
    # Pilots
    path("stages/", pilot.stages, name="stages"),
    path("stages/<int:stage_pk>/assignments/", pilot.assignments, name="assignments"),
    path("stages/<int:stage_pk>/suggest/", pilot.suggest, name="suggest"),
    path("stages/<int:stage_pk>/progress/", pilot.progress, name="progress"),
    path("stages/<int:stage_pk>/letters/", pilot.letters, name="letters"),
    path("stages/<int:stage_pk>/letters/draft/", pilot.draft_letters, name="draft_letters"),
    path("stages/<int:stage_pk>/letters/send/", pilot.send_letters, name="send_letters"),
    path("applications/<int:pk>/assign/", pilot.assign, name="assign"),
    path("applications/<int:pk>/decide/", pilot.decide, name="decide"),
    path("applications/<int:pk>/project/", pilot.create_project, name="create_project"),
    path("assignments/<int:pk>/unassign/", pilot.unassign, name="unassign"),
    path("letters/<int:pk>/", pilot.letter, name="letter"),
    path("audit/", pilot.audit, name="audit"),
]
