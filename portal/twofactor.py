"""Two-factor sign-in: who must use it, how a session counts as verified, and recovery codes.

Supervisors, trainers, occupational health and admins must confirm a TOTP code (or a single-use
recovery code) after their password before they reach any page but the two-factor ones.
Officers may turn it on; once they have, it is required for them too.

A session is verified when it holds the persistent id of one of the user's confirmed devices
(django-otp's own session key). Which devices the user has is loaded with the user row itself
(PortalBackend), so this check adds no query to any request, and deleting a device (an admin
resetting someone's two-factor) unverifies every session that used it on its next request.
A sign-in through the force's identity provider whose ID token says it did multi-factor
authentication (portal/oidc) puts a marker of its own under the same key instead: verified, for
that person, until the session ends; any later sign-in in the session removes it.
"""

from __future__ import annotations

import secrets
from base64 import b32decode, b32encode
from binascii import hexlify
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.middleware import bearer_only

TOTP_LABEL = TOTPDevice.model_label()
STATIC_LABEL = StaticDevice.model_label()
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper
RECOVERY_LENGTH = 10


def requires_two_factor(user) -> bool:
    """True for the roles that must use two-factor sign-in whatever they prefer."""
    # A peer supporter reads what officers chose to send them (a level, check-in categories); a
    # TRiM practitioner or coordinator reads assessment bands and referrals.
    return bool(user.is_supervisor or user.is_trainer or user.is_oh or user.is_wellbeing_lead
                or user.is_peer_supporter or user.is_trim_practitioner or user.is_trim_coordinator
                or user.is_staff or user.is_superuser)


def _confirmed(model):
    return model.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("pk").values("pk")[:1]


_PLACEHOLDER_PK = -7_301_977  # stands for the user's id while the statement is built; no user has it


def _with_devices(manager):
    return manager.annotate(otp_totp_pk=Subquery(_confirmed(TOTPDevice)),
                            otp_static_pk=Subquery(_confirmed(StaticDevice)))


class PortalBackend(ModelBackend):
    """ModelBackend whose get_user also reads the ids of the user's confirmed TOTP device and
    recovery-code device, in the one query Django already makes per request.

    Every request of a signed-in person runs it, and building that statement through the ORM (two
    subqueries) cost about 1.7 ms of the web host's CPU, more than the database took to answer it:
    the statement is built once per database and process and then run as it is, with the id."""

    _statements: dict[str, tuple[str, tuple, int]] = {}

    @classmethod
    def _statement(cls, manager) -> tuple[str, tuple, int]:
        """The SQL, its parameters and where the user's id goes among them (built once per database)."""
        alias = manager.db
        if alias not in cls._statements:
            sql, params = _with_devices(manager).filter(pk=_PLACEHOLDER_PK).query.sql_with_params()
            if list(params).count(_PLACEHOLDER_PK) != 1:  # pragma: no cover - a change in Django's SQL
                raise RuntimeError("the user's id is not a single parameter of the get_user statement")
            cls._statements[alias] = (sql, tuple(params), list(params).index(_PLACEHOLDER_PK))
        return cls._statements[alias]

    def get_user(self, user_id):
        manager = get_user_model()._default_manager
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        sql, params, at = self._statement(manager)
        found = list(manager.raw(sql, [*params[:at], user_id, *params[at + 1:]]))
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None


def _device_ids(user) -> tuple[str | None, str | None]:
    if not hasattr(user, "otp_totp_pk"):
        # Loaded some other way (e.g. a session made by another backend): ask the database.
        user.otp_totp_pk = TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True).first()
        user.otp_static_pk = (
            StaticDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True).first()
        )
    totp = f"{TOTP_LABEL}/{user.otp_totp_pk}" if user.otp_totp_pk else None
    static = f"{STATIC_LABEL}/{user.otp_static_pk}" if user.otp_static_pk else None
    return totp, static


def has_totp(user) -> bool:
    return _device_ids(user)[0] is not None


def session_is_verified(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    totp, static = _device_ids(user)
    marker = request.session.get(DEVICE_ID_SESSION_KEY)
    if marker is not None and marker == _provider_marker(user):
        return True
    # A recovery code only counts while the TOTP device it backs up still exists.
    return bool(marker) and totp is not None and marker in (totp, static)


def must_verify(request) -> bool:
    """The signed-in user has to pass the two-factor step before going anywhere else."""
    user = request.user
    return user.is_authenticated and (requires_two_factor(user) or has_totp(user)) and not session_is_verified(
        request
    )


def mark_verified(request, device) -> None:
    """Record a passed two-factor step. The session key changes, as it does at sign-in, so a key
    seen before the second factor is worth nothing after it."""
    request.session.cycle_key()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


PROVIDER_MFA_LABEL = "portal.oidc/provider-mfa"


def _provider_marker(user) -> str:
    return f"{PROVIDER_MFA_LABEL}/{user.pk}"


def mark_verified_by_provider(request) -> None:
    """The force's identity provider said, in the ID token of this very sign-in, that it did
    multi-factor authentication (portal/oidc, OIDC_MFA_CLAIM): the session counts as verified
    without the portal's own code. Called right after auth.login, which has just changed the
    session key; a later password sign-in replaces the marker (portal.signals.on_login)."""
    request.session[DEVICE_ID_SESSION_KEY] = _provider_marker(request.user)


class OTPSessionMiddleware:
    """Gives request.user the `is_verified()` that django-otp's decorators and admin expect,
    answered from the session and the user row (no query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user.is_verified = lambda: session_is_verified(request)
        return self.get_response(request)


# Pages a signed-in person may reach before the second factor: the two-factor pages themselves,
# signing out, and pages that hold nothing personal.
EXEMPT_URL_NAMES = ("two_factor_verify", "two_factor_setup", "logout", "accessibility", "healthz")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if must_verify(request):
            exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
            if (request.path not in exempt and not request.path.startswith(settings.STATIC_URL)
                    and not bearer_only(request)):  # the SCIM API: a bearer token, never this session
                name = "two_factor_verify" if has_totp(request.user) else "two_factor_setup"
                target = reverse(name)
                if request.method == "GET" and request.path != "/":
                    target += "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)


def safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


# TOTP devices --------------------------------------------------------------------------------

def totp_device_pending(user) -> TOTPDevice:
    """The unconfirmed device a person is setting up (one at a time; a fresh secret each time the
    set-up starts again, so a secret shown on a shared screen can simply be abandoned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def hex_from_base32(secret: str) -> str:
    cleaned = secret.replace(" ", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    return hexlify(b32decode(cleaned)).decode("ascii")


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for `device` (demo helper and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """Make `device` the user's one confirmed authenticator, replacing any earlier one."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


# Recovery codes ------------------------------------------------------------------------------

def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.lower() if ch.isalnum())


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace every recovery code of `user` with new ones; returns them for showing once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [format_recovery_code(code) for code in codes]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_remove(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify_code(user, raw: str, *, device: TOTPDevice | None = None) -> tuple[object | None, bool]:
    """(the device that accepts `raw`, whether the user must wait before trying again).

    A six-digit answer is only tried against the authenticator (or `device`, one being set up),
    anything else only against the recovery codes, so one wrong answer never counts against both.
    django-otp throttles each device: after a wrong code the next try waits 1 s, then 2 s, 4 s..."""
    code = normalise_code(raw)
    if not code:
        return None, False
    with transaction.atomic():
        if device is not None:
            found = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user).first()
        elif code.isdigit() and len(code) == 6:
            found = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        else:
            found = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if found is None:
            return None, False
        allowed, _ = found.verify_is_allowed()
        if not allowed:
            return None, True
        return (found if found.verify_token(code) else None), False
