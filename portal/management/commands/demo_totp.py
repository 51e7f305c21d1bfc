"""Prints the current two-factor code of a demo user, for people trying the demo without an
authenticator app. Development only, like seed_demo."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_TWO_FACTOR_USERNAMES
from portal.twofactor import current_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=DEMO_TWO_FACTOR_USERNAMES)

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DEBUG=true: real accounts' codes are never printed.")
        device = TOTPDevice.objects.filter(user__username=username, name="Demo authenticator", confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator yet: run `manage.py seed_demo` first.")
        self.stdout.write(current_code(device))
