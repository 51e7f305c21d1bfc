from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from portal.demo import DEMO_USERNAMES, demo_seed, demo_seeded, seed_core


class Command(BaseCommand):
    help = "Create or refresh the invented demo organisation (idempotent). Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with a known password, so it only runs with DEBUG=true."
            )
        # Notifications raised while seeding appear in the portal; their emails are not sent.
        def quiet():
            return override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")

        with quiet(), transaction.atomic():
            ctx = seed_core()
            # Each app adds its history (exposure, then check-ins and OH, then training: see portal/demo.py).
            demo_seed.send(sender=self.__class__, ctx=ctx)
        # Then whatever is derived from that history: wellbeing assesses everyone as the nightly sweep
        # would, so the team dashboard, the flag inboxes and OH's queue have something true to show.
        # Idempotent: a rerun finds the same results and adds nothing.
        with quiet():
            demo_seeded.send(sender=self.__class__)
        self.stdout.write(self.style.SUCCESS(
            "Demo organisation ready. Sign in as " + ", ".join(DEMO_USERNAMES)
            + " with the password from DEMO_PASSWORD."
        ))
        self.stdout.write(
            "Supervisor, trainer, OH, wellbeing lead, peer supporter and admin also need a two-factor code: add "
            "DEMO_TOTP_SECRET to an authenticator app, or run `manage.py demo_totp <username>` for the current code."
        )
