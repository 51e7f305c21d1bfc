"""Two-factor set-up and sign-in, recovery codes, the security page, the lockout page and the
audited 403 page."""

from __future__ import annotations

import base64
import logging
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal import access, audit, ratelimit, signin_slowdown, twofactor
from portal import security_actions as actions
from portal.forms import (
    CodeForm,
    CurrentCodeForm,
    PasswordConfirmForm,
    PortalPasswordResetForm,
    ReauthenticateForm,
    SetupCodeForm,
)
from portal.models import AuditEvent
from portal.oidc import reconfirm

logger = logging.getLogger("portal.security")

ACTIVITY_LABELS = {
    "login": gettext_lazy("Signed in with your password"),
    "login_oidc": gettext_lazy("Signed in with your organisation's account"),
    "logout": gettext_lazy("Signed out"),
    "two_factor_verified": gettext_lazy("Confirmed a two-factor code"),
    "two_factor_failed": gettext_lazy("A wrong two-factor code was entered"),
    "two_factor_enabled": gettext_lazy("Two-factor sign-in turned on"),
    "two_factor_removed": gettext_lazy("Two-factor sign-in turned off"),
    "recovery_codes_created": gettext_lazy("New recovery codes made"),
    "sessions_ended": gettext_lazy("Signed out everywhere else"),
    "password_changed": gettext_lazy("Password changed"),
    "password_reset": gettext_lazy("Password reset by email"),
    "reconfirm_failed": gettext_lazy("Signing in again at your organisation's account did not confirm a change"),
}


def _qr_data_uri(url: str) -> str:
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@sensitive_post_parameters("otp_token")
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not twofactor.has_totp(user):
        return redirect("two_factor_setup")
    if twofactor.session_is_verified(request):
        return redirect(twofactor.safe_next(request, access.start_url(user)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = twofactor.verify_code(user, form.cleaned_data["otp_token"])
        if device is not None:
            twofactor.mark_verified(request, device)
            method = "recovery_code" if device.persistent_id.startswith(twofactor.STATIC_LABEL) else "totp"
            audit.record("two_factor_verified", subject=user, detail={"method": method})
            logger.info("two-factor verified user_id=%s method=%s", user.pk, method)
            if method == "recovery_code":
                left = twofactor.recovery_codes_left(user)
                messages.warning(request, _(
                    "You used a recovery code. You have %(left)s left: make new ones on your security page."
                ) % {"left": left})
            return redirect(twofactor.safe_next(request, access.start_url(user)))
        audit.record("two_factor_failed", subject=user, detail={"throttled": throttled})
        logger.warning("two-factor code refused user_id=%s throttled=%s", user.pk, throttled)
        form.add_error("otp_token", _(
            "Too many wrong codes in a row. Wait a minute, then try the code your app shows now."
        ) if throttled else _("That code is not right. Check your authenticator app and try the code it shows now."))
    return render(request, "registration/two_factor_verify.html", {
        "form": form, "next": twofactor.safe_next(request, ""),
    })


@sensitive_post_parameters("otp_token", "current-password", "current-current_code")
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    replacing = twofactor.has_totp(user)
    # Replacing an existing authenticator needs a verified session: a stolen password alone must
    # never be enough to enrol the thief's own phone. It also needs the current password and a
    # current code, so a verified session left open is not enough either.
    if replacing and not twofactor.session_is_verified(request):
        return redirect("two_factor_verify")
    device = twofactor.totp_device_pending(user)
    form = SetupCodeForm(request.POST or None)
    by_provider = replacing and reconfirm.by_provider(user)  # a code here, then the provider confirms
    reauth = ((CurrentCodeForm if by_provider else ReauthenticateForm)(user, request.POST or None, prefix="current")
              if replacing else None)
    if request.method == "POST" and reauth is not None:
        confirmed = _reauthenticated(request, reauth)
        if confirmed is None:
            return redirect(settings.LOGIN_URL)
        if not confirmed:
            form = SetupCodeForm()  # the new code is not checked until the person is confirmed
    if request.method == "POST" and (reauth is None or not reauth.errors) and form.is_valid():
        found, throttled = twofactor.verify_code(user, form.cleaned_data["otp_token"], device=device)
        if found is not None and by_provider:
            return actions.confirm_at_provider(request, "replace_authenticator", device_id=found.pk)
        if found is not None:
            return actions.authenticator_enabled(request, found, replacing=replacing,
                                                 next_url=twofactor.safe_next(request, ""))
        form.add_error("otp_token", _(
            "Too many wrong codes in a row. Wait a minute, then try the code your app shows now."
        ) if throttled else _(
            "That code does not match. Check the app added this portal, then type the code it shows now."
        ))
    return render(request, "registration/two_factor_setup.html", {
        "form": form,
        "reauth_form": reauth,
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret": twofactor.base32_secret(device),
        "required": twofactor.requires_two_factor(user),
        "replacing": replacing,
        "by_provider": by_provider,
        "next": twofactor.safe_next(request, ""),
    })


@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows newly made recovery codes once; they are dropped from the session as they are shown."""
    codes = request.session.pop(actions.NEW_CODES_KEY, None)
    if not codes:
        return redirect("security")
    return render(request, "registration/two_factor_recovery_codes.html", {
        "codes": codes,
        "continue_url": twofactor.safe_next(request, access.start_url(request.user)),
    })


def _security_page(request: HttpRequest, *, sign_out_form=None, remove_form=None, codes_form=None,
                   status: int = 200) -> HttpResponse:
    """The page; someone who confirms at the identity provider (reconfirm.by_provider) is shown no
    password box: the forms that only asked for a password have no fields, new recovery codes ask
    for a code only."""
    user = request.user
    events = AuditEvent.objects.filter(subject=user, action__in=list(ACTIVITY_LABELS)).order_by("-at", "-id")[:10]
    activity = [{"at": event.at, "label": ACTIVITY_LABELS[event.action]} for event in events]
    by_provider = reconfirm.by_provider(user)
    return render(request, "portal/security.html", {
        "has_totp": twofactor.has_totp(user),
        "required": twofactor.requires_two_factor(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "by_provider": by_provider,
        "sign_out_form": None if by_provider else sign_out_form or PasswordConfirmForm(user, prefix="everywhere"),
        "remove_form": None if by_provider else remove_form or PasswordConfirmForm(user, prefix="remove"),
        "codes_form": codes_form or (CurrentCodeForm if by_provider else ReauthenticateForm)(user, prefix="codes"),
        "activity": activity,
    }, status=status)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    return _security_page(request)


def _password_confirmed(request: HttpRequest, form: PasswordConfirmForm) -> bool | None:
    """True if the password was right; False if wrong; None if the session was ended for too
    many wrong passwords (so a stolen session cannot be used to guess the password)."""
    if form.is_valid():
        request.session.pop(actions.CONFIRM_FAILURES_KEY, None)
        return True
    if "password" in form.errors and actions.strike(request, "password_confirm_failed"):
        return None
    return False


def _reauthenticated(request: HttpRequest, form: ReauthenticateForm | CurrentCodeForm) -> bool | None:
    """The current password and a current code were both right (True), not (False, with the reason
    on the form), or the session was ended after the fifth wrong one (None). The strike counter is
    cleared only when both are right. A CurrentCodeForm (someone who confirms at the identity
    provider) has the code only, and the provider is asked next."""
    if not form.is_valid():
        if "password" in form.errors and actions.strike(request, "password_confirm_failed"):
            return None
        return False
    device, throttled = twofactor.verify_code(request.user, form.cleaned_data["current_code"])
    if device is None:
        form.add_error("current_code", _(
            "Too many wrong codes in a row. Wait a minute, then try the code your app shows now."
        ) if throttled else _("That code is not right. Check your authenticator app and try the code it shows now."))
        if actions.strike(request, "two_factor_failed"):
            return None
        return False
    request.session.pop(actions.CONFIRM_FAILURES_KEY, None)
    return True



@sensitive_post_parameters("everywhere-password")
@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    if reconfirm.by_provider(request.user):
        return actions.confirm_at_provider(request, "sign_out_everywhere")
    form = PasswordConfirmForm(request.user, request.POST, prefix="everywhere")
    confirmed = _password_confirmed(request, form)
    if confirmed is None:
        return redirect(settings.LOGIN_URL)
    if not confirmed:
        return _security_page(request, sign_out_form=form, status=400)
    return actions.end_other_sessions(request, password=form.cleaned_data["password"])


@sensitive_post_parameters("codes-password", "codes-current_code")
@require_POST
@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """A current code and the password, or a current code and signing in again at the provider."""
    user = request.user
    if not twofactor.has_totp(user):
        return redirect("two_factor_setup")
    by_provider = reconfirm.by_provider(user)
    form = (CurrentCodeForm if by_provider else ReauthenticateForm)(user, request.POST, prefix="codes")
    confirmed = _reauthenticated(request, form)
    if confirmed is None:
        return redirect(settings.LOGIN_URL)
    if not confirmed:
        return _security_page(request, codes_form=form, status=400)
    if by_provider:
        return actions.confirm_at_provider(request, "recovery_codes")
    return actions.new_recovery_codes(request)


@sensitive_post_parameters("remove-password")
@require_POST
@login_required
def two_factor_turn_off(request: HttpRequest) -> HttpResponse:
    user = request.user
    if twofactor.requires_two_factor(user):
        messages.error(request, _("Your role needs two-factor sign-in, so it cannot be turned off."))
        return redirect("security")
    if reconfirm.by_provider(user):
        return actions.confirm_at_provider(request, "two_factor_off")
    form = PasswordConfirmForm(user, request.POST, prefix="remove")
    confirmed = _password_confirmed(request, form)
    if confirmed is None:
        return redirect(settings.LOGIN_URL)
    if not confirmed:
        return _security_page(request, remove_form=form, status=400)
    return actions.two_factor_off(request)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes calls this instead of its own response once a username+address is locked."""
    logger.warning("sign-in refused: locked out")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """The 403 page; every refusal is logged and audited (ASVS 7.2.2), with the path only."""
    path = request.path[:200]
    user = getattr(request, "user", None)
    audit.record("access_denied", reason=path)
    logger.warning("access denied user_id=%s path=%r", getattr(user, "pk", None), path)
    return render(request, "portal/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token (often one left open too long): audited like any
    refusal, with a way forward instead of Django's technical page."""
    path = request.path[:200]
    audit.record("csrf_failure", reason=path)
    logger.warning("csrf check failed path=%r", path)
    return render(request, "portal/403_csrf.html", status=403)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, plus an audit event (other sessions end because the password hash changed), and
    the same five strikes as every other confirmation: the fifth wrong current password ends the
    session, so a session left open cannot be used to guess the password and then change it.
    Someone who signs in through their organisation's account has no password here to change."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and reconfirm.by_provider(request.user):
            messages.info(request, _("You sign in with your organisation's account, so there is no password to "
                                     "change here."))
            return redirect("security")
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors and actions.strike(self.request, "password_confirm_failed"):
            return redirect(settings.LOGIN_URL)
        return super().form_invalid(form)

    def form_valid(self, form):
        self.request.session.pop(actions.CONFIRM_FAILURES_KEY, None)
        response = super().form_valid(form)
        audit.record("password_changed", subject=form.user)
        logger.info("password changed user_id=%s", form.user.pk)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, plus an audit event, and a reset lifts any sign-in pause on the username: the
    person has just proved they own its email address, as the pause page suggests they do. A link
    sent before the person's organisation switched local passwords off no longer works."""

    def get_user(self, uidb64):
        from portal.oidc.provider import local_password_refused

        user = super().get_user(uidb64)
        return None if user is not None and local_password_refused(user) else user

    def form_valid(self, form):
        from axes.utils import reset as axes_reset

        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        signin_slowdown.clear(form.user.get_username())
        audit.record("password_reset", actor=form.user, subject=form.user)
        logger.info("password reset user_id=%s", form.user.pk)
        return response


RESET_WINDOW = 60 * 60  # the password-reset limits count requests per hour


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with two changes.

    The link in the email is built from SITE_URL, never from the request's Host (or a forwarded
    host): a forged header must not send someone a link to the attacker's site carrying a valid
    token. And requests are limited per client address and per email address
    (PASSWORD_RESET_LIMIT_PER_ADDRESS, PASSWORD_RESET_LIMIT_PER_ACCOUNT an hour), so the form
    cannot be used to flood someone's mailbox or to send tokens by the thousand. Over a limit
    nothing is sent, and the answer is the same page as always: it never says whether an account
    exists, nor that a limit was reached. Every request is audited with what happened, no address.
    Nobody who must sign in through their organisation's account is sent a link (the form's note
    says so, PortalPasswordResetForm).
    """

    form_class = PortalPasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        by_address = ratelimit.count_hit("reset-address", audit.client_address(self.request) or "-",
                                         window=RESET_WINDOW)
        by_account = ratelimit.count_hit("reset-account", email, window=RESET_WINDOW)
        limited = ("address" if by_address > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
                   else "account" if by_account > settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT else "")
        subject = next(iter(form.get_users(email)), None)
        audit.record("password_reset_requested", subject=subject,
                     detail={"known": subject is not None, "limited": limited or None})
        logger.info("password reset requested known=%s limit=%s", subject is not None, bool(limited))
        if limited:
            return redirect(self.get_success_url())
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc, use_https=site.scheme == "https", request=self.request,
            token_generator=self.token_generator, from_email=self.from_email,
            email_template_name=self.email_template_name, subject_template_name=self.subject_template_name,
            html_email_template_name=self.html_email_template_name, extra_email_context=self.extra_email_context,
        )
        return redirect(self.get_success_url())
