from django.urls import path

from wellbeing.checkins import views
from wellbeing.oh import views as oh_views
from wellbeing.review import views as review_views

app_name = "wellbeing"
urlpatterns = [
    path("", views.index, name="index"),
    path("checkin/<slug:code>/", views.checkin, name="checkin"),
    path("checkins/<int:pk>/", views.result, name="result"),
    path("checkins/<int:pk>/sharing/", views.sharing, name="sharing"),
    path("support/", views.support, name="support"),
    path("flags/", review_views.my_flags, name="flags"),
    path("flags/<int:pk>/context/", review_views.flag_context, name="flag-context"),
    path("privacy/", oh_views.privacy, name="privacy"),
    path("privacy/sharing/", oh_views.privacy_sharing, name="privacy-sharing"),
    path("privacy/export/", oh_views.privacy_export, name="privacy-export"),
]
