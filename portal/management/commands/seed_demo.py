import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from portal.demo import DEMO_USERNAMES, seed_core

# Modules with demo history, each exposing `seed(ctx)`; they run in this order because check-ins
# and the risk engine read the exposures seeded before them.
DEMO_MODULES = ["exposure.demo", "wellbeing.checkins.demo", "wellbeing.oh.demo", "training.demo"]


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
            for name in DEMO_MODULES:
                importlib.import_module(name).seed(ctx)
        # Assess everyone from the history just seeded, as the nightly sweep would, so the team
        # dashboard, the flag inboxes and OH's queue have something true to show. Idempotent: a
        # rerun finds the same results and adds nothing.
        from wellbeing.risk.service import risk_sweep

        with quiet():
            risk_sweep()
        self.stdout.write(self.style.SUCCESS(
            "Demo organisation ready. Sign in as " + ", ".join(DEMO_USERNAMES)
            + " with the password from DEMO_PASSWORD."
        ))
        self.stdout.write(
            "Supervisor, trainer, OH and admin also need a two-factor code: add DEMO_TOTP_SECRET to an "
            "authenticator app, or run `manage.py demo_totp <username>` for the current code."
        )
