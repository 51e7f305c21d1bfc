from django.urls import path

from wellbeing.talk import views

app_name = "talk"
urlpatterns = [
    path("", views.talk, name="index"),
    path("sent/<int:pk>/", views.sent, name="sent"),
]
