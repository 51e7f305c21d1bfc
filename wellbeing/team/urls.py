from django.urls import path

from wellbeing.review import views as review_views
from wellbeing.team import deployment_views, outcome_views, person_views
from wellbeing.team import views as team_views

app_name = "team"
urlpatterns = [
    path("", team_views.index, name="index"),
    path("trends/", team_views.trends, name="trends"),
    path("flags/", team_views.flags, name="flags"),
    path("flags/<int:pk>/", team_views.flag_detail, name="flag"),
    path("flags/<int:pk>/acknowledge/", team_views.flag_acknowledge, name="flag-acknowledge"),
    path("flags/<int:pk>/close/", team_views.flag_close, name="flag-close"),
    path("flags/<int:pk>/not-applicable/", review_views.team_flag_dismiss, name="flag-dismiss"),
    path("people/<int:pk>/", person_views.person, name="person"),
    path("outcomes/", outcome_views.outcomes, name="outcomes"),
    path("outcomes/<int:pk>/shared/", outcome_views.outcome_shared, name="outcome-shared"),
    path("outcomes/requests/<int:pk>/", outcome_views.outcome_request, name="outcome-request"),
    path("follow-ups/<int:pk>/done/", team_views.follow_up_done, name="follow-up-done"),
    path("deployments/", deployment_views.deployments, name="deployments"),
    path("deployments/<int:pk>/done/", deployment_views.deployment_done, name="deployment-done"),
    path("export.csv", team_views.export, name="export"),
]
