from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from training.content import ContentError
from training.services import content_load


class Command(BaseCommand):
    help = ("Load the training modules from training/content/ (idempotent: unchanged modules are left alone, "
            "a changed module gets a new version).")

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help="Another content directory to load.")

    def handle(self, *args, path=None, **options):
        try:
            summary = content_load(root=path)
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"{summary['modules']} modules checked, {summary['new_versions']} new versions loaded."
        ))
