from django.urls import path

from wellbeing.talk import views

app_name = "help"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("counts/", views.counts, name="counts"),
    path("shared-levels/", views.shared_levels, name="levels"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/close/", views.close, name="close"),
]
