"""URLs of the evaluation: reviewers' pages and the pilots' assignment and progress pages."""
from django.urls import path

from calls.evaluation.views import pilots as pilot
from calls.evaluation.views import reviewers as reviewer

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
    path("applications/<int:pk>/assign/", pilot.assign, name="assign"),
    path("assignments/<int:pk>/unassign/", pilot.unassign, name="unassign"),
    path("audit/", pilot.audit, name="audit"),
]
