"""/screening/: occupational health's list and records, the supervisor's and the wellbeing lead's
completion pages, and the officer's own page."""

from django.urls import path

from wellbeing.screening import views

app_name = "screening"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("lead/", views.lead, name="lead"),
    path("oh/", views.oh_list, name="oh-list"),
    path("oh/<int:pk>/", views.oh_record, name="oh-record"),
]
