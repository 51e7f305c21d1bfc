"""Import a force's people from an HR file (CSV or XLSX; docs/onboarding.md):

    manage.py import_people people.csv --dry-run
    manage.py import_people people.xlsx --full --organisation testshire --by admin

Prints what would happen in plain words, then applies it (all of it or none) unless --dry-run.
Exits non-zero when the file has problems (nothing is written then)."""

from django.core.management.base import BaseCommand, CommandError

from portal.hr import PlanHasErrors, PlanOutdated, apply_plan, build_plan, read_file
from portal.hr.summary import summary_lines
from portal.models import Organisation, User


class Command(BaseCommand):
    help = "Import people, units and teams from an HR file (CSV or XLSX). See docs/onboarding.md."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the HR file (.csv or .xlsx)")
        parser.add_argument("--dry-run", action="store_true", help="show what would happen; write nothing")
        parser.add_argument("--full", action="store_true",
                            help="the file holds everyone: list the people of the organisation who are not in it")
        parser.add_argument("--organisation", metavar="SLUG", help="the one organisation the file may hold")
        parser.add_argument("--deactivate-missing", action="store_true",
                            help="with --full: deactivate the people not in the file (never deletes anyone)")
        parser.add_argument("--by", metavar="USERNAME", help="the admin recorded in the audit trail as importing")

    def _organisation(self, slug):
        if not slug:
            return None
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation with the slug '{slug}'.") from exc

    def _by(self, username):
        if not username:
            return None
        try:
            return User.objects.get(username=username, is_staff=True, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active admin with the username '{username}'.") from exc

    def handle(self, *args, **options):
        if options["deactivate_missing"] and not options["full"]:
            raise CommandError("--deactivate-missing needs --full: only a full file says who is missing.")
        organisation, by = self._organisation(options["organisation"]), self._by(options["by"])
        try:
            with open(options["file"], "rb") as handle:
                result = read_file(handle, options["file"])
        except OSError as exc:
            raise CommandError(f"Cannot open {options['file']}: {exc.strerror}.") from exc
        for warning in result.warnings:
            self.stdout.write(f"Note: {warning}")
        plan = build_plan(result.records, full=options["full"], organisation=organisation,
                          file_sha256=result.sha256, by=by)
        if result.records:
            for line in summary_lines(plan):
                self.stdout.write(line)
        for error in result.errors:
            self.stderr.write(f"Problem: {error}")
        problems = len(result.errors) + len(plan.errors)
        if problems:
            raise CommandError(f"{problems} problems in the file: nothing was imported. Correct them and run "
                               "the import again.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        chosen = {person.pk for person in plan.missing} if options["deactivate_missing"] else set()
        try:
            counts = apply_plan(plan, by=by, deactivate_missing=chosen)
        except PlanOutdated as exc:
            raise CommandError("Someone added people to the portal while the import ran (a staff number or username "
                               "it meant to use): nothing was imported. Run the import again.") from exc
        except PlanHasErrors as exc:  # --deactivate-missing would deactivate the last admins (portal.hr.guards)
            raise CommandError(f"{exc} Nothing was imported.") from exc
        written = {name: count for name, count in counts.items()
                   if count and name not in ("missing", "skipped", "warnings")}
        self.stdout.write(self.style.SUCCESS(
            "Imported: " + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in written.items())
            if written else "Imported: nothing had changed."))
