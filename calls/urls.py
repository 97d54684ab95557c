"""URLs of calls and of the applicant journey."""
from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
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
    path("<slug:code>/", views.call_detail, name="detail"),
]
