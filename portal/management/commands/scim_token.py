"""Makes a SCIM bearer token for one organisation and prints it once (it is stored only as a
hash), or revokes one: `manage.py scim_token ORG_SLUG`, `manage.py scim_token ORG_SLUG --revoke PREFIX`,
`manage.py scim_token ORG_SLUG --list`. See docs/onboarding.md, "Provisioning from Entra ID"."""

from django.core.management.base import BaseCommand, CommandError

from portal.models import Organisation, ScimToken
from portal.scim.tokens import scim_token_create, scim_token_revoke


class Command(BaseCommand):
    help = "Create (and show once), list or revoke the SCIM bearer tokens of an organisation."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="the organisation's slug")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")
        parser.add_argument("--list", action="store_true", help="list the organisation's tokens")

    def handle(self, *args, organisation, revoke=None, list=False, **options):  # noqa: A002 - the option's name
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with the slug {organisation!r}.")
        tokens = ScimToken.objects.filter(organisation=org)
        if list:
            for token in tokens:
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(f"{token.prefix}  created {token.created_at:%Y-%m-%d}  last used {used}  {state}")
            return
        if revoke:
            token = tokens.filter(prefix=revoke).first()
            if token is None:
                raise CommandError(f"{org} has no token with the prefix {revoke!r}.")
            scim_token_revoke(token=token)
            self.stdout.write(f"Revoked {token.prefix}.")
            return
        row, secret = scim_token_create(organisation=org)
        self.stdout.write(f"SCIM token for {org} (prefix {row.prefix}). It is shown only now; paste it into the "
                          "identity provider's Secret Token field:")
        self.stdout.write(secret)
