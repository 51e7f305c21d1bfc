from django.urls import path

from exposure import views

app_name = "exposure"
urlpatterns = [
    path("", views.index, name="index"),
]
