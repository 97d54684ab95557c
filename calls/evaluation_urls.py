"""URLs of the evaluation: reviewers' pages and the pilots' assignment, progress and decisions."""
from django.urls import path

app_name = "evaluation"
urlpatterns = []
