from django.urls import path

from exposure import outcome_views, views

app_name = "exposure"
urlpatterns = [
    path("", views.index, name="index"),
    path("log/", views.shift_new, name="new"),
    path("nothing-notable/", views.nothing_notable, name="nothing-notable"),
    path("shifts/<int:pk>/", views.shift_detail, name="detail"),
    path("shifts/<int:pk>/edit/", views.shift_edit, name="edit"),
    path("shifts/<int:pk>/delete/", views.shift_delete, name="delete"),
    path("shifts/<int:pk>/correction/", views.correction_add, name="correction"),
    path("shifts/<int:pk>/outcomes/new/", outcome_views.outcome_new, name="outcome-new"),
    path("outcomes/", outcome_views.outcomes, name="outcomes"),
    path("outcomes/<int:pk>/close/", outcome_views.outcome_close, name="outcome-close"),
    path("viewing/", views.viewing, name="viewing"),
    path("viewing/start/", views.viewing_start, name="viewing-start"),
    path("viewing/settings/", views.viewing_preference, name="viewing-preference"),
    path("viewing/<int:pk>/break/", views.viewing_break, name="viewing-break"),
    path("viewing/<int:pk>/resume/", views.viewing_resume, name="viewing-resume"),
    path("viewing/<int:pk>/stop/", views.viewing_stop, name="viewing-stop"),
]
