from django.urls import path

from wellbeing.team import views as team_views

app_name = "team"
urlpatterns = [
    path("", team_views.index, name="index"),
    path("trends/", team_views.trends, name="trends"),
    path("flags/", team_views.flags, name="flags"),
    path("flags/<int:pk>/", team_views.flag_detail, name="flag"),
    path("flags/<int:pk>/acknowledge/", team_views.flag_acknowledge, name="flag-acknowledge"),
    path("flags/<int:pk>/close/", team_views.flag_close, name="flag-close"),
    path("people/<int:pk>/", team_views.person, name="person"),
    path("outcomes/", team_views.outcomes, name="outcomes"),
    path("outcomes/<int:pk>/shared/", team_views.outcome_shared, name="outcome-shared"),
    path("follow-ups/<int:pk>/done/", team_views.follow_up_done, name="follow-up-done"),
    path("export.csv", team_views.export, name="export"),
]
