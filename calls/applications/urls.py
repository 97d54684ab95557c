"""URLs of the applicant journey, under /calls/ in the `calls` namespace (see calls.urls)."""
from django.urls import path

from calls.applications import views

urlpatterns = [
    path("applications/mine/", views.my_applications, name="my_applications"),
    path("stages/<int:stage_pk>/apply/", views.start_application, name="start_application"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.edit_application, name="edit_application"),
    path("applications/<int:pk>/submit/", views.submit_application, name="submit_application"),
    path("applications/<int:pk>/reopen/", views.reopen_application, name="reopen_application"),
    path("applications/<int:pk>/withdraw/", views.withdraw_application,
         name="withdraw_application"),
    path("applications/<int:pk>/invite/", views.invite_partner, name="invite_partner"),
    path("applications/<int:pk>/documents/<int:document_pk>/", views.download_document,
         name="download_document"),
    path("invitations/<uuid:token>/", views.accept_invitation, name="accept_invitation"),
]
