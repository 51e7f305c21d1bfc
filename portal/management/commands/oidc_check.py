"""`manage.py oidc_check`: reads the identity provider's discovery document as single sign-on will
(portal/oidc) and prints its endpoints, or says plainly why it cannot. For a force's IT lead setting
single sign-on up (docs/onboarding.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.oidc import provider as idp

PROBLEMS = {
    "unreachable": "The discovery document could not be fetched from {url}: check OIDC_ISSUER and that this "
                   "server can reach the provider.",
    "issuer": "The discovery document at {url} names another issuer, or lacks an endpoint: OIDC_ISSUER must be "
              "exactly the issuer it states.",
}


class Command(BaseCommand):
    help = "Check the single sign-on (OpenID Connect) settings against the identity provider."

    def handle(self, *args, **options):
        if not idp.enabled():
            raise CommandError("Single sign-on is off: OIDC_ISSUER is not set.")
        idp.forget()
        try:
            found = idp.provider()
        except idp.SignInFailed as refusal:
            url = settings.OIDC_ISSUER.rstrip("/") + idp.DISCOVERY_PATH
            raise CommandError(PROBLEMS[refusal.reason].format(url=url)) from refusal
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
                     "end_session_endpoint"):
            self.stdout.write(f"{name}: {getattr(found, name) or '(none)'}")
        if not found.end_session_endpoint:
            self.stdout.write("The provider offers no sign-out endpoint: signing out ends the portal session only.")
        self.stdout.write(f"Matching people by: {settings.OIDC_STAFF_NUMBER_CLAIM or settings.OIDC_EMAIL_CLAIM}")
        mfa = settings.OIDC_MFA_CLAIM and settings.OIDC_MFA_VALUES
        self.stdout.write(f"Provider MFA accepted: {settings.OIDC_MFA_CLAIM} in {', '.join(settings.OIDC_MFA_VALUES)}"
                          if mfa else "Provider MFA accepted: never (the portal asks for its own code)")
