from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import ops_views, security_views, views
from portal.forms import SignInForm
from portal.language import language_set
from portal.oidc import views as oidc_views

handler403 = "portal.security_views.permission_denied"
# A database or Redis error outside a view (in a middleware) gets the try-again page, not a bare 500
handler500 = "portal.unavailable.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # for the monitoring network only (HEALTHZ_ALLOWED_NETWORKS; docs/operations.md)
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/language/", language_set, name="language-set"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True,
                                                         authentication_form=SignInForm), name="login"),
    path("accounts/two-factor/", security_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", security_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/recovery-codes/", security_views.two_factor_recovery_codes,
         name="two_factor_recovery_codes"),
    path("accounts/security/", security_views.security, name="security"),
    path("accounts/security/sign-out-everywhere/", security_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("accounts/security/recovery-codes/", security_views.recovery_codes_new, name="recovery_codes_new"),
    path("accounts/security/two-factor-off/", security_views.two_factor_turn_off, name="two_factor_turn_off"),
    path("accounts/password_change/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", security_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/reset/<uidb64>/<token>/", security_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    # single sign-on (portal/oidc): 404 unless OIDC_ISSUER is set; sign-out offers the provider's too
    path("accounts/logout/", oidc_views.LogoutView.as_view(), name="logout"),
    path("accounts/oidc/start/", oidc_views.StartView.as_view(), name="oidc_start"),
    path("accounts/oidc/callback/", oidc_views.callback, name="oidc_callback"),
    path("accounts/oidc/signed-out/", oidc_views.signed_out, name="oidc_signed_out"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("exposure/", include("exposure.urls")),
    path("wellbeing/", include("wellbeing.checkins.urls")),
    path("team/", include("wellbeing.team.urls")),
    path("oh/", include("wellbeing.oh.urls")),
    path("lead/", include("wellbeing.review.urls")),
    path("talk/", include("wellbeing.talk.urls")),
    path("help-requests/", include("wellbeing.talk.queue_urls")),
    path("trim/", include("wellbeing.trim.urls")),
    path("screening/", include("wellbeing.screening.urls")),
    path("training/", include("training.urls")),
    path("scim/v2/", include("portal.scim.urls")),
    path("hr-import/", include("portal.hr_admin.urls")),
    path("admin/", admin.site.urls),
]
