from django.urls import path

from wellbeing import views

app_name = "team"
urlpatterns = [
    path("", views.team_index, name="index"),
]
