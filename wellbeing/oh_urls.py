from django.urls import path

from wellbeing import views

app_name = "oh"
urlpatterns = [
    path("", views.oh_index, name="index"),
]
