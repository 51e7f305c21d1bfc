from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views
from portal.language import language_set

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/language/", language_set, name="language-set"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("exposure/", include("exposure.urls")),
    path("wellbeing/", include("wellbeing.urls")),
    path("team/", include("wellbeing.team_urls")),
    path("oh/", include("wellbeing.oh_urls")),
    path("training/", include("training.urls")),
    path("admin/", admin.site.urls),
]
