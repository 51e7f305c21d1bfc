from django.urls import path

from wellbeing.checkins import views
from wellbeing.oh import views as oh_views

app_name = "wellbeing"
urlpatterns = [
    path("", views.index, name="index"),
    path("checkin/<slug:code>/", views.checkin, name="checkin"),
    path("checkins/<int:pk>/", views.result, name="result"),
    path("checkins/<int:pk>/sharing/", views.sharing, name="sharing"),
    path("support/", views.support, name="support"),
    path("privacy/", oh_views.privacy, name="privacy"),
    path("privacy/export/", oh_views.privacy_export, name="privacy-export"),
]
