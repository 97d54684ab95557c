"""URLs of committee sessions and votes."""
from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("sessions/<int:pk>/items/<int:item_pk>/open/", views.open_ballot, name="open_ballot"),
    path("sessions/<int:pk>/items/<int:item_pk>/close/", views.close_ballot, name="close_ballot"),
    path("sessions/<int:pk>/items/<int:item_pk>/decision/", views.record_decision,
         name="record_decision"),
    path("sessions/<int:pk>/items/<int:item_pk>/vote/", views.vote, name="vote"),
]
