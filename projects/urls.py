"""URLs of followed projects: /projects/ and everything under it."""
from django.urls import path

from projects.follow_up import views
from projects.reports import views as report_views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("mine/", views.my_projects, name="mine"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/co-editors/", views.invite_editor, name="invite_editor"),
    path("<int:pk>/reports/new/", report_views.schedule_report, name="schedule_report"),
    path("invitations/<uuid:token>/", views.accept_invitation, name="accept_invitation"),
    path("deliverables/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("deliverables/<int:pk>/accept/", views.accept_deliverable, name="accept_deliverable"),
    path("deliverables/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("reports/<int:pk>/", report_views.report_detail, name="report"),
    path("reports/<int:pk>/review/", report_views.review_report, name="review_report"),
    path("reports/<int:pk>/scientific-report/", report_views.scientific_report,
         name="scientific_report"),
    path("from-application/<int:pk>/", views.create_project, name="create_from_application"),
]
