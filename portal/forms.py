"""Forms of the security pages: a two-factor code, and re-entering the password before a change
that matters (ending every other session, turning two-factor off)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from portal.twofactor import normalise_code


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length checked before any look-up. Django only
    sets the field's maxlength attribute; an over-long name would otherwise reach the lockout
    table (255 characters on PostgreSQL) and fail there with a server error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def get_invalid_login_error(self):
        # The slowdown (portal/signin_slowdown.py) applies to any username, known or not, so saying
        # so reveals nothing about which accounts exist.
        if getattr(self.request, "signin_slowed_for", 0):
            return forms.ValidationError(
                _("Your username or password is not right, or there have been many attempts for this "
                  "username. Try again in a minute."),
                code="slowed",
            )
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        from portal.oidc.provider import button_label, local_password_refused

        if local_password_refused(user):
            # Only after the right password: the message tells nothing to someone guessing.
            from portal import audit

            audit.record("login_password_refused", actor=user, subject=user)
            raise forms.ValidationError(
                _("Your organisation has switched passwords off for the portal: use the “%(button)s” button "
                  "instead.") % {"button": button_label()},
                code="use_single_sign_on",
            )


class PortalPasswordResetForm(PasswordResetForm):
    """Django's, except that nobody who must sign in through their organisation's account is sent a
    reset link (portal.oidc.provider.local_password_refused); the page says why."""

    def get_users(self, email):
        from portal.oidc.provider import local_password_refused

        return (user for user in super().get_users(email) if not local_password_refused(user))


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )

    def clean_otp_token(self):
        code = normalise_code(self.cleaned_data["otp_token"])
        if not code:
            raise forms.ValidationError(_("Enter the code shown in your authenticator app."))
        return code


class SetupCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["otp_token"]
        field.help_text = _("The 6-digit code your authenticator app shows for this portal.")
        field.widget.attrs["inputmode"] = "numeric"

    def clean_otp_token(self):
        code = super().clean_otp_token()
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows, without spaces."))
        return code


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."))
        return password


def _current_code_field() -> forms.CharField:
    return forms.CharField(
        label=_("A code from your current authenticator app"),
        max_length=40,
        help_text=_("The 6-digit code your app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}),
    )


class ReauthenticateForm(PasswordConfirmForm):
    """The current password and a current code (authenticator or recovery code): what replacing the
    authenticator or making new recovery codes needs, so a session left open on a shared computer
    is not enough to take over someone's second factor."""

    current_code = _current_code_field()

    def clean_current_code(self):
        code = normalise_code(self.cleaned_data["current_code"])
        if not code:
            raise forms.ValidationError(_("Enter the code shown in your authenticator app."))
        return code


class CurrentCodeForm(forms.Form):
    """A current code only: the part of ReauthenticateForm someone who signs in through their
    organisation's account can give here (the provider confirms the rest, portal/oidc/reconfirm.py)."""

    current_code = _current_code_field()
    clean_current_code = ReauthenticateForm.clean_current_code

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
